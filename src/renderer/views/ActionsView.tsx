// Pending Stripe actions: the follow-up queue (welcome email, payment failed, churn survey)
// with Complete / Dismiss and a note, Reopen for finished ones, and each action's history.
import { memo, useCallback, useId, useState } from 'react';
import { api } from '../api';
import type { ActionInfo } from '../../shared/api';
import { ACTION_FILTERS, actionLabel, customerLabel, replaceAction, verbsFor } from '../lib/actions';
import type { ActionStatusFilter } from '../lib/actions';
import { formatAgo, formatAmount, formatDateTime, plural } from '../lib/format';
import { isUnverified, UNVERIFIED_ROW_TITLE, unverifiedNotice } from '../lib/unverified';
import { Badge, EmptyState, InlineError, Spinner } from '../components/Feedback';
import { useAction, useInterval, useNow, useResource } from '../components/hooks';

const VERB_LABEL = { complete: 'Complete', dismiss: 'Dismiss', reopen: 'Reopen' } as const;
const STATUS_TONE = { pending: 'busy', completed: 'ok', dismissed: 'neutral' } as const;
const FILTER_LABEL: Record<ActionStatusFilter, string> = { pending: 'Pending', completed: 'Completed', dismissed: 'Dismissed', all: 'All' };

function History({ id }: { id: number }) {
  const detail = useResource(() => api.action(id), [id]);
  if (detail.error) return <InlineError error={detail.error} prefix="Could not load the history" />;
  if (!detail.data) return <Spinner label="Loading history…" />;
  if (detail.data.history.length === 0) return <p className="muted">No changes yet.</p>;
  return (
    <ol className="history">
      {detail.data.history.map((h, i) => (
        <li key={i}>
          <time dateTime={h.at}>{formatDateTime(h.at)}</time> · <strong>{h.status}</strong> by {h.actor}
          {h.note ? <q>{h.note}</q> : null}
        </li>
      ))}
    </ol>
  );
}

const ActionRow = memo(function ActionRow({ action, now, onChanged }: { action: ActionInfo; now: number; onChanged(a: ActionInfo, verb: string): void }) {
  const [note, setNote] = useState('');
  const [historyOpen, setHistoryOpen] = useState(false);
  const [historyKey, setHistoryKey] = useState(0);
  const noteId = useId();
  const change = useAction(async (verb: 'complete' | 'dismiss' | 'reopen') => {
    const text = note.trim() || undefined;
    const fn = verb === 'complete' ? api.completeAction : verb === 'dismiss' ? api.dismissAction : api.reopenAction;
    const updated = await fn(action.id, text);
    setNote('');
    setHistoryKey((k) => k + 1);
    onChanged(updated, verb);
    return updated;
  });

  return (
    <li
      className={`action-row status-${action.status}${isUnverified(action) ? ' unverified' : ''}`}
      data-testid="action-row"
      data-action-id={action.id}
      data-status={action.status}
      data-verified={String(action.verified)}
    >
      <div className="action-main">
        <div className="action-title">
          <strong>{actionLabel(action.action_type)}</strong>
          <Badge tone={STATUS_TONE[action.status]}>{action.status}</Badge>
          {isUnverified(action) ? (
            <span className="flag-unverified" title={UNVERIFIED_ROW_TITLE} data-testid="action-unverified">
              unverified
            </span>
          ) : null}
        </div>
        <div className="action-facts">
          <span>{customerLabel(action)}</span>
          {action.amount !== null ? <span className="amount">{formatAmount(action.amount, action.currency)}</span> : null}
          {action.plan ? <span>plan {action.plan}</span> : null}
          <span title={formatDateTime(action.created_at)}>
            <time dateTime={action.created_at}>{formatAgo(action.created_at, now)}</time>
          </span>
          <span className="mono muted">{action.stripe_event}</span>
        </div>
        {action.last_note ? (
          <p className="muted">
            Last note{action.last_actor ? ` (${action.last_actor})` : ''}: <q>{action.last_note}</q>
          </p>
        ) : null}
      </div>
      <div className="action-controls">
        <label htmlFor={noteId} className="sr-only">
          Note for {actionLabel(action.action_type)} ({customerLabel(action)})
        </label>
        <input
          id={noteId}
          type="text"
          placeholder="Note (optional)"
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="action-note"
        />
        {verbsFor(action.status).map((verb) => (
          <button
            key={verb}
            type="button"
            className={`button${verb === 'complete' ? ' primary' : ''}`}
            disabled={change.pending}
            onClick={() => void change.run(verb)}
            data-testid={`action-${verb}`}
          >
            {VERB_LABEL[verb]}
          </button>
        ))}
      </div>
      <InlineError error={change.error} />
      <details className="action-history" onToggle={(e) => setHistoryOpen(e.currentTarget.open)}>
        <summary>History</summary>
        {historyOpen ? <History key={historyKey} id={action.id} /> : null}
      </details>
    </li>
  );
});

export function ActionsView() {
  const [filter, setFilter] = useState<ActionStatusFilter>('pending');
  const actions = useResource(() => api.actions(filter), [filter]);
  useInterval(actions.reload, 15_000);
  const now = useNow(30_000);
  const [announce, setAnnounce] = useState('');
  const groupName = useId();

  const { setData } = actions;
  const onChanged = useCallback(
    (a: ActionInfo, verb: string) => {
      setData((prev) => (prev ? { actions: replaceAction(prev.actions, a, filter) } : prev));
      setAnnounce(`${actionLabel(a.action_type)} for ${customerLabel(a)}: ${verb === 'reopen' ? 'reopened' : a.status}.`);
    },
    [setData, filter],
  );

  const list = actions.data?.actions ?? [];
  const notice = unverifiedNotice(list, 'action', 'actions', 'Stripe');
  return (
    <section className="view" aria-labelledby="actions-heading">
      <header className="view-head">
        <h1 id="actions-heading">Stripe actions</h1>
        <fieldset className="segmented">
          <legend className="sr-only">Show actions</legend>
          {ACTION_FILTERS.map((f) => (
            <label key={f} className={filter === f ? 'on' : ''}>
              <input type="radio" name={groupName} value={f} checked={filter === f} onChange={() => setFilter(f)} />
              {FILTER_LABEL[f]}
            </label>
          ))}
        </fieldset>
        <button type="button" className="button" onClick={actions.reload} disabled={actions.loading}>
          Refresh
        </button>
      </header>
      <p className="sr-only" role="status" aria-live="polite">
        {announce}
      </p>
      {announce ? <p className="ok-text">{announce}</p> : null}
      <InlineError error={actions.error} prefix="Could not load actions" />
      {!actions.data && actions.loading ? <Spinner label="Loading actions…" /> : null}
      {actions.data && list.length === 0 ? (
        <EmptyState title={filter === 'pending' ? 'Nothing to do.' : `No ${filter === 'all' ? '' : `${filter} `}actions.`}>
          <p>
            Actions appear when Stripe sends <code>checkout.session.completed</code> (welcome email), <code>invoice.payment_failed</code>{' '}
            (payment failed) or <code>customer.subscription.deleted</code> (churn survey). Add the Stripe webhook under Sources (press 4).
          </p>
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <>
          <p className="muted">{plural(list.length, filter === 'all' ? 'action' : `${filter} action`)}</p>
          {notice ? (
            <p className="warning" role="note" data-testid="actions-unverified-notice">
              <strong>Unverified.</strong> {notice}
            </p>
          ) : null}
          <ul className="action-list">
            {list.map((a) => (
              <ActionRow key={a.id} action={a} now={now} onChanged={onChanged} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
