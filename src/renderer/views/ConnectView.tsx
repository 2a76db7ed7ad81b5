// Connect assistants: one card per MCP client with its state and Connect / Disconnect, the
// change each made (summary, file, backup, diff), and the URL and token for manual set-up.
import { useId, useState } from 'react';
import { api } from '../api';
import type { ClientChange } from '../api';
import type { ClientStatusInfo } from '../../shared/api';
import { clientView, maskToken } from '../lib/clients';
import { Badge, InlineError, Spinner } from '../components/Feedback';
import { CopyButton } from '../components/CopyButton';
import { useAction, useResource } from '../components/hooks';

function ChangeReport({ change }: { change: ClientChange }) {
  return (
    <div className="change-report" role="status">
      <p className={change.changed ? 'ok-text' : 'muted'}>{change.summary}</p>
      <p className="hint">
        File: <code>{change.path}</code>
        {change.backupPath ? (
          <>
            {' '}
            · backup: <code>{change.backupPath}</code>
          </>
        ) : null}
      </p>
      {change.diff ? (
        <details>
          <summary>What changed</summary>
          <pre className="diff">{change.diff}</pre>
        </details>
      ) : null}
    </div>
  );
}

function ClientCard({ client, onChanged }: { client: ClientStatusInfo; onChanged(): void }) {
  const view = clientView(client);
  const headingId = useId();
  const change = useAction(async (verb: 'connect' | 'disconnect') => {
    const r = verb === 'connect' ? await api.connectClient(client.client) : await api.disconnectClient(client.client);
    onChanged();
    return r;
  });
  return (
    <article className="card client-card" data-testid="client-card" data-client={client.client} data-state={view.state} aria-labelledby={headingId}>
      <header className="card-head">
        <h2 id={headingId}>{client.name}</h2>
        <Badge tone={view.tone}>{view.label}</Badge>
      </header>
      <p className={view.state === 'problem' ? 'warn-text' : 'muted'}>{view.detail}</p>
      <p className="hint">
        Config: <code>{client.path}</code>
      </p>
      <div className="row">
        <button
          type="button"
          className={`button${view.canConnect ? ' primary' : ''}`}
          disabled={change.pending || !view.canConnect}
          onClick={() => void change.run('connect')}
        >
          {view.state === 'problem' && client.connected ? 'Reconnect' : 'Connect'}
        </button>
        <button type="button" className="button" disabled={change.pending || !view.canDisconnect} onClick={() => void change.run('disconnect')}>
          Disconnect
        </button>
      </div>
      <InlineError error={change.error} prefix={`${client.name} was not changed`} />
      {change.result ? <ChangeReport change={change.result} /> : null}
      {change.result?.changed ? <p className="hint">Restart {client.name} so that it picks up the change.</p> : null}
    </article>
  );
}

function Manual({ url, token, tokenFile }: { url: string; token: string | null; tokenFile: string | null }) {
  const [show, setShow] = useState(false);
  return (
    <section className="card manual" aria-labelledby="manual-heading">
      <h2 id="manual-heading">Manual set-up</h2>
      <p className="hint">For any MCP client that speaks Streamable HTTP. Tidings must be running while it is used.</p>
      <div className="url-row">
        <span className="label">MCP URL</span>
        <code className="url">{url}</code>
        <CopyButton text={url} ariaLabel="Copy the MCP URL" />
      </div>
      {token === null ? (
        // The dashboard's sign-in is not the token and never hands it out (see the README's security model).
        <p className="hint" data-testid="mcp-token-file">
          Send the header <code>Authorization: Bearer &lt;token&gt;</code>. The token is in the file <code>{tokenFile ?? 'token'}</code> (readable by
          your user only); the dashboard does not show it. Treat it like a password: it opens every event Tidings has stored.
        </p>
      ) : (
        <>
          <div className="url-row">
            <span className="label">Token</span>
            <code className="url" data-testid="mcp-token">
              {show ? token : maskToken(token)}
            </code>
            <button type="button" className="button" aria-pressed={show} onClick={() => setShow(!show)}>
              {show ? 'Hide' : 'Show'}
            </button>
            <CopyButton text={token} ariaLabel="Copy the token" />
          </div>
          <p className="hint">
            Send it as the header <code>Authorization: Bearer {show ? token : '<token>'}</code>. Treat it like a password: it opens every event
            Tidings has stored.
          </p>
        </>
      )}
    </section>
  );
}

export function ConnectView() {
  const clients = useResource(() => api.clients(), []);
  const data = clients.data;
  return (
    <section className="view" aria-labelledby="connect-heading">
      <header className="view-head">
        <h1 id="connect-heading">Connect assistants</h1>
        <button type="button" className="button" onClick={clients.reload} disabled={clients.loading}>
          Refresh
        </button>
      </header>
      <p className="hint">
        Connect writes a Tidings entry into the client’s MCP config (other servers and settings are left as they are, and the old file is
        backed up). Then the assistant can read your webhooks, wait for new ones and work through pending actions.
      </p>
      <InlineError error={clients.error} prefix="Could not load the assistants" />
      {!data && clients.loading ? <Spinner label="Checking assistants…" /> : null}
      {data ? (
        <>
          <div className="card-grid">
            {data.clients.map((c) => (
              <ClientCard key={c.client} client={c} onChanged={clients.reload} />
            ))}
          </div>
          <Manual url={data.mcp_url} token={data.token} tokenFile={data.token_file} />
        </>
      ) : null}
    </section>
  );
}
