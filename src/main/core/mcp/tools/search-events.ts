// search_events: full-text search over summaries and payload text.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventListText, unverifiedWarning } from '../present';
import { eventList, limitInput } from '../schemas';

export function registerSearchEventsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'search_events',
    title: 'Search events',
    description: 'Full-text search over event summaries and the words in their payloads (titles, commit messages, names). Every word must match; best matches first.',
    input: { query: z.string().min(1).max(500), limit: limitInput(200, 20) },
    output: eventList,
    annotations: READ_ONLY,
    run: ({ query, limit }) => {
      const events = deps.store.search(query, limit);
      return { structured: { events, warning: unverifiedWarning(events) }, text: eventListText('Search results', events) };
    },
  });
}
