// The dashboard shell: a header with the core's health, a left nav (arrow keys, or 1–6 from
// anywhere outside a text field) and the six views. The events view stays mounted while
// hidden, so the reader's place and the live stream survive a trip to another view.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { api } from './api';
import { healthView } from './lib/health';
import { isTypingTarget, moveTab, viewShortcut } from './lib/keys';
import { errorMessage } from './lib/response';
import { formatBytes, formatCount, plural } from './lib/format';
import { onLiveEvents } from './lib/live-signal';
import { useInterval, useResource, useThrottled } from './components/hooks';
import { Badge } from './components/Feedback';
import { EventsView } from './views/EventsView';
import { ActionsView } from './views/ActionsView';
import { DeploymentsView } from './views/DeploymentsView';
import { SourcesView } from './views/SourcesView';
import { ConnectView } from './views/ConnectView';
import { OutboundView } from './views/OutboundView';

const VIEWS = [
  { id: 'events', label: 'Live events', testId: 'nav-events' },
  { id: 'actions', label: 'Stripe actions', testId: 'nav-actions' },
  { id: 'deployments', label: 'Deployments', testId: 'nav-deployments' },
  { id: 'sources', label: 'Sources & secrets', testId: 'nav-sources' },
  { id: 'connect', label: 'Connect assistants', testId: 'nav-connect' },
  { id: 'outbound', label: 'Outbound', testId: 'nav-outbound' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

function HealthBadge() {
  const health = useResource(() => api.health(), []);
  // Polled for state changes (store problems, a restart); reloaded as soon as the live
  // stream brings events, so the count never trails the list (at most once a second).
  useInterval(health.reload, 5_000);
  const refresh = useThrottled(health.reload, 1_000);
  useEffect(() => onLiveEvents(refresh), [refresh]);
  const view = healthView(health.data, health.error ? errorMessage(health.error) : null);
  const h = health.data;
  const title = h
    ? `Tidings ${h.version} · ${formatCount(h.events)} events · database ${formatBytes(h.db_bytes)} · data in ${h.data_dir}`
    : undefined;
  return (
    <div className="health" data-testid="health" data-status={health.error ? 'unreachable' : (h?.status ?? 'unknown')} role="status" aria-live="polite" title={title}>
      <Badge tone={view.tone}>{view.label}</Badge>
      {view.detail ? <span className={view.tone === 'ok' ? 'muted' : 'health-problem'}>{view.detail}</span> : null}
      {h && view.tone === 'ok' ? <span className="muted">{plural(h.events, 'event')}</span> : null}
    </div>
  );
}

function SignOut() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signOut = () => {
    setPending(true);
    api.signOut().then(
      // A page of the core's own that says how to sign in again; the session cookie is gone.
      () => window.location.assign('/login?signed_out=1'),
      (e: unknown) => {
        setPending(false);
        setError(errorMessage(e));
      },
    );
  };
  return (
    <button type="button" className="button sign-out" onClick={signOut} disabled={pending} data-testid="sign-out" title={error ?? 'End this dashboard session'}>
      {error ? 'Sign out failed' : 'Sign out'}
    </button>
  );
}

export function App() {
  const [view, setView] = useState<ViewId>('events');
  // `#/events/<id>` (a notification or the tray's recent events) opens that event.
  const [openEvent, setOpenEvent] = useState<{ id: number; seq: number } | null>(null);
  useEffect(() => {
    let seq = 0;
    const follow = () => {
      const m = /^#\/events\/(\d+)$/.exec(window.location.hash);
      if (!m) return;
      setView('events');
      setOpenEvent({ id: Number(m[1]), seq: ++seq });
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const index = VIEWS.findIndex((v) => v.id === view);

  const select = useCallback((i: number, focus: boolean) => {
    const target = VIEWS[i];
    if (!target) return;
    setView(target.id);
    if (focus) tabs.current[i]?.focus();
  }, []);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target as HTMLElement | null)) return;
      const n = viewShortcut(e, VIEWS.length);
      if (n === null) return;
      e.preventDefault();
      // Focus follows, so it never stays inside a view that just became hidden.
      select(n - 1, true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select]);

  const onNavKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = moveTab(e.key, index, VIEWS.length);
    if (next === null) return;
    e.preventDefault();
    select(next, true);
  };

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Tidings
        </span>
        <HealthBadge />
        <SignOut />
      </header>
      <nav className="app-nav" aria-label="Views">
        <div role="tablist" aria-orientation="vertical" onKeyDown={onNavKey}>
          {VIEWS.map((v, i) => (
            <button
              key={v.id}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${v.id}`}
              aria-selected={v.id === view}
              aria-controls={`panel-${v.id}`}
              tabIndex={v.id === view ? 0 : -1}
              className="nav-item"
              onClick={() => select(i, false)}
              data-testid={v.testId}
              aria-keyshortcuts={String(i + 1)}
            >
              <span className="nav-key" aria-hidden="true">
                {i + 1}
              </span>
              {v.label}
            </button>
          ))}
        </div>
        <p className="nav-hint">Keys: 1–{VIEWS.length} switch views · ↑/↓ move in lists · Enter opens · Esc closes</p>
      </nav>
      <main className="app-main">
        <div role="tabpanel" id="panel-events" aria-labelledby="tab-events" hidden={view !== 'events'} className="panel">
          <EventsView active={view === 'events'} open={openEvent} />
        </div>
        {view !== 'events' ? (
          <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`} className="panel scroll">
            {view === 'actions' ? <ActionsView /> : null}
            {view === 'deployments' ? <DeploymentsView /> : null}
            {view === 'sources' ? <SourcesView /> : null}
            {view === 'connect' ? <ConnectView /> : null}
            {view === 'outbound' ? <OutboundView /> : null}
          </div>
        ) : null}
      </main>
    </div>
  );
}
