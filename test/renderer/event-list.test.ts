import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/shared/events';
import {
  EMPTY_FILTER,
  EMPTY_LIVE,
  appendPage,
  applyLive,
  indexOfId,
  isFiltered,
  matchesFilter,
  mergeEvents,
  newestId,
  normalize,
  oldestId,
  releasePending,
} from '../../src/renderer/lib/event-list';
import type { LiveList } from '../../src/renderer/lib/event-list';

function ev(id: number, patch: Partial<EventRecord> = {}): EventRecord {
  return {
    id,
    source: 'github',
    type: 'push',
    received_at: new Date(1_700_000_000_000 + id * 1000).toISOString(),
    occurred_at: null,
    subject: 'octo/site',
    summary: `event ${id}`,
    verified: true,
    delivery_id: `d-${id}`,
    fields: {},
    ...patch,
  };
}
const evs = (...ids: number[]) => ids.map((id) => ev(id));
const ids = (list: readonly EventRecord[]) => list.map((e) => e.id);

describe('mergeEvents', () => {
  it('puts live events on top', () => {
    expect(ids(mergeEvents(evs(5, 4, 3), evs(7, 6)))).toEqual([7, 6, 5, 4, 3]);
  });
  it('puts an older page at the bottom', () => {
    expect(ids(mergeEvents(evs(5, 4, 3), evs(2, 1)))).toEqual([5, 4, 3, 2, 1]);
  });
  it('interleaves and drops duplicates (a gap fill overlapping the stream)', () => {
    expect(ids(mergeEvents(evs(9, 7, 5, 3), evs(8, 7, 6, 5, 4)))).toEqual([9, 8, 7, 6, 5, 4, 3]);
  });
  it('returns the same array when nothing is new, so memoized rows do not re-render', () => {
    const a = evs(5, 4, 3);
    expect(mergeEvents(a, evs(4, 3))).toBe(a);
    expect(mergeEvents(a, [])).toBe(a);
  });
  it('keeps the copy it already had', () => {
    const a = [ev(2, { summary: 'old' })];
    expect(mergeEvents(a, [ev(2, { summary: 'new' }), ev(1)])[0]!.summary).toBe('old');
  });
  it('merges 100,000 rows with a live batch quickly', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => ev(200_000 - i));
    const t = performance.now();
    const out = mergeEvents(big, evs(200_002, 200_001));
    expect(performance.now() - t).toBeLessThan(50);
    expect(out.length).toBe(100_002);
  });
});

describe('normalize and lookup', () => {
  it('sorts newest first and drops repeated ids from a stream batch', () => {
    expect(ids(normalize(evs(3, 5, 3, 4)))).toEqual([5, 4, 3]);
  });
  it('finds an id by binary search', () => {
    const list = evs(10, 8, 6, 4, 2);
    expect(indexOfId(list, 10)).toBe(0);
    expect(indexOfId(list, 4)).toBe(3);
    expect(indexOfId(list, 5)).toBe(-1);
    expect(indexOfId([], 1)).toBe(-1);
  });
});

describe('applyLive', () => {
  const start: LiveList = { ...EMPTY_LIVE, list: evs(3, 2, 1) };

  it('adds new events to the list while the reader is at the top', () => {
    const next = applyLive(start, evs(4, 5), true);
    expect(ids(next.list)).toEqual([5, 4, 3, 2, 1]);
    expect(next.pending).toEqual([]);
  });

  it('holds new events back while the reader is scrolled away, so nothing moves', () => {
    const next = applyLive(start, evs(4, 5), false);
    expect(next.list).toBe(start.list);
    expect(ids(next.pending)).toEqual([5, 4]);
  });

  it('does not count events the list already shows as new', () => {
    expect(applyLive(start, evs(3, 2), false)).toBe(start);
  });

  it('counts each held-back event once even when delivered twice', () => {
    const once = applyLive(start, evs(4), false);
    const twice = applyLive(once, evs(4, 5), false);
    expect(ids(twice.pending)).toEqual([5, 4]);
  });

  it('shows held-back events when the reader returns to the top', () => {
    const away = applyLive(start, evs(4, 5), false);
    const back = releasePending(away);
    expect(ids(back.list)).toEqual([5, 4, 3, 2, 1]);
    expect(back.pending).toEqual([]);
    expect(releasePending(back)).toBe(back);
  });

  it('folds pending events in with the next batch once at the top again', () => {
    const away = applyLive(start, evs(4), false);
    expect(ids(applyLive(away, evs(5), true).list)).toEqual([5, 4, 3, 2, 1]);
  });

  it('keeps memory bounded: drops the oldest rows past the cap, which can be paged back', () => {
    const next = applyLive({ ...start, hasMore: false }, evs(6, 5, 4), true, 4);
    expect(ids(next.list)).toEqual([6, 5, 4, 3]);
    expect(next.hasMore).toBe(true);
  });

  it('marks overflow when too many arrive while away', () => {
    const next = applyLive(start, evs(9, 8, 7, 6, 5), false, 3);
    expect(next.pending.length).toBe(3);
    expect(next.overflow).toBe(true);
  });
});

describe('paging', () => {
  it('appends an older page and notices the end', () => {
    const s = appendPage({ ...EMPTY_LIVE, list: evs(5, 4) }, evs(3, 2), 2);
    expect(ids(s.list)).toEqual([5, 4, 3, 2]);
    expect(s.hasMore).toBe(true);
    expect(appendPage(s, evs(1), 2).hasMore).toBe(false);
  });
  it('knows the cursors at both ends', () => {
    const s = { ...EMPTY_LIVE, list: evs(5, 4), pending: evs(7) };
    expect(oldestId(s)).toBe(4);
    expect(newestId(s)).toBe(7);
    expect(oldestId(EMPTY_LIVE)).toBeUndefined();
    expect(newestId(EMPTY_LIVE)).toBe(0);
  });
});

describe('filters for streamed events', () => {
  it('checks source and verified, and leaves type patterns to the server-side stream filter', () => {
    const e = ev(1, { source: 'stripe', type: 'invoice.paid', verified: false });
    expect(matchesFilter(e, EMPTY_FILTER)).toBe(true);
    expect(matchesFilter(e, { ...EMPTY_FILTER, source: 'stripe' })).toBe(true);
    expect(matchesFilter(e, { ...EMPTY_FILTER, source: 'github' })).toBe(false);
    expect(matchesFilter(e, { ...EMPTY_FILTER, type: 'invoice.*' })).toBe(true);
    expect(matchesFilter(e, { ...EMPTY_FILTER, verified: 'true' })).toBe(false);
    expect(matchesFilter(e, { ...EMPTY_FILTER, verified: 'false' })).toBe(true);
  });
  it('leaves search results alone: the server decides what matches text', () => {
    expect(matchesFilter(ev(1), { ...EMPTY_FILTER, q: 'deploy' })).toBe(false);
  });
  it('knows when any filter is set', () => {
    expect(isFiltered(EMPTY_FILTER)).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTER, q: '  ' })).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTER, verified: 'false' })).toBe(true);
  });
});
