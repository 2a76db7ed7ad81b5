// Events per hour for the last day, stacked by source, drawn as plain SVG.
import { memo, useMemo } from 'react';
import type { HourlyInfo } from '../../shared/api';
import { colorIndex, niceCeiling, stackHourly } from '../lib/chart';
import { formatCount } from '../lib/format';

const BAR_W = 10;
const GAP = 2;
const HEIGHT = 64;

function hourLabel(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${String(d.getHours()).padStart(2, '0')}:00`;
}

export const HourlyChart = memo(function HourlyChart({ data }: { data: HourlyInfo }) {
  const stacked = useMemo(() => stackHourly(data), [data]);
  const top = niceCeiling(stacked.max);
  const width = Math.max(1, stacked.bars.length * (BAR_W + GAP));
  const totals = new Map<string, number>();
  for (const bar of stacked.bars) for (const s of bar.segments) totals.set(s.source, (totals.get(s.source) ?? 0) + s.count);
  const hours = stacked.bars.length;
  const description =
    stacked.total === 0
      ? `No events in the last ${hours} hours`
      : `${formatCount(stacked.total)} events in the last ${hours} hours: ${stacked.sources.map((s) => `${s} ${formatCount(totals.get(s) ?? 0)}`).join(', ')}`;

  return (
    <figure className="hourly-chart">
      {stacked.total === 0 ? null : (
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={description}>
        <line x1={0} x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="axis" />
        {stacked.bars.map((bar, i) => {
          const x = i * (BAR_W + GAP);
          const title = `${hourLabel(bar.hour)}: ${bar.total === 0 ? 'no events' : bar.segments.map((s) => `${s.source} ${s.count}`).join(', ')}`;
          return (
            <g key={bar.hour}>
              <title>{title}</title>
              {/* A full-height transparent rect so the whole column shows the tooltip. */}
              <rect x={x} y={0} width={BAR_W} height={HEIGHT} className="hit" />
              {bar.segments.map((s) => {
                const y1 = HEIGHT - (s.y1 / top) * HEIGHT;
                const h = ((s.y1 - s.y0) / top) * HEIGHT;
                return <rect key={s.source} x={x} y={y1} width={BAR_W} height={Math.max(h, 0.5)} className={`fill c${colorIndex(s.source)}`} />;
              })}
            </g>
          );
        })}
      </svg>
      )}
      <figcaption>
        <span className="chart-scale">per hour · max {formatCount(stacked.max)}</span>
        {stacked.sources.length === 0 ? (
          <span className="muted">No events in the last {hours} hours</span>
        ) : (
          <ul className="legend">
            {stacked.sources.map((s) => (
              <li key={s}>
                <span className={`swatch c${colorIndex(s)}`} aria-hidden="true" />
                {s} {formatCount(totals.get(s) ?? 0)}
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
});
