// get_event_summary: Stripe events over the last hours, by type, with amounts.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { hoursInput } from '../schemas';

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
      const types = Object.entries(s.by_type).map(([t, n]) => `${t}: ${n}`).join(', ') || 'none';
      const money = s.amounts.map((a) => `${a.type} ${a.total.toFixed(2)} ${(a.currency ?? '').toUpperCase()}`).join('; ');
      return {
        structured: s,
        text: `Stripe, last ${hours} h: ${s.total_events} event(s) (${types}). ${money ? `Amounts: ${money}. ` : ''}${s.pending_actions} pending action(s).`,
      };
    },
  });
}
