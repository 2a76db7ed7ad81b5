// get_events_since: everything after a time or a cursor, oldest first.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY, ToolError } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventListText, unverifiedWarning } from '../present';
import { cursorInput, eventList, limitInput, parseTime, sourceInput } from '../schemas';

export function registerGetEventsSinceTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_events_since',
    title: 'Events since',
    description: 'Events received after a time (ISO 8601) or after a cursor (an event id), oldest first. Pass next_cursor back as cursor to continue.',
    input: {
      timestamp: z.string().optional().describe('ISO 8601, e.g. 2026-05-01T12:00:00Z'),
      cursor: cursorInput.optional(),
      source: sourceInput.optional(),
      limit: limitInput(500, 100),
    },
    output: { ...eventList, next_cursor: z.number().int().nullable(), more: z.boolean() },
    annotations: READ_ONLY,
    run: ({ timestamp, cursor, source, limit }) => {
      if (timestamp === undefined && cursor === undefined) throw new ToolError('give either timestamp (ISO 8601) or cursor (an event id)');
      const since = timestamp !== undefined ? parseTime(timestamp, 'timestamp') : undefined;
      const rows = deps.store.list({ source, afterId: cursor ?? 0, since, order: 'asc', limit: limit + 1 });
      const more = rows.length > limit;
      const events = rows.slice(0, limit);
      const next = events[events.length - 1]?.id ?? cursor ?? null;
      return {
        structured: { events, warning: unverifiedWarning(events), next_cursor: next, more },
        text: eventListText('Events since', events, `next_cursor: ${next}${more ? ' (more events follow: call again with it)' : ''}`),
      };
    },
  });
}
