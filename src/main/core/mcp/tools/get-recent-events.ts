// get_recent_events: the newest events, optionally by source and type.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventListText, unverifiedWarning } from '../present';
import { eventList, limitInput, sourceInput } from '../schemas';

export function registerGetRecentEventsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_recent_events',
    title: 'Recent events',
    description: 'The newest webhook events, newest first. Filter by source (github, stripe, vercel, slack, ...) and type (e.g. push, or pull_request for every pull_request.* event).',
    input: {
      limit: limitInput(200, 10),
      source: sourceInput.optional(),
      type: z.string().max(200).optional().describe('an event type, or a prefix before a dot'),
    },
    output: eventList,
    annotations: READ_ONLY,
    run: ({ limit, source, type }) => {
      const events = deps.store.list({ source, typePrefix: type, limit });
      return { structured: { events, warning: unverifiedWarning(events) }, text: eventListText('Recent events', events) };
    },
  });
}
