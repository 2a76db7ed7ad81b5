// Windowing math for the virtual list: which rows to render for a scroll position, where to
// scroll to reveal a row, and where keyboard keys move the active row. Pure, so it can be
// tested without a DOM and reused by any fixed-row-height list.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Extra rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
  overscan: number;
}

/** Rows [start, end) to render; end is exclusive. */
export interface WindowRange {
  start: number;
  end: number;
}

export function windowRange({ scrollTop, viewportHeight, rowHeight, count, overscan }: WindowInput): WindowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const firstVisible = Math.min(count - 1, Math.floor(top / rowHeight));
  const visibleRows = Math.max(1, Math.ceil((Math.max(0, viewportHeight) + (top % rowHeight)) / rowHeight));
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(count, firstVisible + visibleRows + overscan);
  return { start, end };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollTopToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return null;
}

/** The number of whole rows that fit in the viewport (at least 1): the PageUp/PageDown step. */
export function rowsPerPage(viewportHeight: number, rowHeight: number): number {
  if (rowHeight <= 0) return 1;
  return Math.max(1, Math.floor(viewportHeight / rowHeight));
}

/**
 * Where a navigation key moves the active row, or null when the key is not a navigation key
 * (or the list is empty). From "no active row" (-1), ArrowDown goes to the first row.
 */
export function navigateIndex(key: string, index: number, count: number, pageSize: number): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const from = Math.min(Math.max(index, -1), last);
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return Math.max(0, from - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return Math.min(last, Math.max(0, from) + pageSize);
    case 'PageUp':
      return Math.max(0, from - pageSize);
    default:
      return null;
  }
}

/** True when the list is scrolled close enough to the top that new rows may appear there. */
export function isAtTop(scrollTop: number, rowHeight: number): boolean {
  return scrollTop < rowHeight / 2;
}

/** True when the rendered window is within `threshold` rows of the end: time to load more. */
export function nearEnd(range: WindowRange, count: number, threshold: number): boolean {
  return count > 0 && range.end >= count - threshold;
}
