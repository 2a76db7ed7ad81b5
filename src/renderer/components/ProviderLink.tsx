// "Connect to GitHub…" / "Connect to Stripe…" on a provider's card in Sources: Tidings
// creates the webhook at the provider with a token the person gives once. The token field
// is never filled back in; the links show their state and the last delivery received.
import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { LinkInfo } from '../../shared/api';
import { githubTargetError, lastDeliveryText, linkTitle, parseEvents } from '../lib/links';
import { formatAgo } from '../lib/format';
import { Badge, InlineError } from './Feedback';
import { useAction, useNow, useResource } from './hooks';

type Provider = 'github' | 'stripe';
const NAMES: Record<Provider, string> = { github: 'GitHub', stripe: 'Stripe' };

function LinkRow({ link, now, onChanged }: { link: LinkInfo; now: number; onChanged(): void }) {
  const [confirming, setConfirming] = useState(false);
  const unlink = useAction(async () => {
    const r = await api.unlink(link.id);
    onChanged();
    return r;
  });
  return (
    <li className="provider-link" data-testid="provider-link" data-state={link.state}>
      <p>
        <strong>{linkTitle(link)}</strong>{' '}
        {link.state === 'active' ? <Badge tone="ok">linked</Badge> : <Badge tone="bad">broken</Badge>}{' '}
        <span className="muted">
          {link.provider === 'github' ? 'hook' : 'endpoint'} <span className="mono">{link.hook_id}</span> · events {link.events.join(', ')}
        </span>
      </p>
      {link.state === 'broken' ? (
        <p className="inline-error" role="alert" data-testid="provider-link-error">
          {link.error ?? 'The provider could not be updated.'} Connect again with a working token to repair it.
        </p>
      ) : null}
      <p className="hint">
        Sends to <span className="mono">{link.url}</span>. {link.last_result ? `${link.last_result[0]!.toUpperCase()}${link.last_result.slice(1)}. ` : ''}
        <span data-testid="provider-link-delivery">{lastDeliveryText(link, (iso) => formatAgo(iso, now))}</span>
      </p>
      {confirming ? (
        <div className="row">
          <button type="button" className="button danger" disabled={unlink.pending} onClick={() => void unlink.run()}>
            Delete the {link.provider === 'github' ? 'hook' : 'endpoint'} at {NAMES[link.provider]}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="link-button" onClick={() => setConfirming(true)}>
          Unlink
        </button>
      )}
      <InlineError error={unlink.error} prefix="Not unlinked" />
    </li>
  );
}

function ConnectForm({ provider, onDone }: { provider: Provider; onDone(): void }) {
  // Uncontrolled, as with secrets: the token stays in the page only until it is sent.
  const token = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<'repo' | 'org'>('repo');
  const [target, setTarget] = useState('');
  const [events, setEvents] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const connect = useAction(async () => {
    const value = token.current?.value.trim() ?? '';
    const list = parseEvents(events);
    const r =
      provider === 'github'
        ? await api.linkGithub({ token: value, ...(kind === 'repo' ? { repo: target.trim() } : { org: target.trim() }), ...(list ? { events: list } : {}) })
        : await api.linkStripe({ key: value, ...(list ? { events: list } : {}) });
    if (token.current) token.current.value = '';
    onDone();
    return r;
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = token.current?.value.trim() ?? '';
    const err = !value
      ? provider === 'github'
        ? 'Paste a GitHub token.'
        : 'Paste a Stripe secret key (sk_…).'
      : provider === 'github'
        ? githubTargetError(kind, target)
        : null;
    setProblem(err);
    if (!err) void connect.run();
  };
  const r = connect.result;
  return (
    <form className="secret-form connect-form" onSubmit={submit} autoComplete="off" data-testid={`connect-${provider}-form`}>
      <label htmlFor={`${id}-token`}>{provider === 'github' ? 'GitHub token' : 'Stripe secret key'}</label>
      <input
        id={`${id}-token`}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        ref={token}
        placeholder={provider === 'github' ? 'github_pat_… or ghp_…' : 'sk_test_… or sk_live_…'}
        data-testid="link-token"
      />
      <p className="hint">
        {provider === 'github'
          ? 'Needs "Webhooks: read and write" on the repository (admin:org_hook for an organization). '
          : 'A secret key, or a restricted key with "Webhook Endpoints: Write". '}
        Kept in Tidings' secret storage to follow URL changes; never shown again.
      </p>
      {provider === 'github' ? (
        <>
          <div className="row" role="radiogroup" aria-label="Repository or organization">
            <label>
              <input type="radio" name={`${id}-kind`} checked={kind === 'repo'} onChange={() => setKind('repo')} /> Repository
            </label>
            <label>
              <input type="radio" name={`${id}-kind`} checked={kind === 'org'} onChange={() => setKind('org')} /> Organization
            </label>
          </div>
          <input
            type="text"
            aria-label={kind === 'repo' ? 'Repository (OWNER/REPO)' : 'Organization'}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder={kind === 'repo' ? 'OWNER/REPO' : 'my-org'}
            spellCheck={false}
            autoCapitalize="none"
            data-testid="link-target"
          />
        </>
      ) : null}
      <label htmlFor={`${id}-events`}>Events</label>
      <input
        id={`${id}-events`}
        type="text"
        value={events}
        onChange={(e) => setEvents(e.target.value)}
        placeholder={provider === 'github' ? 'every event (or: push, pull_request)' : 'every event (or: invoice.paid, customer.subscription.deleted)'}
        spellCheck={false}
        data-testid="link-events"
      />
      <div className="row">
        <button type="submit" className="button" disabled={connect.pending} data-testid="link-submit">
          {connect.pending ? 'Connecting…' : `Connect`}
        </button>
      </div>
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
      <InlineError error={connect.error} prefix={`${NAMES[provider]} was not linked`} />
      {r ? (
        <p className="ok-text" role="status" data-testid="link-result">
          {r.created ? 'Linked' : 'Updated'} {linkTitle(r.link)}: {r.link.last_result}.
        </p>
      ) : null}
    </form>
  );
}

/** `reloadKey` changes whenever the card's source is reloaded, so the links' state and last delivery follow. */
export function ProviderLink({ provider, reloadKey, onChanged }: { provider: Provider; reloadKey: unknown; onChanged(): void }) {
  const links = useResource(() => api.links(), [reloadKey]);
  const [open, setOpen] = useState(false);
  const now = useNow(30_000);
  const mine = (links.data?.links ?? []).filter((l) => l.provider === provider);
  const changed = () => {
    links.reload();
    onChanged();
  };
  return (
    <section className="provider-links" aria-label={`${NAMES[provider]} link`} data-testid={`provider-links-${provider}`}>
      <h3>Set up {NAMES[provider]} for me</h3>
      <InlineError error={links.error} prefix="Could not load links" />
      {mine.length > 0 ? (
        <ul className="plain-list">
          {mine.map((l) => (
            <LinkRow key={l.id} link={l} now={now} onChanged={changed} />
          ))}
        </ul>
      ) : null}
      {open ? (
        <ConnectForm provider={provider} onDone={changed} />
      ) : (
        <button type="button" className="button" onClick={() => setOpen(true)} data-testid={`connect-${provider}`}>
          Connect to {NAMES[provider]}…
        </button>
      )}
    </section>
  );
}
