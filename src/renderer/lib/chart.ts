// The events-per-hour chart as numbers: stacked bars per hour, one segment per source, and
// a rounded scale. The SVG component only draws what this computes.
import type { HourlyInfo } from '../../shared/api';

export interface Segment {
  source: string;
  count: number;
  /** Bottom and top of the segment in event counts (stacked). */
  y0: number;
  y1: number;
}

export interface Bar {
  hour: string;
  total: number;
  segments: Segment[];
}

export interface Stacked {
  bars: Bar[];
  /** Sources that have at least one event in the window, busiest first. */
  sources: string[];
  max: number;
  total: number;
}

export function stackHourly(info: HourlyInfo): Stacked {
  const totals = new Map<string, number>();
  for (const s of info.series) totals.set(s.source, (totals.get(s.source) ?? 0) + s.counts.reduce((a, b) => a + b, 0));
  const sources = [...totals.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([s]) => s);
  const bySource = new Map(info.series.map((s) => [s.source, s.counts]));
  let max = 0;
  let total = 0;
  const bars = info.hours.map((hour, i) => {
    let y = 0;
    const segments: Segment[] = [];
    for (const source of sources) {
      const count = bySource.get(source)?.[i] ?? 0;
      if (count <= 0) continue;
      segments.push({ source, count, y0: y, y1: y + count });
      y += count;
    }
    max = Math.max(max, y);
    total += y;
    return { hour, total: y, segments };
  });
  return { bars, sources, max, total };
}

/** A round number at or above `n` for the top of the scale: 1, 2, 5, 10, 20, 50, … */
export function niceCeiling(n: number): number {
  if (!Number.isFinite(n) || n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= n) return step * magnitude;
  }
  return 10 * magnitude;
}

const PALETTE_SIZE = 8;
const FIXED: Record<string, number> = { github: 0, stripe: 1, vercel: 2, slack: 3 };

/** A stable palette slot for a source, so each keeps its color across refreshes. */
export function colorIndex(source: string): number {
  const fixed = FIXED[source];
  if (fixed !== undefined) return fixed;
  let h = 0;
  for (let i = 0; i < source.length; i++) h = (h * 31 + source.charCodeAt(i)) >>> 0;
  return 4 + (h % (PALETTE_SIZE - 4));
}
