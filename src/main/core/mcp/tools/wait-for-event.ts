// wait_for_event: a long poll that wakes the moment a matching event is committed (no
// polling loop: it listens on the event bus). Pass the returned cursor back as
// after_cursor and no event can slip by between calls.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import type { EventRecord } from '../../../../shared/events';
import { eventRecordSchema } from '../../../../shared/events';
import { defineTool } from '../define-tool';
import type { Extra } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventDetailText, unshowableEventText } from '../present';
import { cursorInput, sourceInput } from '../schemas';
import { typeMatches } from '../subscriptions';

// Often enough that clients which reset their request timeout on progress never give up.
const PROGRESS_EVERY_MS = 2_000;

type Outcome = { kind: 'event'; event: EventRecord } | { kind: 'timeout' } | { kind: 'cancelled' };

export function waitForMatch(
  deps: Pick<McpDeps, 'bus' | 'store'>,
  filter: { source?: string | undefined; type?: string | undefined; afterId: number },
  timeoutMs: number,
  signal: AbortSignal,
  onTick?: (elapsedMs: number) => void,
): Promise<Outcome> {
  const matches = (e: EventRecord) =>
    e.id > filter.afterId && (!filter.source || e.source === filter.source) && (!filter.type || typeMatches(e.type, filter.type));
  return new Promise((resolve) => {
    let done = false;
    const started = Date.now();
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearTimeout(timer);
      clearInterval(ticker);
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    // Listen first, then look at the store: an event committed in between is seen by one
    // or both, never by neither.
    const unsubscribe = deps.bus.subscribe((e) => {
      if (matches(e)) finish({ kind: 'event', event: e });
    });
    const onAbort = () => finish({ kind: 'cancelled' });
    signal.addEventListener('abort', onAbort);
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    const ticker = setInterval(() => onTick?.(Date.now() - started), PROGRESS_EVERY_MS);
    if (signal.aborted) return finish({ kind: 'cancelled' });
    const [stored] = deps.store.list({ source: filter.source, typePrefix: filter.type, afterId: filter.afterId, order: 'asc', limit: 1 });
    if (stored) finish({ kind: 'event', event: stored });
  });
}

export function registerWaitForEventTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'wait_for_event',
    title: 'Wait for the next event',
    description:
      'Wait until a matching event arrives (or timeout_seconds pass) and return it with a cursor. Pass the returned cursor as after_cursor on the next call to get every event exactly once, even ones that arrived between calls. Without after_cursor, waits for events newer than the newest stored now.',
    input: {
      source: z.string().max(64).optional(),
      type: z.string().max(200).optional().describe('an event type, or a prefix before a dot'),
      after_cursor: cursorInput.optional(),
      timeout_seconds: z.number().int().min(1).max(300).default(30),
    },
    output: {
      event: eventRecordSchema.nullable(),
      timed_out: z.boolean(),
      cursor: z.number().int().describe('pass back as after_cursor'),
      payload: z.unknown(),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: async ({ source, type, after_cursor, timeout_seconds }, extra: Extra) => {
      if (source !== undefined) sourceInput.parse(source);
      const afterId = after_cursor ?? deps.store.maxId();
      const progressToken = extra._meta?.progressToken;
      const onTick =
        progressToken === undefined
          ? undefined
          : (elapsed: number) => {
              void extra
                .sendNotification({
                  method: 'notifications/progress',
                  params: { progressToken, progress: Math.round(elapsed / 1000), total: timeout_seconds, message: 'waiting for an event' },
                })
                .catch(() => undefined);
            };
      const outcome = await waitForMatch(deps, { source, type, afterId }, timeout_seconds * 1000, extra.signal, onTick);
      if (outcome.kind !== 'event') {
        const why = outcome.kind === 'timeout' ? `No matching event in ${timeout_seconds} s.` : 'Cancelled.';
        return {
          structured: { event: null, timed_out: outcome.kind === 'timeout', cursor: afterId, payload: null },
          text: `${why} Call again with after_cursor=${afterId} to keep waiting without missing anything.`,
        };
      }
      // The cursor moves past this event whatever happens to its payload below: one event
      // that cannot be shown must not stop a follower for good.
      const next = `Next: call wait_for_event with after_cursor=${outcome.event.id}.`;
      try {
        const detail = deps.store.get(outcome.event.id);
        const text = detail ? eventDetailText(detail).text : unshowableEventText(outcome.event, 'it was pruned by retention a moment ago');
        return { structured: { event: outcome.event, timed_out: false, cursor: outcome.event.id, payload: detail?.payload ?? null }, text: `${text}\n${next}` };
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return { structured: { event: outcome.event, timed_out: false, cursor: outcome.event.id, payload: null }, text: `${unshowableEventText(outcome.event, reason)}\n${next}` };
      }
    },
  });
}
