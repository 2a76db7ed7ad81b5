// get_event_summary: Stripe events over the last hours, by type, with amounts.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { hoursInput } from '../schemas';
import { DATA_NOTICE, dataBlock, shown } from '../present';

export function registerGetEventSummaryTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_event_summary',
    title: 'Stripe summary',
    description: 'Stripe events over the last hours: counts by type, amounts by currency, and how many actions are pending.',
    input: { hours: hoursInput },
    output: {
      period_hours: z.number(),
      total_events: z.number(),
      by_type: z.record(z.string(), z.number()),
      pending_actions: z.number(),
      amounts: z.array(z.object({ currency: z.string().nullable(), type: z.string(), total: z.number() })),
    },
    annotations: READ_ONLY,
    run: ({ hours }) => {
      const s = deps.queries.stripeSummary(hours);
      // Event types and currencies are the sender's words: inside the block, not in our sentence.
      const types = Object.entries(s.by_type).map(([t, n]) => `${shown(t)}: ${n}`).join(', ');
      const money = s.amounts.map((a) => `${shown(a.type)} ${a.total.toFixed(2)} ${shown(a.currency, 10).toUpperCase()}`).join('; ');
      const head = `Stripe, last ${hours} h: ${s.total_events} event(s), ${s.pending_actions} pending action(s).`;
      if (!types) return { structured: s, text: head };
      return {
        structured: s,
        text: `${head}\n${DATA_NOTICE}\n${dataBlock('stripe-summary', [`by type: ${types}`, ...(money ? [`amounts: ${money}`] : [])])}`,
      };
    },
  });
}
