// get_recent_stripe_events: the newest Stripe events.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventListText, unverifiedWarning } from '../present';
import { eventList } from '../schemas';

export function registerGetRecentStripeEventsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_recent_stripe_events',
    title: 'Recent Stripe events',
    description: 'The newest events from Stripe, with customer, amount and status extracted.',
    input: { limit: z.number().int().min(1).max(200).default(20) },
    output: eventList,
    annotations: READ_ONLY,
    run: ({ limit }) => {
      const events = deps.store.list({ source: 'stripe', limit });
      return { structured: { events, warning: unverifiedWarning(events) }, text: eventListText('Recent Stripe events', events) };
    },
  });
}
