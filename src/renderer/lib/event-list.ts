// The live event list: pages from the API and events from the SSE stream merged into one
// newest-first list without duplicates. While the reader is scrolled away from the top, new
// events wait in `pending` so that nothing they are reading moves.
import type { EventRecord } from '../../shared/events';

/** Sort newest first (by id, a cursor that only grows) and drop repeated ids. */
export function normalize(events: readonly EventRecord[]): EventRecord[] {
  const sorted = [...events].sort((a, b) => b.id - a.id);
  const out: EventRecord[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (!prev || prev.id !== e.id) out.push(e);
  }
  return out;
}

/**
 * Merge two newest-first lists, keeping each id once (the copy already in `a` wins).
 * Returns `a` itself when `b` adds nothing, so memoized consumers do not re-render.
 */
export function mergeEvents(a: readonly EventRecord[], b: readonly EventRecord[]): readonly EventRecord[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const aFirst = a[0]!;
  const aLast = a[a.length - 1]!;
  const bFirst = b[0]!;
  const bLast = b[b.length - 1]!;
  // The common cases: live events on top, an older page at the bottom.
  if (bLast.id > aFirst.id) return b.concat(a);
  if (bFirst.id < aLast.id) return a.concat(b);
  const out: EventRecord[] = [];
  let i = 0;
  let j = 0;
  let added = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.id >= y.id)) {
      if (y && x.id === y.id) j++;
      out.push(x);
      i++;
    } else if (y) {
      out.push(y);
      added++;
      j++;
    }
  }
  return added === 0 ? a : out;
}

/** Index of the event with this id in a newest-first list (binary search), or -1. */
export function indexOfId(events: readonly EventRecord[], id: number): number {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = events[mid]!.id;
    if (v === id) return mid;
    if (v > id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export interface EventFilter {
  source: string;
  type: string;
  /** '' for all. */
  verified: '' | 'true' | 'false';
  q: string;
}

export const EMPTY_FILTER: EventFilter = { source: '', type: '', verified: '', q: '' };

export function isFiltered(f: EventFilter): boolean {
  return f.source !== '' || f.type !== '' || f.verified !== '' || f.q.trim() !== '';
}

/**
 * Whether a streamed event belongs in the list under this filter. The stream itself filters
 * by source and type (with the server's own type matching), so only what it cannot do is
 * checked here. Text search cannot be judged here either (the server's full-text index
 * decides), so live updates pause while searching.
 */
export function matchesFilter(e: EventRecord, f: EventFilter): boolean {
  if (f.q.trim() !== '') return false;
  if (f.source && e.source !== f.source) return false;
  if (f.verified === 'true' && !e.verified) return false;
  if (f.verified === 'false' && e.verified) return false;
  return true;
}

export interface LiveList {
  /** What the list shows, newest first. */
  list: readonly EventRecord[];
  /** New events held back while the reader is away from the top, newest first. */
  pending: readonly EventRecord[];
  /** True when more arrived than `pending` keeps: jumping to the top reloads instead. */
  overflow: boolean;
  /** Whether older events may exist on the server (page back with `before`). */
  hasMore: boolean;
}

export const EMPTY_LIVE: LiveList = { list: [], pending: [], overflow: false, hasMore: true };

/** Keep memory bounded: beyond this, the oldest rows are dropped (and can be paged back). */
export const MAX_ROWS = 100_000;

function trim(state: LiveList, maxRows: number): LiveList {
  if (state.list.length <= maxRows) return state;
  return { ...state, list: state.list.slice(0, maxRows), hasMore: true };
}

/** Take a batch of streamed events: onto the list at the top, else into `pending`. */
export function applyLive(state: LiveList, incoming: readonly EventRecord[], atTop: boolean, maxRows = MAX_ROWS): LiveList {
  if (incoming.length === 0) return state;
  const batch = normalize(incoming);
  if (atTop && !state.overflow) {
    const list = mergeEvents(state.list, state.pending.length ? mergeEvents(state.pending, batch) : batch);
    if (list === state.list && state.pending.length === 0) return state;
    return trim({ ...state, list, pending: [] }, maxRows);
  }
  // Only events the list does not already show count as new.
  const fresh = batch.filter((e) => indexOfId(state.list, e.id) === -1);
  if (fresh.length === 0) return state;
  let pending = mergeEvents(state.pending, fresh);
  if (pending === state.pending) return state;
  let overflow = state.overflow;
  if (pending.length > maxRows) {
    pending = pending.slice(0, maxRows);
    overflow = true;
  }
  return { ...state, pending, overflow };
}

/** The reader is back at the top: show what was held back. */
export function releasePending(state: LiveList, maxRows = MAX_ROWS): LiveList {
  if (state.pending.length === 0) return state;
  return trim({ ...state, list: mergeEvents(state.list, state.pending), pending: [], overflow: false }, maxRows);
}

/** An older page arrived (from `before=<last id>`). */
export function appendPage(state: LiveList, page: readonly EventRecord[], pageLimit: number): LiveList {
  const list = mergeEvents(state.list, normalize(page));
  return { ...state, list, hasMore: page.length >= pageLimit };
}

/** The id to page back from, or undefined when the list is empty. */
export function oldestId(state: LiveList): number | undefined {
  return state.list[state.list.length - 1]?.id;
}

/** The highest id we know of, shown or pending: where a gap fill starts. */
export function newestId(state: LiveList): number {
  return Math.max(state.list[0]?.id ?? 0, state.pending[0]?.id ?? 0);
}
