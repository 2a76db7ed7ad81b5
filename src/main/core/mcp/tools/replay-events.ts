// replay_events: page through history from a time or cursor, returning the next cursor.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY, ToolError } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventListText, unverifiedWarning } from '../present';
import { cursorInput, eventList, limitInput, parseTime, sourceInput } from '../schemas';

export function registerReplayEventsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'replay_events',
    title: 'Replay events',
    description: 'Replay stored events in the order they arrived, from a time or after a cursor, optionally by source and type. Returns next_cursor; call again with after_cursor=next_cursor until more is false to catch up on everything missed.',
    input: {
      from_timestamp: z.string().optional().describe('ISO 8601'),
      after_cursor: cursorInput.optional(),
      source: sourceInput.optional(),
      type: z.string().max(200).optional(),
      limit: limitInput(500, 50),
    },
    output: { ...eventList, next_cursor: z.number().int().nullable(), more: z.boolean() },
    annotations: READ_ONLY,
    run: ({ from_timestamp, after_cursor, source, type, limit }) => {
      if (from_timestamp === undefined && after_cursor === undefined) {
        throw new ToolError('give from_timestamp (ISO 8601) or after_cursor (an event id; 0 replays from the start)');
      }
      const since = from_timestamp !== undefined ? parseTime(from_timestamp, 'from_timestamp') : undefined;
      const rows = deps.store.list({ source, typePrefix: type, afterId: after_cursor ?? 0, since, order: 'asc', limit: limit + 1 });
      const more = rows.length > limit;
      const events = rows.slice(0, limit);
      const next = events[events.length - 1]?.id ?? after_cursor ?? null;
      return {
        structured: { events, warning: unverifiedWarning(events), next_cursor: next, more },
        text: eventListText('Replay', events, `next_cursor: ${next}; more: ${more}`),
      };
    },
  });
}
