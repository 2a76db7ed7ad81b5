// Outbound: where Tidings delivers. Targets (push: messages an assistant pushes; forward:
// the webhooks it receives) with their state, counts and controls, a form to add one (its
// signing secret shown once), a box to push a test message, and the delivery log with each
// delivery's attempts and "retry now". While the view is open it refreshes every 2 s; the
// core does the delivering, this only shows it.
import { useCallback, useEffect, useId, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { api } from '../api';
import type { PushAnswer } from '../api';
import type { DeliveryInfo, DeliveryState, TargetInfo, TargetMode } from '../../shared/outbound';
import { DELIVERY_STATES, maskTargetUrl } from '../../shared/outbound';
import {
  attemptStatusLabel,
  DELIVERY_STATE_LABEL,
  deliveryStatus,
  filterSummary,
  lastResultLabel,
  nextAttemptLabel,
  pushResultLabel,
  splitList,
  statusTone,
  targetLastLabel,
  targetNameError,
  targetStatus,
  totals,
} from '../lib/outbound';
import { formatAgo, formatCount, formatDateTime, formatDuration, plural } from '../lib/format';
import { Badge, EmptyState, InlineError, Spinner } from '../components/Feedback';
import { CopyButton } from '../components/CopyButton';
import { useAction, useInterval, useNow, useResource } from '../components/hooks';

const POLL_MS = 2_000;
const DELIVERY_LIMIT = 100;

/** Calls `fn` every `ms` while mounted and the window is not hidden. */
function usePoll(fn: () => void, ms: number): void {
  useInterval(() => {
    if (typeof document === 'undefined' || !document.hidden) fn();
  }, ms);
}

/** A signing secret on screen: shown on purpose, copyable, gone when dismissed. */
function SecretOnce({ name, secret, intro, onDone }: { name: string; secret: string; intro: string; onDone(): void }) {
  return (
    <div className="secret-once" role="status" data-testid="target-secret" data-target={name}>
      <p>
        <strong>{intro}</strong>
      </p>
      <div className="url-row">
        <code className="url" data-testid="target-secret-value">
          {secret}
        </code>
        <CopyButton text={secret} ariaLabel={`Copy the signing secret of ${name}`} testId="target-secret-copy" />
      </div>
      <p className="hint">
        Give it to the receiver to verify the <code>webhook-signature</code> header (Standard Webhooks). It will not be shown again here; if
        you lose it, “Reveal secret” on the target fetches it once more.
      </p>
      <button type="button" className="button" onClick={onDone} data-testid="target-secret-done">
        Done, I copied it
      </button>
    </div>
  );
}

function AddTargetForm({ existing, onCreated }: { existing: readonly string[]; onCreated(): void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [mode, setMode] = useState<TargetMode>('push');
  const [sources, setSources] = useState('');
  const [types, setTypes] = useState('');
  const [allowPrivate, setAllowPrivate] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const create = useAction(async () => {
    const created = await api.createTarget({
      name: name.trim(),
      url: url.trim(),
      mode,
      ...(mode === 'forward' ? { sources: splitList(sources), types: splitList(types) } : {}),
      allow_private: allowPrivate,
    });
    setShown({ name: created.target.name, secret: created.secret });
    setName('');
    setUrl('');
    setSources('');
    setTypes('');
    setAllowPrivate(false);
    onCreated();
    return created;
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    const err =
      targetNameError(n) ?? (existing.includes(n) ? `A target named ${n} already exists.` : null) ?? (url.trim() === '' ? 'Enter the URL to deliver to.' : null);
    setProblem(err);
    if (err) return;
    setShown(null);
    void create.run();
  };

  return (
    <section className="card add-target" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Add a target</h2>
      <form onSubmit={submit} noValidate autoComplete="off" data-testid="target-form">
        <div className="row form-row">
          <label className="field">
            Name
            <input
              type="text"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="dev-server"
              spellCheck={false}
              autoCapitalize="none"
              data-testid="target-name"
            />
          </label>
          <label className="field grow">
            URL
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://localhost:3000/webhooks" spellCheck={false} data-testid="target-url" />
          </label>
          <label className="field">
            Mode
            <select value={mode} onChange={(e) => setMode(e.target.value as TargetMode)} data-testid="target-mode">
              <option value="push">push (messages from assistants)</option>
              <option value="forward">forward (incoming webhooks)</option>
            </select>
          </label>
        </div>
        {mode === 'forward' ? (
          <div className="row form-row">
            <label className="field grow">
              Sources (comma-separated; empty = all)
              <input type="text" value={sources} onChange={(e) => setSources(e.target.value)} placeholder="github, stripe" spellCheck={false} data-testid="target-sources" />
            </label>
            <label className="field grow">
              Event types (comma-separated; empty = all)
              <input type="text" value={types} onChange={(e) => setTypes(e.target.value)} placeholder="push, invoice.payment_failed" spellCheck={false} data-testid="target-types" />
            </label>
          </div>
        ) : null}
        <label className="check">
          <input type="checkbox" checked={allowPrivate} onChange={(e) => setAllowPrivate(e.target.checked)} data-testid="target-allow-private" />
          Allow local address (dev server on this machine)
        </label>
        <p className="hint">
          {mode === 'push'
            ? 'Push targets receive the messages assistants push, signed with Standard Webhooks.'
            : 'Forward targets receive each matching webhook as it arrived: original headers and raw body, so your app verifies the provider’s signature itself.'}{' '}
          Local and private addresses are refused unless allowed, so a typed URL cannot reach this machine’s own services by accident.
        </p>
        <div className="row">
          <button type="submit" className="button primary" disabled={create.pending} data-testid="target-add">
            {create.pending ? 'Adding…' : 'Add target'}
          </button>
        </div>
        {problem ? (
          <p className="inline-error" role="alert">
            {problem}
          </p>
        ) : null}
        <div data-testid="target-form-error">
          <InlineError error={create.error} prefix="The target was not added" />
        </div>
      </form>
      {shown ? (
        <SecretOnce name={shown.name} secret={shown.secret} intro={`Added ${shown.name}. Its signing secret:`} onDone={() => setShown(null)} />
      ) : null}
    </section>
  );
}

function TargetCard({ target, now, onChanged, onUpdated }: { target: TargetInfo; now: number; onChanged(): void; onUpdated(t: TargetInfo): void }) {
  const headingId = useId();
  const status = targetStatus(target, now);
  // The switch shows what was asked for at once; the core's answer then replaces the target.
  const [wanted, setWanted] = useState<boolean | null>(null);
  const [confirm, setConfirm] = useState<'remove' | 'rotate' | null>(null);
  const [shown, setShown] = useState<{ secret: string; intro: string } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const act = useAction(async (verb: 'enable' | 'disable' | 'rotate' | 'reveal' | 'retry' | 'remove') => {
    setNote(null);
    switch (verb) {
      case 'enable':
      case 'disable':
        setWanted(verb === 'enable');
        try {
          onUpdated((await api.updateTarget(target.name, { enabled: verb === 'enable' })).target);
        } finally {
          setWanted(null);
        }
        setNote(verb === 'enable' ? 'Enabled: waiting deliveries go out now.' : 'Disabled: deliveries wait until it is enabled.');
        break;
      case 'rotate': {
        const r = await api.updateTarget(target.name, { rotate_secret: true });
        onUpdated(r.target);
        setConfirm(null);
        if (r.secret) setShown({ secret: r.secret, intro: `New signing secret for ${target.name} (the old one no longer verifies):` });
        break;
      }
      case 'reveal': {
        const r = await api.revealTargetSecret(target.name);
        setShown({ secret: r.secret, intro: `Signing secret of ${target.name}:` });
        break;
      }
      case 'retry': {
        const r = await api.retryTarget(target.name);
        setNote(r.retried === 0 ? 'Nothing to retry: no dead or waiting deliveries.' : `Retrying ${plural(r.retried, 'delivery', 'deliveries')} now.`);
        break;
      }
      case 'remove':
        await api.removeTarget(target.name);
        setConfirm(null);
        break;
    }
    onChanged();
  });
  const busy = act.pending;

  return (
    <article
      className={`card target-card state-${status.state}`}
      data-testid="target-card"
      data-target={target.name}
      data-state={status.state}
      data-enabled={String(target.enabled)}
      aria-labelledby={headingId}
    >
      <header className="card-head">
        <h3 id={headingId} className="target-name">
          {target.name}
        </h3>
        <Badge tone="neutral" testId="target-mode-badge">
          {target.mode}
        </Badge>
        <Badge tone={status.tone} testId="target-status">
          {status.label}
        </Badge>
        {target.allow_private ? (
          <Badge tone="warn" title="Deliveries may go to a private or loopback address (a dev server)">
            local address allowed
          </Badge>
        ) : null}
        <label className="switch push-right">
          <input
            type="checkbox"
            role="switch"
            checked={wanted ?? target.enabled}
            disabled={busy}
            onChange={(e) => void act.run(e.target.checked ? 'enable' : 'disable')}
            aria-label={`${target.name} enabled`}
            data-testid="target-enabled"
          />
          Enabled
        </label>
      </header>

      <div className="url-row">
        <span className="label">URL</span>
        <code className="url" data-testid="target-url-text">
          {maskTargetUrl(target.url)}
        </code>
      </div>
      <p className="hint">Receives {filterSummary(target)}.</p>

      {status.detail ? (
        <p
          className={status.state === 'disabled' ? 'muted' : 'warning'}
          role={status.state === 'disabled-by-tidings' ? 'alert' : 'note'}
          data-testid="target-state-detail"
        >
          {status.detail}
        </p>
      ) : null}

      <dl className="target-stats" data-testid="target-counts">
        <div>
          <dt>Pending</dt>
          <dd data-testid="target-pending">{formatCount(target.pending)}</dd>
        </div>
        <div className={target.dead > 0 ? 'has-dead' : undefined}>
          <dt>Dead</dt>
          <dd data-testid="target-dead">{formatCount(target.dead)}</dd>
        </div>
        <div>
          <dt>Delivered</dt>
          <dd data-testid="target-delivered">{formatCount(target.delivered)}</dd>
        </div>
        <div>
          <dt>Last attempt</dt>
          <dd data-testid="target-last" title={target.last_attempt_at ? formatDateTime(target.last_attempt_at) : undefined}>
            {targetLastLabel(target, now)}
          </dd>
        </div>
        <div>
          <dt>Secret</dt>
          <dd className="mono" title="A fingerprint of the signing secret, to tell secrets apart">
            {target.secret_fingerprint}
          </dd>
        </div>
      </dl>

      <div className="row target-controls">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void act.run('retry')}
          data-testid="target-retry"
          aria-label={`Retry now: every dead or waiting delivery of ${target.name}`}
        >
          Retry now
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void act.run('reveal')} data-testid="target-reveal" aria-label={`Reveal the signing secret of ${target.name}`}>
          Reveal secret
        </button>
        {confirm === 'rotate' ? (
          <span className="confirm" role="group" aria-label={`Confirm rotating the secret of ${target.name}`}>
            <span className="warn-text">The old secret stops verifying at once.</span>
            <button type="button" className="button danger" disabled={busy} onClick={() => void act.run('rotate')} data-testid="target-rotate-confirm">
              Rotate now
            </button>
            <button type="button" className="button" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={() => setConfirm('rotate')} data-testid="target-rotate" aria-label={`Rotate the signing secret of ${target.name}`}>
            Rotate secret
          </button>
        )}
        {confirm === 'remove' ? (
          <span className="confirm" role="group" aria-label={`Confirm removing ${target.name}`}>
            <span className="warn-text">Its deliveries and their log go too.</span>
            <button type="button" className="button danger" disabled={busy} onClick={() => void act.run('remove')} data-testid="target-remove-confirm">
              Remove {target.name}
            </button>
            <button type="button" className="button" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="link-button push-right" onClick={() => setConfirm('remove')} data-testid="target-remove" aria-label={`Remove the target ${target.name}`}>
            Remove
          </button>
        )}
      </div>
      {note ? (
        <p className="ok-text" role="status" data-testid="target-note">
          {note}
        </p>
      ) : null}
      <InlineError error={act.error} prefix="Not done" />
      {shown ? <SecretOnce name={target.name} secret={shown.secret} intro={shown.intro} onDone={() => setShown(null)} /> : null}
    </article>
  );
}

function PushBox({ onPushed }: { onPushed(): void }) {
  const id = useId();
  const [message, setMessage] = useState('');
  const push = useAction(async (text: string): Promise<PushAnswer> => {
    const r = await api.push(text);
    setMessage('');
    onPushed();
    return r;
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = message.trim();
    if (text) void push.run(text);
  };
  return (
    <section className="card push-box" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Push a test message</h2>
      <form onSubmit={submit} className="row">
        <label htmlFor={id} className="sr-only">
          Message to push to every enabled push target
        </label>
        <input
          id={id}
          type="text"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="Hello from Tidings"
          maxLength={64 * 1024}
          className="grow-input"
          data-testid="push-message"
        />
        <button type="submit" className="button" disabled={push.pending || message.trim() === ''} data-testid="push-send">
          {push.pending ? 'Pushing…' : 'Push'}
        </button>
      </form>
      <p className="hint">Goes to every enabled push target, as an assistant’s push would (POST /api/push).</p>
      <InlineError error={push.error} prefix="Not pushed" />
      {push.result ? (
        <p className={push.result.webhooks_notified > 0 ? 'ok-text' : 'warn-text'} role="status" data-testid="push-result">
          {pushResultLabel(push.result)}
        </p>
      ) : null}
    </section>
  );
}

function DeliveryDetail({ id, onClose }: { id: number; onClose(): void }) {
  const detail = useResource(() => api.delivery(id), [id]);
  usePoll(detail.reload, POLL_MS);
  const headingId = useId();
  const d = detail.data;
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };
  return (
    <section className="card delivery-detail" aria-labelledby={headingId} data-testid="delivery-detail" data-delivery-id={id} data-state={d?.state} onKeyDown={onKey}>
      <header className="detail-head">
        <h3 id={headingId}>Delivery {id}</h3>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close the delivery details" data-testid="delivery-close">
          ×
        </button>
      </header>
      <InlineError error={detail.error} prefix="Could not load the delivery" />
      {!d && detail.loading ? <Spinner label="Loading the delivery…" /> : null}
      {d ? (
        <>
          <dl className="facts">
            <dt>Target</dt>
            <dd>{d.target}</dd>
            <dt>State</dt>
            <dd>
              <Badge tone={deliveryStatus(d).tone}>{deliveryStatus(d).label}</Badge>
            </dd>
            <dt>Kind</dt>
            <dd>
              {d.kind}
              {d.event_id !== null ? <span className="muted"> · event {d.event_id}</span> : null}
            </dd>
            <dt>Summary</dt>
            <dd>{d.summary || '—'}</dd>
            <dt>Message id</dt>
            <dd className="mono">{d.message_id}</dd>
            <dt>Queued</dt>
            <dd>{formatDateTime(d.created_at)}</dd>
            {d.delivered_at ? (
              <>
                <dt>Delivered</dt>
                <dd>{formatDateTime(d.delivered_at)}</dd>
              </>
            ) : null}
          </dl>
          <h4>Attempts</h4>
          {d.attempts_log.length === 0 ? (
            <p className="muted">No attempt yet.</p>
          ) : (
            <table className="kv-table attempts-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Status</th>
                  <th scope="col">Took</th>
                  <th scope="col">Error</th>
                  <th scope="col">Response (first 2 KiB)</th>
                </tr>
              </thead>
              <tbody>
                {d.attempts_log.map((a) => (
                  <tr key={a.id} data-testid="attempt-row" data-status={a.status ?? 'none'}>
                    <td title={formatDateTime(a.at)}>{formatDateTime(a.at)}</td>
                    <td>
                      <Badge tone={statusTone(a.status)}>{attemptStatusLabel(a)}</Badge>
                    </td>
                    <td>{formatDuration(a.duration_ms)}</td>
                    <td>{a.error ?? '—'}</td>
                    <td>{a.response ? <pre className="response-snippet">{a.response}</pre> : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}

function DeliveryRow({
  d,
  now,
  targetEnabled,
  selected,
  onOpen,
  onChanged,
}: {
  d: DeliveryInfo;
  now: number;
  targetEnabled: boolean | undefined;
  selected: boolean;
  onOpen(id: number): void;
  onChanged(): void;
}) {
  const retry = useAction(async () => {
    const r = await api.retryDelivery(d.id);
    onChanged();
    return r;
  });
  const status = deliveryStatus(d, targetEnabled);
  // A held delivery (its target is off) goes out when the target is enabled, not before.
  const canRetry = d.state === 'dead' || (d.state === 'pending' && d.attempts > 0 && targetEnabled !== false);
  return (
    <tr
      className={`delivery-row state-${d.state}${selected ? ' selected' : ''}`}
      data-testid="delivery-row"
      data-delivery-id={d.id}
      data-state={d.state}
      data-target={d.target}
      onClick={() => onOpen(d.id)}
      aria-current={selected ? 'true' : undefined}
    >
      <td>
        <button
          type="button"
          className="link-button"
          onClick={(e) => {
            e.stopPropagation();
            onOpen(d.id);
          }}
          aria-label={`Show the attempts of delivery ${d.id}`}
          data-testid="delivery-open"
        >
          {d.id}
        </button>
      </td>
      <td>{d.target}</td>
      <td className="delivery-what">
        <span className="muted">{d.kind}</span> {d.summary}
      </td>
      <td>
        <Badge tone={status.tone} testId="delivery-state">
          {status.label}
        </Badge>
      </td>
      <td>{d.attempts}</td>
      <td className="delivery-last" data-testid="delivery-last">
        {lastResultLabel(d)}
      </td>
      <td data-testid="delivery-next">{nextAttemptLabel(d, targetEnabled, now)}</td>
      <td title={formatDateTime(d.created_at)}>{formatAgo(d.created_at, now)}</td>
      <td onClick={(e) => e.stopPropagation()}>
        {canRetry ? (
          <button
            type="button"
            className={`button${d.state === 'dead' ? ' primary' : ''}`}
            disabled={retry.pending}
            onClick={() => void retry.run()}
            aria-label={`Retry delivery ${d.id} now`}
            data-testid="delivery-retry"
          >
            {d.state === 'dead' ? 'Retry' : 'Retry now'}
          </button>
        ) : null}
        <InlineError error={retry.error} />
      </td>
    </tr>
  );
}

function DeliveryLog({ targets, now, reloadTargets, tick }: { targets: readonly TargetInfo[]; now: number; reloadTargets(): void; tick: number }) {
  const [stateFilter, setStateFilter] = useState<DeliveryState | ''>('');
  const [targetFilter, setTargetFilter] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const stateId = useId();
  const targetId = useId();
  const targetKnown = targetFilter === '' || targets.some((t) => t.name === targetFilter);
  const effectiveTarget = targetKnown ? targetFilter : '';
  const deliveries = useResource(
    () => api.deliveries({ ...(stateFilter ? { state: stateFilter } : {}), ...(effectiveTarget ? { target: effectiveTarget } : {}), limit: DELIVERY_LIMIT }),
    [stateFilter, effectiveTarget, tick],
  );
  // A removed target cannot be filtered by any more.
  useEffect(() => {
    if (!targetKnown) setTargetFilter('');
  }, [targetKnown]);
  const { reload } = deliveries;
  const changed = useCallback(() => {
    reload();
    reloadTargets();
  }, [reload, reloadTargets]);
  const retryAll = useAction(async () => {
    const r = await api.retryAllDeliveries();
    changed();
    return r;
  });
  const enabledByName = new Map(targets.map((t) => [t.name, t.enabled]));
  const dead = totals(targets).dead;
  const list = deliveries.data?.deliveries ?? [];

  return (
    <section className="delivery-log" aria-labelledby="deliveries-heading">
      <header className="view-head">
        <h2 id="deliveries-heading">Deliveries</h2>
        <label className="field" htmlFor={stateId}>
          State
          <select id={stateId} value={stateFilter} onChange={(e) => setStateFilter(e.target.value as DeliveryState | '')} data-testid="delivery-filter-state">
            <option value="">all</option>
            {DELIVERY_STATES.map((s) => (
              <option key={s} value={s}>
                {DELIVERY_STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={targetId}>
          Target
          <select id={targetId} value={effectiveTarget} onChange={(e) => setTargetFilter(e.target.value)} data-testid="delivery-filter-target">
            <option value="">all</option>
            {targets.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={`button${dead > 0 ? ' danger' : ''}`}
          disabled={retryAll.pending || dead === 0}
          onClick={() => void retryAll.run()}
          data-testid="deliveries-retry-all"
          title="Every dead-lettered delivery goes back in the queue; waiting ones are tried now"
        >
          Retry all dead{dead > 0 ? ` (${formatCount(dead)})` : ''}
        </button>
      </header>
      <InlineError error={retryAll.error} prefix="Not retried" />
      {retryAll.result ? (
        <p className="ok-text" role="status" data-testid="deliveries-retry-all-result">
          {retryAll.result.retried === 0 ? 'Nothing to retry.' : `Retrying ${plural(retryAll.result.retried, 'delivery', 'deliveries')} now.`}
        </p>
      ) : null}
      <InlineError error={deliveries.error} prefix="Could not load deliveries" />
      {!deliveries.data && deliveries.loading ? <Spinner label="Loading deliveries…" /> : null}
      {deliveries.data && list.length === 0 ? (
        <p className="muted" data-testid="deliveries-empty">
          {stateFilter || effectiveTarget
            ? 'No deliveries match.'
            : 'No deliveries yet. Push a test message above, or wait for a webhook a forward target takes.'}
        </p>
      ) : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table className="kv-table deliveries-table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Target</th>
                <th scope="col">What</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last result</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Queued</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <DeliveryRow
                  key={d.id}
                  d={d}
                  now={now}
                  targetEnabled={enabledByName.get(d.target)}
                  selected={open === d.id}
                  onOpen={setOpen}
                  onChanged={changed}
                />
              ))}
            </tbody>
          </table>
          {deliveries.data?.next_cursor !== null && deliveries.data?.next_cursor !== undefined ? (
            <p className="hint">Showing the newest {DELIVERY_LIMIT}. Filter by state or target to find older ones.</p>
          ) : null}
        </div>
      ) : null}
      {open !== null ? <DeliveryDetail key={open} id={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

export function OutboundView() {
  const targets = useResource(() => api.targets(), []);
  // One clock for the targets and the delivery log, so both refresh together.
  const [tick, setTick] = useState(0);
  const { reload } = targets;
  const refresh = useCallback(() => {
    reload();
    setTick((t) => t + 1);
  }, [reload]);
  usePoll(refresh, POLL_MS);
  const { setData } = targets;
  const replaceTarget = useCallback(
    (t: TargetInfo) => setData((prev) => (prev ? { targets: prev.targets.map((x) => (x.id === t.id ? t : x)) } : prev)),
    [setData],
  );
  const now = useNow(1_000);
  const list = targets.data?.targets ?? [];
  const sum = totals(list);

  return (
    <section className="view outbound-view" aria-labelledby="outbound-heading">
      <header className="view-head">
        <h1 id="outbound-heading">Outbound</h1>
        {targets.data ? (
          <span className="muted" data-testid="outbound-totals">
            {plural(list.length, 'target')} · {formatCount(sum.pending)} pending · {formatCount(sum.dead)} dead · {formatCount(sum.delivered)} delivered
          </span>
        ) : null}
        <button type="button" className="button" onClick={refresh}>
          Refresh
        </button>
      </header>
      <p className="hint">
        Tidings delivers to the targets below: messages assistants push, and webhooks it forwards to your own app. Every delivery is stored
        first and retried until it gets through; this view refreshes every 2 s.
      </p>
      <InlineError error={targets.error} prefix="Could not load targets" />
      {!targets.data && targets.loading ? <Spinner label="Loading targets…" /> : null}

      <div className="outbound-top">
        <AddTargetForm existing={list.map((t) => t.name)} onCreated={refresh} />
        <PushBox onPushed={refresh} />
      </div>

      <h2 className="section-title">Targets</h2>
      {targets.data && list.length === 0 ? (
        <EmptyState title="No targets yet.">
          <p>
            Add one above: a <strong>push</strong> target gets the messages an assistant pushes; a <strong>forward</strong> target gets
            incoming webhooks (e.g. your dev server at <code>http://localhost:3000/webhooks</code>, with “Allow local address” checked).
          </p>
        </EmptyState>
      ) : null}
      <div className="target-list" data-testid="target-list">
        {list.map((t) => (
          <TargetCard key={t.name} target={t} now={now} onChanged={refresh} onUpdated={replaceTarget} />
        ))}
      </div>

      <DeliveryLog targets={list} now={now} reloadTargets={reload} tick={tick} />
    </section>
  );
}
