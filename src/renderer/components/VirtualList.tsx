// A windowed list with a fixed row height: only the rows in view (plus overscan) are in the
// DOM, so 100,000 rows scroll as smoothly as 100. Keyboard: ↑/↓, PageUp/PageDown, Home/End
// move the active row (roving tabindex), Enter activates it.
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode, Ref } from 'react';
import { isAtTop, navigateIndex, nearEnd, rowsPerPage, scrollTopToReveal, windowRange } from '../lib/window-range';

export interface VirtualListHandle {
  scrollToTop(): void;
  /** Scroll row `index` into view and give it keyboard focus. */
  focusIndex(index: number): void;
}

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  overscan?: number;
  /** -1 when no row is active. */
  activeIndex: number;
  onActiveIndexChange(index: number): void;
  onActivate?(index: number): void;
  /**
   * Render one row, absolutely positioned at `top`, with `data-index={index}`, role="option"
   * and `tabIndex={tabbable ? 0 : -1}`. Return a memoized component so unchanged rows skip work.
   */
  renderRow(item: T, index: number, top: number, tabbable: boolean): ReactNode;
  onAtTopChange?(atTop: boolean): void;
  /** Called when the rendered window nears the end (within `endThreshold` rows). */
  onNearEnd?(): void;
  endThreshold?: number;
  ariaLabel: string;
  className?: string;
  testId?: string;
  ref?: Ref<VirtualListHandle>;
}

export function VirtualList<T>({
  items,
  rowHeight,
  overscan = 8,
  activeIndex,
  onActiveIndexChange,
  onActivate,
  renderRow,
  onAtTopChange,
  onNearEnd,
  endThreshold = 50,
  ariaLabel,
  className,
  testId,
  ref,
}: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const focusWanted = useRef<number | null>(null);
  const atTopRef = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const count = items.length;
  const range = windowRange({ scrollTop, viewportHeight: viewport, rowHeight, count, overscan });

  const reveal = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const next = scrollTopToReveal(index, el.scrollTop, el.clientHeight, rowHeight);
      if (next !== null) {
        el.scrollTop = next;
        setScrollTop(next); // render the row now, not after the scroll event
      }
    },
    [rowHeight],
  );

  useImperativeHandle(
    ref,
    () => ({
      scrollToTop() {
        const el = scroller.current;
        if (!el) return;
        el.scrollTop = 0;
        setScrollTop(0);
      },
      focusIndex(index: number) {
        if (index < 0) {
          scroller.current?.focus();
          return;
        }
        reveal(index);
        focusWanted.current = index;
        const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
        if (row) {
          row.focus({ preventScroll: true });
          focusWanted.current = null;
        }
      },
    }),
    [reveal],
  );

  // Keyboard moves focus to a row that may only now have been rendered.
  useLayoutEffect(() => {
    const want = focusWanted.current;
    if (want === null) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${want}"]`);
    if (row) {
      row.focus({ preventScroll: true });
      focusWanted.current = null;
    }
  });

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const top = isAtTop(el.scrollTop, rowHeight);
    if (top !== atTopRef.current) {
      atTopRef.current = top;
      onAtTopChange?.(top);
    }
  }, [rowHeight, onAtTopChange]);

  const wantMore = nearEnd(range, count, endThreshold);
  useEffect(() => {
    if (wantMore) onNearEnd?.();
  }, [wantMore, count, onNearEnd]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      if (activeIndex >= 0 && e.target !== e.currentTarget) {
        e.preventDefault();
        onActivate?.(activeIndex);
      }
      return;
    }
    const el = scroller.current;
    const next = navigateIndex(e.key, activeIndex, count, rowsPerPage(el?.clientHeight ?? viewport, rowHeight));
    if (next === null) return;
    e.preventDefault();
    onActiveIndexChange(next);
    reveal(next);
    focusWanted.current = next;
  };

  const activeRendered = activeIndex >= range.start && activeIndex < range.end;
  const rows: ReactNode[] = [];
  for (let i = range.start; i < range.end; i++) {
    rows.push(renderRow(items[i]!, i, i * rowHeight, i === activeIndex));
  }

  return (
    <div
      ref={scroller}
      className={`vlist ${className ?? ''}`}
      role="listbox"
      aria-label={ariaLabel}
      tabIndex={activeRendered ? -1 : 0}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      <div className="vlist-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
