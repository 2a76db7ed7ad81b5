// The detail pane of one event: what it is, whether it can be trusted, the headers, the
// payload as a tree and as raw text, and ways to send it again (curl, or straight to a URL).
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { ResendResult } from '../api';
import type { EventDetail as EventDetailInfo } from '../../shared/events';
import { buildCurl } from '../lib/curl';
import { formatBytes, formatDateTime } from '../lib/format';
import { CopyButton } from './CopyButton';
import { Badge, InlineError, Spinner } from './Feedback';
import { JsonViewer } from './JsonViewer';
import { useAction, useResource } from './hooks';

const RAW_PREVIEW = 20_000;

export const UNVERIFIED_WARNING = 'This source has no secret; anyone who knows the URL could have sent it.';

export interface EventDetailProps {
  id: number;
  /** A source's webhook URL (for "Copy as curl"), when known. */
  webhookUrlFor(source: string): string | null;
  /** The last URL typed into "Resend to…", shared between events. */
  resendUrl: string | null;
  onResendUrlChange(url: string): void;
  onClose(): void;
}

export function defaultResendUrl(source: string): string {
  return `http://localhost:3000/webhooks/${source}`;
}

function describeResend(result: ResendResult): string {
  const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  const preview = body && body.length > 300 ? `${body.slice(0, 300)}…` : (body ?? '');
  return `The URL answered HTTP ${result.status}${preview ? `: ${preview}` : ''}`;
}

function Headers({ headers }: { headers: Record<string, string> }) {
  const rows = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return <p className="muted">No headers were stored.</p>;
  return (
    <table className="kv-table">
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RawBody({ body }: { body: string }) {
  const [all, setAll] = useState(false);
  const long = body.length > RAW_PREVIEW;
  return (
    <>
      <pre className="raw-body">{long && !all ? `${body.slice(0, RAW_PREVIEW)}…` : body}</pre>
      {long && !all ? (
        <button type="button" className="link-button" onClick={() => setAll(true)}>
          Show the whole body ({formatBytes(body.length)})
        </button>
      ) : null}
    </>
  );
}

function ResendForm({ detail, resendUrl, onResendUrlChange }: { detail: EventDetailInfo; resendUrl: string | null; onResendUrlChange(url: string): void }) {
  const url = resendUrl ?? defaultResendUrl(detail.source);
  const [invalid, setInvalid] = useState<string | null>(null);
  const resend = useAction((target: string) => api.resend(detail.id, target));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      setInvalid('Enter a full URL, like http://localhost:3000/webhooks/github.');
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      setInvalid('Use an http:// or https:// URL.');
      return;
    }
    setInvalid(null);
    void resend.run(url);
  };
  return (
    <form className="resend-form" onSubmit={submit} noValidate>
      <label htmlFor={`resend-${detail.id}`}>Resend to…</label>
      <div className="row">
        <input
          id={`resend-${detail.id}`}
          type="url"
          value={url}
          onChange={(e) => onResendUrlChange(e.target.value)}
          spellCheck={false}
          aria-describedby={`resend-help-${detail.id}`}
        />
        <button type="submit" className="button" disabled={resend.pending}>
          {resend.pending ? 'Sending…' : 'Resend'}
        </button>
      </div>
      <p id={`resend-help-${detail.id}`} className="hint">
        Posts the stored request (headers and exact body) to this URL, e.g. your local dev server.
      </p>
      {invalid ? (
        <p className="inline-error" role="alert">
          {invalid}
        </p>
      ) : null}
      <InlineError error={resend.error} prefix="Resend failed" />
      {resend.result ? (
        <p className={resend.result.status < 300 ? 'ok-text' : 'warn-text'} role="status">
          {describeResend(resend.result)}
        </p>
      ) : null}
    </form>
  );
}

export function EventDetail({ id, webhookUrlFor, resendUrl, onResendUrlChange, onClose }: EventDetailProps) {
  const detail = useResource(() => api.event(id), [id]);
  const heading = useRef<HTMLHeadingElement>(null);
  const d = detail.data && detail.data.id === id ? detail.data : null;
  const webhookUrl = d ? webhookUrlFor(d.source) : null;

  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, [id]);

  return (
    <aside className="detail-pane" aria-labelledby="event-detail-heading" data-testid="event-detail" data-event-id={id}>
      <div className="detail-head">
        <h2 id="event-detail-heading" ref={heading}>
          {d ? d.summary : `Event ${id}`}
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details (Escape)" title="Close (Escape)">
          ×
        </button>
      </div>
      {detail.error ? (
        <>
          <InlineError error={detail.error} prefix={`Could not load event ${id}`} />
          <button type="button" className="button" onClick={detail.reload}>
            Try again
          </button>
        </>
      ) : null}
      {!d && !detail.error ? <Spinner label="Loading the event…" /> : null}
      {d ? (
        <div className="detail-body">
          {d.verified ? null : (
            <p className="warning" role="note">
              <strong>Unverified.</strong> {UNVERIFIED_WARNING} Add a secret under Sources to verify {d.source} deliveries.
            </p>
          )}
          <dl className="facts">
            <dt>Source</dt>
            <dd>{d.source}</dd>
            <dt>Type</dt>
            <dd>{d.type}</dd>
            <dt>Subject</dt>
            <dd>{d.subject ?? '—'}</dd>
            <dt>Received</dt>
            <dd>
              <time dateTime={d.received_at}>{formatDateTime(d.received_at)}</time>
            </dd>
            <dt>Occurred</dt>
            <dd>{d.occurred_at ? <time dateTime={d.occurred_at}>{formatDateTime(d.occurred_at)}</time> : '—'}</dd>
            <dt>Verified</dt>
            <dd>
              {d.verified ? <Badge tone="ok">Signature verified</Badge> : <Badge tone="bad">Not verified</Badge>}
            </dd>
            <dt>Event id</dt>
            <dd>{d.id}</dd>
            <dt>Delivery id</dt>
            <dd className="mono">{d.delivery_id}</dd>
            <dt>Body</dt>
            <dd>
              {d.content_type || 'no content type'} · {formatBytes(d.body_bytes)}
            </dd>
          </dl>

          <div className="detail-actions">
            <CopyButton
              label="Copy as curl"
              text={() => buildCurl({ url: webhookUrl ?? `<${d.source} webhook URL>`, headers: d.headers, body: d.body })}
              ariaLabel="Copy a curl command that re-sends this webhook"
            />
            {webhookUrl ? null : <span className="hint">The source’s URL is not known yet; the command has a placeholder.</span>}
          </div>
          <ResendForm detail={d} resendUrl={resendUrl} onResendUrlChange={onResendUrlChange} />

          <section aria-labelledby="sec-payload">
            <h3 id="sec-payload">Payload</h3>
            {d.payload === null || d.payload === undefined ? (
              <p className="muted">The body is not JSON or a form; see the raw body.</p>
            ) : (
              <JsonViewer value={d.payload} label="Payload" />
            )}
          </section>
          <section aria-labelledby="sec-headers">
            <h3 id="sec-headers">Headers</h3>
            <p className="hint">As received, with credentials removed.</p>
            <Headers headers={d.headers} />
          </section>
          <details className="raw">
            <summary>Raw body ({formatBytes(d.body_bytes)})</summary>
            <RawBody body={d.body} />
          </details>
        </div>
      ) : null}
    </aside>
  );
}
