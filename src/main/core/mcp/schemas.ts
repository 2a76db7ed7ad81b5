// Input and output pieces that several tools share.
import { z } from 'zod';
import { eventRecordSchema, SOURCE_PATTERN } from '../../../shared/events';

export const sourceInput = z.string().regex(SOURCE_PATTERN, 'a source name such as github, stripe or my-app');
export const limitInput = (max: number, def: number) => z.number().int().min(1).max(max).default(def);
export const hoursInput = z.number().positive().max(24 * 366).default(24).describe('look back this many hours');
export const cursorInput = z.number().int().min(0).describe('an event id: only events after it');

export const eventList = {
  events: z.array(eventRecordSchema),
  warning: z.string().nullable().describe('set when some events are unverified'),
};

export const anyRecord = z.record(z.string(), z.unknown());

/** Parse an ISO 8601 time given by a model, with an error it can act on. */
export function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`${name} must be an ISO 8601 time such as 2026-05-01T12:00:00Z; got ${JSON.stringify(value)}`);
  return ms;
}
