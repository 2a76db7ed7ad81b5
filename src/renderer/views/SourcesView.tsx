// Sources & secrets: the public URL providers reach (ngrok or the person's own), then for
// each source the URL to paste into the provider and where, its secrets (count and
// fingerprints only: values are never shown once set), a test delivery, and the deliveries
// it rejected with the reasons. Custom sources can be added by name.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { SourceInfo, TunnelInfo } from '../../shared/api';
import { authtokenNote, publicUrlSummary } from '../lib/public-url';
import {
  acceptsUnverified,
  describeSecret,
  pasteHint,
  secretEnvName,
  secretValueError,
  sourceList,
  sourceNameError,
} from '../lib/sources';
import { formatAgo, formatCount, formatDateTime, plural } from '../lib/format';
import { Badge, EmptyState, InlineError, Spinner } from '../components/Feedback';
import { CopyButton } from '../components/CopyButton';
import { ProviderLink } from '../components/ProviderLink';
import { useAction, useInterval, useNow, usePersistentState, useResource } from '../components/hooks';

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function SecretForm({ source, onChanged }: { source: SourceInfo; onChanged(): void }) {
  // Uncontrolled on purpose: React mirrors a controlled input's value into the DOM's value
  // attribute, and a secret should live in the page no longer than it takes to send it.
  const input = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const inputId = useId();
  const hasSecret = !acceptsUnverified(source);
  const save = useAction(async (mode: 'set' | 'rotate', value: string) => {
    const result = mode === 'set' ? await api.setSecret(source.source, value) : await api.rotateSecret(source.source, value);
    if (input.current) input.current.value = '';
    setFilled(false);
    onChanged();
    return { mode, ...result };
  });
  const submit = (mode: 'set' | 'rotate') => (e?: FormEvent) => {
    e?.preventDefault();
    const value = input.current?.value ?? '';
    const problem = secretValueError(value);
    setInvalid(problem);
    if (!problem) void save.run(mode, value);
  };
  const r = save.result;
  return (
    <form className="secret-form" onSubmit={submit('set')} autoComplete="off">
      <label htmlFor={inputId}>{hasSecret ? 'New secret' : 'Secret'}</label>
      <div className="row">
        <input
          id={inputId}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          ref={input}
          onInput={(e) => {
            setFilled(e.currentTarget.value !== '');
            if (invalid) setInvalid(null);
          }}
          placeholder={source.provider === 'standard' ? 'whsec_…' : 'the signing secret you set at the provider'}
          aria-describedby={`${inputId}-help`}
          aria-invalid={invalid ? true : undefined}
          data-testid="secret-input"
        />
        <button type="submit" className="button" disabled={save.pending || !filled} data-testid="secret-set" title="Replace every stored secret with this one">
          Set
        </button>
        <button
          type="button"
          className="button"
          disabled={save.pending || !filled || !hasSecret}
          onClick={() => submit('rotate')()}
          data-testid="secret-rotate"
          title={hasSecret ? 'Add in front; the old secrets keep verifying until removed' : 'Rotate needs an existing secret; use Set'}
        >
          Rotate
        </button>
      </div>
      <p id={`${inputId}-help`} className="hint">
        Set replaces the stored secrets. Rotate adds this one in front and keeps the old ones verifying, so deliveries signed with either pass
        while you switch the provider over.
      </p>
      {invalid ? (
        <p className="inline-error" role="alert">
          {invalid}
        </p>
      ) : null}
      <InlineError error={save.error} prefix="The secret was not saved" />
      {r ? (
        <p className="ok-text" role="status">
          {r.mode === 'set' ? 'Saved' : 'Rotated'}: fingerprint <span className="mono">{r.fingerprint}</span>; {r.count}{' '}
          {r.count === 1 ? 'secret verifies' : 'secrets verify'} {source.source} deliveries.
        </p>
      ) : null}
    </form>
  );
}

function RemoveSecret({ source, fingerprint, removable, onChanged }: { source: string; fingerprint: string; removable: boolean; onChanged(): void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    const r = await api.removeSecret(source, fingerprint);
    setConfirming(false);
    onChanged();
    return r;
  });
  return (
    <li className="fingerprint">
      <span className="mono" aria-label={`secret with fingerprint ${fingerprint}`}>
        •••••••• {fingerprint}
      </span>
      {!removable ? (
        <span className="hint">set in the environment; remove it there</span>
      ) : confirming ? (
        <>
          <button type="button" className="button danger" disabled={remove.pending} onClick={() => void remove.run()}>
            Remove {fingerprint}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" className="link-button" onClick={() => setConfirming(true)} aria-label={`Remove the secret ${fingerprint}`}>
          Remove
        </button>
      )}
      <InlineError error={remove.error} prefix="Not removed" />
    </li>
  );
}

function SendTest({ source }: { source: string }) {
  const send = useAction(() => api.sendTest(source));
  const r = send.result;
  const ok = r !== undefined && r.ingest_status >= 200 && r.ingest_status < 300;
  return (
    <div className="inline-action">
      <button type="button" className="button" disabled={send.pending} onClick={() => void send.run()} data-testid="send-test">
        {send.pending ? 'Sending…' : 'Send test event'}
      </button>
      <InlineError error={send.error} prefix="The test event was not sent" />
      {r ? (
        <p className={ok ? 'ok-text' : 'warn-text'} role="status" data-testid="send-test-result">
          {ok
            ? `Delivered through the receiver: HTTP ${r.ingest_status} ${JSON.stringify(r.ingest_response)}`
            : `The receiver refused it: HTTP ${r.ingest_status} ${JSON.stringify(r.ingest_response)}`}
        </p>
      ) : null}
    </div>
  );
}

function SourceCard({ source, custom, localOnly, now, onChanged, onForget }: {
  source: SourceInfo;
  custom: boolean;
  /** No public URL: the webhook URL works on this machine only. */
  localOnly: boolean;
  now: number;
  onChanged(): void;
  onForget(name: string): void;
}) {
  const headingId = useId();
  const unverified = acceptsUnverified(source);
  const secret = source.secret;
  return (
    <article className="card source-card" data-testid="source-card" data-source={source.source} aria-labelledby={headingId}>
      <header className="card-head">
        <h2 id={headingId}>{source.source}</h2>
        <Badge tone="neutral">{source.provider === 'standard' ? 'Standard Webhooks' : source.provider}</Badge>
        {unverified ? <Badge tone="warn">accepts unverified</Badge> : <Badge tone="ok">verified</Badge>}
        {custom && !source.stats && !source.secret ? (
          <button type="button" className="link-button push-right" onClick={() => onForget(source.source)}>
            Forget
          </button>
        ) : null}
      </header>

      {unverified ? (
        <p className="warning" role="note">
          <strong>No secret.</strong> This source accepts unsigned deliveries and stores them as unverified: anyone who knows the URL could send
          it events. Set the signing secret below (the same one you give the provider).
        </p>
      ) : null}

      <div className="url-row">
        <span className="label">Webhook URL</span>
        {source.url ? (
          <>
            <code className="url">{source.url}</code>
            <CopyButton text={source.url} ariaLabel={`Copy the ${source.source} webhook URL`} />
          </>
        ) : (
          <span className="muted">Known once the core lists this source (reload).</span>
        )}
      </div>
      <p className="hint">Paste it into: {pasteHint(source.provider)}.</p>
      {localOnly && source.url ? (
        <p className="hint" data-testid="local-only">
          This address works on this machine only; turn on the Public URL above for providers on the internet.
        </p>
      ) : null}
      {source.source === 'github' || source.source === 'stripe' ? <ProviderLink provider={source.source} reloadKey={source} onChanged={onChanged} /> : null}

      <div className="secret-block">
        <p>
          <span className="label">Secret</span>{' '}
          <span data-testid="secret-state">{describeSecret(secret)}</span>
          {secret?.origin === 'env' || secret?.origin === 'env+store' ? (
            <span className="muted"> · {secret.origin === 'env' ? 'from' : 'partly from'} {secretEnvName(source.source)}</span>
          ) : null}
          {secret?.updated_at ? <span className="muted"> · changed {formatAgo(secret.updated_at, now)}</span> : null}
        </p>
        {secret && secret.fingerprints.length > 0 ? (
          <ul className="fingerprints" aria-label="Stored secrets (values hidden)">
            {secret.fingerprints.map((f) => (
              <RemoveSecret key={f} source={source.source} fingerprint={f} removable={secret.origin !== 'env'} onChanged={onChanged} />
            ))}
          </ul>
        ) : null}
        <SecretForm source={source} onChanged={onChanged} />
      </div>

      <div className="stats-row">
        {source.stats ? (
          <span>
            {plural(source.stats.count, 'event')}
            {source.stats.unverified ? ` (${formatCount(source.stats.unverified)} unverified)` : ''}
            {source.stats.last_seen ? ` · last ${formatAgo(source.stats.last_seen, now)}` : ''}
          </span>
        ) : (
          <span className="muted">No events yet.</span>
        )}
        <SendTest source={source.source} />
      </div>

      <section className="rejections" aria-label={`Recent rejections for ${source.source}`}>
        <h3>Recent rejections</h3>
        {source.rejections.length === 0 ? (
          <p className="muted">No rejected deliveries. When a signature or timestamp fails, the reason shows here.</p>
        ) : (
          <table className="kv-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {source.rejections.map((r) => (
                <tr key={r.id}>
                  <td title={formatDateTime(r.at)}>{formatAgo(r.at, now)}</td>
                  <td>{r.status}</td>
                  <td>{r.reason}</td>
                  <td className="mono">{r.delivery_id ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </article>
  );
}

function PublicUrlPanel({ tunnel, onChanged }: { tunnel: TunnelInfo; onChanged(): void }) {
  const [choice, setChoice] = useState<'ngrok' | 'url'>(tunnel.mode === 'url' ? 'url' : 'ngrok');
  const [domain, setDomain] = useState('');
  const [url, setUrl] = useState(tunnel.mode === 'url' && tunnel.url ? tunnel.url : '');
  // The authtoken field is uncontrolled and cleared once sent: it is write-only.
  const token = useRef<HTMLInputElement>(null);
  const ids = { choice: useId(), token: useId(), domain: useId(), url: useId() };
  const change = useAction(async (body: Parameters<typeof api.setTunnel>[0]) => {
    try {
      return await api.setTunnel(body);
    } finally {
      if (token.current) token.current.value = '';
      onChanged();
    }
  });
  const check = useAction(async () => {
    const r = await api.checkTunnel();
    onChanged();
    return r;
  });
  const summary = publicUrlSummary(tunnel);
  const busy = change.pending || check.pending;
  const start = (e: FormEvent) => {
    e.preventDefault();
    if (choice === 'url') {
      void change.run({ mode: 'url', url: url.trim() });
      return;
    }
    const authtoken = token.current?.value.trim() ?? '';
    void change.run({ mode: 'ngrok', domain: domain.trim() || null, ...(authtoken ? { authtoken } : {}) });
  };
  return (
    <section className="card public-url" aria-labelledby={`${ids.choice}-h`} data-testid="public-url">
      <header className="card-head">
        <h2 id={`${ids.choice}-h`}>Public URL</h2>
        <Badge tone={summary.tone} testId="public-url-state">
          {summary.badge}
        </Badge>
        {tunnel.mode !== 'off' ? <Badge tone="neutral">{tunnel.mode === 'ngrok' ? 'ngrok' : 'your own URL'}</Badge> : null}
      </header>
      <p className={summary.tone === 'bad' || summary.tone === 'warn' ? 'warning' : 'hint'} role="status" data-testid="public-url-sentence">
        {summary.sentence}
      </p>
      {tunnel.url ? (
        <div className="url-row">
          <span className="label">Public URL</span>
          <code className="url" data-testid="public-url-value">{tunnel.url}</code>
          <CopyButton text={tunnel.url} ariaLabel="Copy the public URL" />
          {tunnel.checked_at ? <span className="muted">checked {formatDateTime(tunnel.checked_at)}</span> : null}
        </div>
      ) : null}
      <form className="public-url-form" onSubmit={start} autoComplete="off">
        <fieldset className="row" aria-label="How the inbox is published">
          <label>
            <input type="radio" name={ids.choice} checked={choice === 'ngrok'} onChange={() => setChoice('ngrok')} data-testid="public-url-choice-ngrok" /> ngrok, run by Tidings
          </label>
          <label>
            <input type="radio" name={ids.choice} checked={choice === 'url'} onChange={() => setChoice('url')} data-testid="public-url-choice-url" /> A URL I run
            (cloudflared, Tailscale Funnel, a reverse proxy)
          </label>
        </fieldset>
        {/* Keyed: without it React would reuse the URL field's <input> for the authtoken, value and all. */}
        {choice === 'ngrok' ? (
          <div className="public-url-fields" key="ngrok">
            <label htmlFor={ids.token}>Authtoken</label>
            <input id={ids.token} ref={token} data-testid="public-url-authtoken" type="password" autoComplete="new-password" spellCheck={false} placeholder="2abc…" aria-describedby={`${ids.token}-help`} />
            <p id={`${ids.token}-help`} className="hint">
              {authtokenNote(tunnel.authtoken)}
            </p>
            <label htmlFor={ids.domain}>Domain (optional)</label>
            <input id={ids.domain} type="text" value={domain} onChange={(e) => setDomain(e.target.value)} spellCheck={false} placeholder="your-name.ngrok-free.app" />
            <p className="hint">A reserved or free dev domain keeps the URL the same across restarts.</p>
          </div>
        ) : (
          <div className="public-url-fields" key="url">
            <label htmlFor={ids.url}>Your public URL</label>
            <input
              id={ids.url}
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              spellCheck={false}
              placeholder="https://hooks.example.com"
              data-testid="public-url-input"
            />
            <p className="hint">It must forward to the ingest listener; Tidings checks that it reaches this very core before using it.</p>
          </div>
        )}
        <div className="row">
          <button type="submit" className="button" disabled={busy || (choice === 'url' && url.trim() === '')} data-testid="public-url-start">
            {change.pending ? 'Starting…' : choice === 'ngrok' ? 'Start ngrok' : 'Use this URL'}
          </button>
          <button type="button" className="button" disabled={busy || tunnel.mode === 'off'} onClick={() => void change.run({ mode: 'off' })} data-testid="public-url-stop">
            Stop
          </button>
          <button type="button" className="button" disabled={busy || tunnel.mode === 'off'} onClick={() => void check.run()}>
            {check.pending ? 'Checking…' : 'Check now'}
          </button>
        </div>
      </form>
      <InlineError error={change.error} prefix="Not changed" />
      <InlineError error={check.error} prefix="Not checked" />
      {change.result?.warnings.map((w) => (
        <p key={w} className="warn-text" role="note">
          {w}
        </p>
      ))}
      <p className="hint">
        Only the ingest listener (webhooks and its /health) is published; the dashboard, API and MCP stay on this machine. smee.io is not offered: it
        re-serializes JSON bodies, which breaks every signature.
      </p>
    </section>
  );
}

function AddSource({ existing, onAdd }: { existing: readonly string[]; onAdd(name: string): void }) {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    const err = sourceNameError(n) ?? (existing.includes(n) ? `${n} is already listed.` : null);
    setProblem(err);
    if (err) return;
    onAdd(n);
    setName('');
  };
  return (
    <form className="add-source" onSubmit={submit} noValidate>
      <label htmlFor={id}>Add a custom source</label>
      <div className="row">
        <input
          id={id}
          type="text"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="my-app"
          spellCheck={false}
          autoCapitalize="none"
          aria-describedby={`${id}-help`}
          aria-invalid={problem ? true : undefined}
        />
        <button type="submit" className="button">
          Add
        </button>
      </div>
      <p id={`${id}-help`} className="hint">
        Lowercase letters, digits, - and _. Any sender that signs with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) works.
      </p>
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

export function SourcesView() {
  const sources = useResource(() => api.sources(), []);
  const tunnel = useResource(() => api.tunnel(), []);
  // While ngrok starts or reconnects, follow it; otherwise the buttons reload it.
  useInterval(tunnel.reload, tunnel.data?.state === 'starting' ? 3_000 : null);
  const publicUrl = tunnel.data?.url ?? null;
  const firstUrl = useRef(true);
  useEffect(() => {
    // Every webhook URL follows the public one: fetch them again when it changes.
    if (firstUrl.current) firstUrl.current = false;
    else sources.reload();
  }, [publicUrl]);
  const [custom, setCustom] = usePersistentState<string[]>('tidings.customSources', [], isStringArray);
  const now = useNow(30_000);
  const listRef = useRef<HTMLDivElement>(null);
  const all = sourceList(sources.data?.sources ?? [], custom);
  const serverNames = new Set((sources.data?.sources ?? []).map((s) => s.source));

  const add = useCallback(
    (name: string) => {
      setCustom([...custom.filter((c) => c !== name), name]);
      requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-source="${name}"] h2`)?.scrollIntoView({ block: 'center' }));
    },
    [custom, setCustom],
  );
  const forget = useCallback((name: string) => setCustom(custom.filter((c) => c !== name)), [custom, setCustom]);

  return (
    <section className="view" aria-labelledby="sources-heading">
      <header className="view-head">
        <h1 id="sources-heading">Sources &amp; secrets</h1>
        <button type="button" className="button" onClick={sources.reload} disabled={sources.loading}>
          Refresh
        </button>
      </header>
      <InlineError error={tunnel.error} prefix="Could not load the public URL" />
      {tunnel.data ? <PublicUrlPanel tunnel={tunnel.data} onChanged={tunnel.reload} /> : null}
      <InlineError error={sources.error} prefix="Could not load sources" />
      {!sources.data && sources.loading ? <Spinner label="Loading sources…" /> : null}
      {sources.data && sources.data.sources.length === 0 ? (
        <EmptyState title="The core lists no sources yet.">
          <p>That is unusual: github, stripe, vercel and slack are always accepted. Reload, or check the core with `tidings status`.</p>
        </EmptyState>
      ) : null}
      <AddSource existing={all.map((s) => s.source)} onAdd={add} />
      <div className="card-grid" ref={listRef}>
        {all.map((s) => (
          <SourceCard
            key={s.source}
            source={s}
            custom={custom.includes(s.source) && !serverNames.has(s.source)}
            localOnly={tunnel.data !== null && tunnel.data.url === null}
            now={now}
            onChanged={sources.reload}
            onForget={forget}
          />
        ))}
      </div>
    </section>
  );
}
