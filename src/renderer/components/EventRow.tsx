// One row of the live event list. Memoized on plain props (numbers, strings, the record
// itself), so a burst of new events re-renders only the rows whose position changed.
import { memo } from 'react';
import type { EventRecord } from '../../shared/events';
import { formatTime } from '../lib/format';
import { colorIndex } from '../lib/chart';

export interface EventRowProps {
  event: EventRecord;
  index: number;
  top: number;
  height: number;
  count: number;
  tabbable: boolean;
  selected: boolean;
  /** Start of today (ms), so times show without a date; changes once a day. */
  dayStart: number;
  onPick(index: number): void;
  onFocusRow(index: number): void;
}

export const EventRow = memo(function EventRow({ event, index, top, height, count, tabbable, selected, dayStart, onPick, onFocusRow }: EventRowProps) {
  return (
    <div
      role="option"
      aria-selected={selected}
      aria-setsize={count}
      aria-posinset={index + 1}
      tabIndex={tabbable ? 0 : -1}
      data-index={index}
      data-testid="event-row"
      data-event-id={event.id}
      className={`event-row${selected ? ' selected' : ''}${event.verified ? '' : ' unverified'}`}
      style={{ top, height }}
      onClick={() => onPick(index)}
      onFocus={() => onFocusRow(index)}
    >
      <time className="col-time" dateTime={event.received_at}>
        {formatTime(event.received_at, dayStart)}
      </time>
      <span className="col-source">
        <span className={`source-chip c${colorIndex(event.source)}`}>{event.source}</span>
      </span>
      <span className="col-type" title={event.type}>
        {event.type}
      </span>
      <span className="col-subject" title={event.subject ?? undefined}>
        {event.subject ?? ''}
      </span>
      <span className="col-summary">{event.summary}</span>
      {event.verified ? null : (
        <span className="flag-unverified" title="Unverified: this source has no secret; anyone who knows the URL could have sent it">
          unverified
        </span>
      )}
    </div>
  );
});
