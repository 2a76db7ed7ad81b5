import { describe, expect, it } from 'vitest';
import { isAtTop, navigateIndex, nearEnd, rowsPerPage, scrollTopToReveal, windowRange } from '../../src/renderer/lib/window-range';

describe('windowRange', () => {
  const base = { rowHeight: 36, viewportHeight: 360, overscan: 5 };

  it('renders nothing for an empty list', () => {
    expect(windowRange({ ...base, scrollTop: 0, count: 0 })).toEqual({ start: 0, end: 0 });
  });

  it('renders the visible rows plus overscan below at the top', () => {
    expect(windowRange({ ...base, scrollTop: 0, count: 100_000 })).toEqual({ start: 0, end: 15 });
  });

  it('renders only a small window deep inside 100,000 rows', () => {
    const r = windowRange({ ...base, scrollTop: 50_000 * 36, count: 100_000 });
    expect(r).toEqual({ start: 49_995, end: 50_015 });
    expect(r.end - r.start).toBeLessThan(30);
  });

  it('counts a partly visible row at the bottom when scrolled between rows', () => {
    const r = windowRange({ ...base, overscan: 0, scrollTop: 18, count: 100 });
    expect(r).toEqual({ start: 0, end: 11 });
  });

  it('clamps to the end of a short list and to a scroll past the end', () => {
    expect(windowRange({ ...base, scrollTop: 0, count: 3 })).toEqual({ start: 0, end: 3 });
    expect(windowRange({ ...base, scrollTop: 99_999, count: 10 })).toEqual({ start: 4, end: 10 });
  });

  it('treats a negative scrollTop (elastic scrolling) as the top', () => {
    expect(windowRange({ ...base, scrollTop: -40, count: 100 })).toEqual({ start: 0, end: 15 });
  });
});

describe('scrollTopToReveal', () => {
  it('leaves a visible row alone', () => {
    expect(scrollTopToReveal(3, 0, 360, 36)).toBeNull();
  });
  it('scrolls up to a row above the viewport', () => {
    expect(scrollTopToReveal(2, 360, 360, 36)).toBe(72);
  });
  it('scrolls down just enough to show a row below the viewport', () => {
    expect(scrollTopToReveal(10, 0, 360, 36)).toBe(36);
  });
});

describe('navigateIndex', () => {
  it.each([
    ['ArrowDown', -1, 0],
    ['ArrowDown', 4, 5],
    ['ArrowDown', 9, 9],
    ['ArrowUp', 0, 0],
    ['ArrowUp', 5, 4],
    ['Home', 7, 0],
    ['End', 2, 9],
    ['PageDown', 2, 6],
    ['PageDown', 8, 9],
    ['PageUp', 5, 1],
    ['PageUp', 2, 0],
  ])('%s from %i goes to %i in 10 rows', (key, from, to) => {
    expect(navigateIndex(key, from, 10, 4)).toBe(to);
  });

  it('ignores other keys and empty lists', () => {
    expect(navigateIndex('a', 1, 10, 4)).toBeNull();
    expect(navigateIndex('ArrowDown', -1, 0, 4)).toBeNull();
  });

  it('recovers when the active row vanished from a shrunken list', () => {
    expect(navigateIndex('ArrowUp', 50, 10, 4)).toBe(8);
  });
});

describe('helpers', () => {
  it('says how many rows a page holds', () => {
    expect(rowsPerPage(360, 36)).toBe(10);
    expect(rowsPerPage(10, 36)).toBe(1);
  });
  it('calls the list at the top within half a row', () => {
    expect(isAtTop(0, 36)).toBe(true);
    expect(isAtTop(17, 36)).toBe(true);
    expect(isAtTop(18, 36)).toBe(false);
  });
  it('asks for more when the window nears the end', () => {
    expect(nearEnd({ start: 400, end: 460 }, 500, 50)).toBe(true);
    expect(nearEnd({ start: 0, end: 20 }, 500, 50)).toBe(false);
    expect(nearEnd({ start: 0, end: 0 }, 0, 50)).toBe(false);
  });
});
