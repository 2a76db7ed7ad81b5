// Live events: a windowed list that pages back through history and takes new events from
// the SSE stream (batched per animation frame), filters, an events-per-hour chart, and the
// detail pane. While the reader is scrolled away from the top, new events wait behind a
// "N new events" button instead of moving what they are reading.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { api } from '../api';
import type { StreamStatus } from '../api';
import type { EventRecord } from '../../shared/events';
import type { SourceInfo } from '../../shared/api';
import {
  EMPTY_FILTER,
  EMPTY_LIVE,
  appendPage,
  applyLive,
  indexOfId,
  isFiltered,
  matchesFilter,
  oldestId,
  releasePending,
} from '../lib/event-list';
import type { EventFilter, LiveList } from '../lib/event-list';
import { formatCount, plural } from '../lib/format';
import { pasteHint } from '../lib/sources';
import { errorMessage } from '../lib/response';
import { VirtualList } from '../components/VirtualList';
import type { VirtualListHandle } from '../components/VirtualList';
import { EventRow } from '../components/EventRow';
import { EventDetail } from '../components/EventDetail';
import { HourlyChart } from '../components/HourlyChart';
import { CopyButton } from '../components/CopyButton';
import { EmptyState, InlineError, Spinner } from '../components/Feedback';
import { useAction, useDebounced, useInterval, useResource, useThrottled } from '../components/hooks';
import { announceLiveEvents } from '../lib/live-signal';

const PAGE = 500;
const ROW_HEIGHT = 36;
/** A batch waits at most this long when animation frames are not running (hidden window). */
const FLUSH_FALLBACK_MS = 250;

interface ListState extends LiveList {
  atTop: boolean;
}

type ListAction =
  | { type: 'reset' }
  | { type: 'page'; events: EventRecord[]; more: boolean }
  | { type: 'live'; events: EventRecord[] }
  | { type: 'at-top'; atTop: boolean };

function reducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'reset':
      return { ...EMPTY_LIVE, atTop: true };
    case 'page': {
      const next = appendPage(state, action.events, PAGE);
      return { ...next, atTop: state.atTop, hasMore: action.more };
    }
    case 'live': {
      const next = applyLive(state, action.events, state.atTop);
      return next === state ? state : { ...next, atTop: state.atTop };
    }
    case 'at-top': {
      if (action.atTop === state.atTop) return state;
      // Back at the top: show what was held back (unless too much arrived; then reload).
      const next = action.atTop && !state.overflow ? releasePending(state) : state;
      return { ...next, atTop: action.atTop };
    }
  }
}

function startOfToday(): number {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

const STATUS_TEXT: Record<StreamStatus | 'paused' | 'idle', string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Live updates paused while searching',
  idle: 'Not connected',
};

function SendTestButton({ source }: { source: string }) {
  const send = useAction(() => api.sendTest(source));
  const r = send.result;
  return (
    <div className="inline-action">
      <button
        type="button"
        className="button primary"
        disabled={send.pending}
        onClick={() => void send.run()}
      >
        {send.pending ? 'Sending…' : 'Send test event'}
      </button>
      <InlineError error={send.error} prefix="The test event was not sent" />
      {r ? (
        <p role="status" className={r.ingest_status < 300 ? 'ok-text' : 'warn-text'}>
          {r.ingest_status < 300
            ? `Sent a signed sample ${source} webhook (HTTP ${r.ingest_status}); it appears in the list when the live stream delivers it.`
            : `The receiver refused the sample (HTTP ${r.ingest_status}): ${JSON.stringify(r.ingest_response)}`}
        </p>
      ) : null}
    </div>
  );
}

export function EventsView({ active, open }: { active: boolean; open?: { id: number; seq: number } | null }) {
  // Filters: what the inputs show, and (debounced) what the list is loaded with.
  const [filterInput, setFilterInput] = useState<EventFilter>(EMPTY_FILTER);
  // Debounce the strings themselves: a new object every render would never settle.
  const debouncedType = useDebounced(filterInput.type.trim(), 300);
  const debouncedQ = useDebounced(filterInput.q.trim(), 300);
  const filter: EventFilter = useMemo(
    () => ({ source: filterInput.source, verified: filterInput.verified, type: debouncedType, q: debouncedQ }),
    [filterInput.source, filterInput.verified, debouncedType, debouncedQ],
  );
  const searching = filter.q !== '';

  const [state, dispatch] = useReducer(reducer, { ...EMPTY_LIVE, atTop: true });
  const [loadError, setLoadError] = useState<unknown>(null);
  const [initialLoading, setInitialLoading] = useState(true);
  const [olderLoading, setOlderLoading] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  const [streamStatus, setStreamStatus] = useState<{ status: StreamStatus | 'paused' | 'idle'; detail?: string }>({ status: 'idle' });
  const [streamError, setStreamError] = useState<string | null>(null);
  const [reloadTick, setReloadTick] = useState(0);
  const generation = useRef(0);

  const [activeId, setActiveId] = useState<number | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [resendUrl, setResendUrl] = useState<string | null>(null);
  useEffect(() => {
    if (open) setSelectedId(open.id);
  }, [open]);
  const listRef = useRef<VirtualListHandle>(null);
  const [dayStart, setDayStart] = useState(startOfToday);
  useInterval(() => setDayStart(startOfToday()), 60_000);

  const sources = useResource(() => api.sources(), []);
  const hourly = useResource(() => api.hourly(24), []);
  // Redraw the chart when events arrive: at once, then at most every 2 s.
  const redrawChart = useThrottled(hourly.reload, 2_000);
  useInterval(hourly.reload, 300_000);
  useInterval(sources.reload, 120_000);

  // --- Live events, batched: at most one state update per animation frame.
  const queue = useRef<EventRecord[]>([]);
  const flushScheduled = useRef<{ raf: number; timer: ReturnType<typeof setTimeout> } | null>(null);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const flush = useCallback(() => {
    const pending = flushScheduled.current;
    if (pending) {
      cancelAnimationFrame(pending.raf);
      clearTimeout(pending.timer);
      flushScheduled.current = null;
    }
    const batch = queue.current;
    queue.current = [];
    const f = filterRef.current;
    const keep = batch.filter((e) => matchesFilter(e, f));
    if (batch.length) {
      redrawChart();
      announceLiveEvents();
    }
    if (keep.length) dispatch({ type: 'live', events: keep });
  }, [redrawChart]);

  const enqueue = useCallback(
    (events: EventRecord[]) => {
      for (const e of events) queue.current.push(e);
      if (!flushScheduled.current) {
        flushScheduled.current = { raf: requestAnimationFrame(flush), timer: setTimeout(flush, FLUSH_FALLBACK_MS) };
      }
    },
    [flush],
  );

  // --- Load the newest page for the current filter, then follow the stream from its top.
  useEffect(() => {
    const gen = ++generation.current;
    let cancelled = false;
    let stop: (() => void) | null = null;
    queue.current = [];
    dispatch({ type: 'reset' });
    setLoadError(null);
    setOlderError(null);
    setInitialLoading(true);
    setStreamError(null);
    listRef.current?.scrollToTop();
    const query = {
      source: filter.source || undefined,
      type: filter.type || undefined,
      verified: filter.verified === '' ? undefined : filter.verified === 'true',
      q: filter.q || undefined,
    };
    // The stream resumes after the newest id the page could have shown. With "verified"
    // set, the page skips the other kind, so ask for the newest event of any kind too.
    const probe = query.verified !== undefined && !query.q ? api.events({ source: query.source, type: query.type, limit: 1 }) : Promise.resolve(null);
    Promise.all([api.events({ ...query, limit: PAGE }), probe]).then(
      ([page, newest]) => {
        if (cancelled || gen !== generation.current) return;
        dispatch({ type: 'page', events: page.events, more: page.next_cursor !== null && page.events.length >= PAGE });
        setInitialLoading(false);
        if (query.q) {
          setStreamStatus({ status: 'paused' });
          return;
        }
        stop = api.stream(
          { source: query.source, type: query.type, after: Math.max(page.events[0]?.id ?? 0, newest?.events[0]?.id ?? 0) },
          {
            onEvents: enqueue,
            onStatus: (status, detail) => {
              if (gen === generation.current) setStreamStatus(detail === undefined ? { status } : { status, detail });
              if (status === 'live') setStreamError(null);
            },
            onError: (message) => {
              if (gen === generation.current) setStreamError(message);
            },
          },
        );
      },
      (e: unknown) => {
        if (cancelled || gen !== generation.current) return;
        setLoadError(e);
        setInitialLoading(false);
        setStreamStatus({ status: 'idle' });
      },
    );
    return () => {
      cancelled = true;
      stop?.();
      queue.current = [];
      const pending = flushScheduled.current;
      if (pending) {
        cancelAnimationFrame(pending.raf);
        clearTimeout(pending.timer);
        flushScheduled.current = null;
      }
    };
  }, [filter, enqueue, reloadTick]);

  // --- Page back when the window nears the end of what is loaded.
  const loadingOlderRef = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const loadOlder = useCallback(() => {
    const s = stateRef.current;
    const before = oldestId(s);
    if (loadingOlderRef.current || !s.hasMore || before === undefined) return;
    const f = filterRef.current;
    if (f.q) return;
    const gen = generation.current;
    loadingOlderRef.current = true;
    setOlderLoading(true);
    setOlderError(null);
    api
      .events({
        source: f.source || undefined,
        type: f.type || undefined,
        verified: f.verified === '' ? undefined : f.verified === 'true',
        before,
        limit: PAGE,
      })
      .then(
        (page) => {
          if (gen === generation.current) dispatch({ type: 'page', events: page.events, more: page.events.length >= PAGE });
        },
        (e: unknown) => {
          if (gen === generation.current) setOlderError(e);
        },
      )
      .finally(() => {
        loadingOlderRef.current = false;
        setOlderLoading(false);
      });
  }, []);
  const onNearEnd = useCallback(() => {
    if (!olderError && !initialLoading) loadOlder();
  }, [loadOlder, olderError, initialLoading]);

  const onAtTopChange = useCallback((atTop: boolean) => dispatch({ type: 'at-top', atTop }), []);

  // Too many arrived while away from the top: jumping up reloads instead of merging.
  const jumpToTop = useCallback(() => {
    if (stateRef.current.overflow) setReloadTick((t) => t + 1);
    listRef.current?.scrollToTop();
    dispatch({ type: 'at-top', atTop: true });
  }, []);

  // --- Selection and keyboard.
  const { list } = state;
  const activeIndex = activeId === null ? -1 : indexOfId(list, activeId);
  const listRefForCallbacks = useRef(list);
  listRefForCallbacks.current = list;
  const onActiveIndexChange = useCallback((i: number) => {
    const e = listRefForCallbacks.current[i];
    if (e) setActiveId(e.id);
  }, []);
  const onPick = useCallback((i: number) => {
    const e = listRefForCallbacks.current[i];
    if (!e) return;
    setActiveId(e.id);
    setSelectedId(e.id);
  }, []);
  const onActivate = onPick;
  const closeDetail = useCallback(() => {
    setSelectedId(null);
    const idx = activeId === null ? -1 : indexOfId(listRefForCallbacks.current, activeId);
    listRef.current?.focusIndex(idx);
  }, [activeId]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && selectedId !== null) {
      e.preventDefault();
      closeDetail();
    }
  };

  const renderRow = useCallback(
    (event: EventRecord, index: number, top: number, tabbable: boolean) => (
      <EventRow
        key={event.id}
        event={event}
        index={index}
        top={top}
        height={ROW_HEIGHT}
        count={list.length}
        tabbable={tabbable}
        selected={event.id === selectedId}
        dayStart={dayStart}
        onPick={onPick}
        onFocusRow={onActiveIndexChange}
      />
    ),
    [list.length, selectedId, dayStart, onPick, onActiveIndexChange],
  );

  // --- What the filters can choose from.
  const serverSources: SourceInfo[] = sources.data?.sources ?? [];
  const sourceNames = useMemo(() => {
    const names = new Set(serverSources.map((s) => s.source));
    if (filterInput.source) names.add(filterInput.source);
    return [...names].sort();
  }, [serverSources, filterInput.source]);
  const typeChoices = useMemo(() => {
    const types = new Set<string>();
    for (let i = 0; i < list.length && i < 2000; i++) types.add(list[i]!.type);
    return [...types].sort().slice(0, 200);
  }, [list]);
  const webhookUrlFor = useCallback((source: string) => serverSources.find((s) => s.source === source)?.url ?? null, [serverSources]);
  const github = serverSources.find((s) => s.source === 'github');

  const set = (patch: Partial<EventFilter>) => setFilterInput((f) => ({ ...f, ...patch }));
  const filtered = isFiltered(filterInput);
  const liveLabel = STATUS_TEXT[streamStatus.status];

  return (
    <div className="events-view" onKeyDown={onKeyDown} hidden={!active}>
      <div className="toolbar" role="search" aria-label="Filter events">
        <label className="field">
          <span>Source</span>
          <select value={filterInput.source} onChange={(e) => set({ source: e.target.value })}>
            <option value="">All sources</option>
            {sourceNames.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Type</span>
          <input
            type="text"
            list="event-type-choices"
            value={filterInput.type}
            placeholder="e.g. push"
            onChange={(e) => set({ type: e.target.value })}
            spellCheck={false}
          />
          <datalist id="event-type-choices">
            {typeChoices.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>Verified</span>
          <select value={filterInput.verified} onChange={(e) => set({ verified: e.target.value as EventFilter['verified'] })}>
            <option value="">All</option>
            <option value="true">Verified only</option>
            <option value="false">Unverified only</option>
          </select>
        </label>
        <label className="field grow">
          <span>Search</span>
          <input type="search" value={filterInput.q} placeholder="Full-text search in summaries and payloads" onChange={(e) => set({ q: e.target.value })} />
        </label>
        {filtered ? (
          <button type="button" className="button" onClick={() => setFilterInput(EMPTY_FILTER)}>
            Clear filters
          </button>
        ) : null}
        <span
          className={`live-status live-${streamStatus.status}`}
          data-testid="live-status"
          data-state={streamStatus.status}
          role="status"
          aria-live="polite"
          title={streamStatus.detail}
        >
          <span className="dot" aria-hidden="true" />
          {liveLabel}
          {streamStatus.detail ? <span className="muted"> ({streamStatus.detail})</span> : null}
        </span>
      </div>

      <div className="chart-row">
        {hourly.data ? <HourlyChart data={hourly.data} /> : null}
        {hourly.error ? <InlineError error={hourly.error} prefix="The events-per-hour chart could not load" /> : null}
      </div>

      {streamError ? (
        <p className="inline-error" role="alert">
          Live stream: {streamError}{' '}
          <button type="button" className="link-button" onClick={() => setReloadTick((t) => t + 1)}>
            Reload the list
          </button>
        </p>
      ) : null}

      <div className={`events-split${selectedId !== null ? ' with-detail' : ''}`}>
        <div className="list-column">
          {state.pending.length > 0 ? (
            <button type="button" className="new-events-marker" data-testid="new-events-marker" onClick={jumpToTop}>
              ↑ {state.overflow ? `${formatCount(state.pending.length)}+` : formatCount(state.pending.length)}{' '}
              {state.pending.length === 1 ? 'new event' : 'new events'}
            </button>
          ) : null}
          {loadError ? (
            <div className="list-message">
              <InlineError error={loadError} prefix="Could not load events" />
              <button type="button" className="button" onClick={() => setReloadTick((t) => t + 1)}>
                Try again
              </button>
            </div>
          ) : initialLoading && list.length === 0 ? (
            <Spinner label="Loading events…" />
          ) : list.length === 0 && state.pending.length === 0 ? (
            filtered ? (
              <EmptyState title="No events match these filters.">
                <p>{searching ? 'Full-text search looks in summaries and payloads. Try fewer words.' : 'New matching events will appear here as they arrive.'}</p>
                <button type="button" className="button" onClick={() => setFilterInput(EMPTY_FILTER)}>
                  Clear filters
                </button>
              </EmptyState>
            ) : (
              <EmptyState title="No events yet.">
                <p>
                  Paste <code className="url">{github?.url ?? 'your GitHub webhook URL (see Sources)'}</code>{' '}
                  {github ? <CopyButton text={github.url} ariaLabel="Copy the GitHub webhook URL" /> : null} into {pasteHint('github')}, or
                  press Send test event.
                </p>
                <SendTestButton source="github" />
                <p className="hint">Stripe, Vercel, Slack and custom senders are set up under Sources (press 4).</p>
              </EmptyState>
            )
          ) : (
            <VirtualList
              ref={listRef}
              items={list}
              rowHeight={ROW_HEIGHT}
              overscan={10}
              activeIndex={activeIndex}
              onActiveIndexChange={onActiveIndexChange}
              onActivate={onActivate}
              renderRow={renderRow}
              onAtTopChange={onAtTopChange}
              onNearEnd={onNearEnd}
              ariaLabel={`Events, newest first (${formatCount(list.length)} loaded). Enter opens one.`}
              className="event-list"
              testId="event-list"
            />
          )}
          <p className="list-footer" aria-live="polite">
            {list.length > 0 ? `${plural(list.length, 'event')} loaded` : ''}
            {olderLoading ? ' · loading older…' : ''}
            {!state.hasMore && list.length > 0 && !searching ? ' · that is all of them' : ''}
            {searching && list.length > 0 ? ' · best matches' : ''}
            {olderError ? (
              <span className="inline-error" role="alert">
                {' '}
                Could not load older events: {errorMessage(olderError)}{' '}
                <button type="button" className="link-button" onClick={() => { setOlderError(null); loadOlder(); }}>
                  Retry
                </button>
              </span>
            ) : null}
          </p>
        </div>
        {selectedId !== null ? (
          <EventDetail
            id={selectedId}
            webhookUrlFor={webhookUrlFor}
            resendUrl={resendUrl}
            onResendUrlChange={setResendUrl}
            onClose={closeDetail}
          />
        ) : null}
      </div>
    </div>
  );
}
