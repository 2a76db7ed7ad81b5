// get_event_summary: Stripe events over the last hours, by type, with amounts.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { hoursInput } from '../schemas';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { countWarning, withWarning } from '../unverified';

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
      amounts: z.array(
        z.object({ currency: z.string().nullable(), type: z.string(), total: z.number(), unverified: z.number().describe('the part of total from unsigned events') }),
      ),
      unverified_events: z.number(),
      unverified_pending_actions: z.number(),
      warning: z.string().nullable().describe('set when some events or pending actions came unsigned'),
    },
    annotations: READ_ONLY,
    run: ({ hours }) => {
      const s = deps.queries.stripeSummary(hours);
      // Event types and currencies are the sender's words: inside the block, not in our sentence.
      const types = Object.entries(s.by_type).map(([t, n]) => `${shown(t)}: ${n}`).join(', ');
      // One line per amount; the numbers and the UNVERIFIED part come before the sender's type.
      const money = s.amounts.map(
        (a) => `amount: ${a.total.toFixed(2)} ${shown(a.currency, 10).toUpperCase()}${a.unverified ? ` (${a.unverified.toFixed(2)} UNVERIFIED)` : ''} for ${shown(a.type)}`,
      );
      const warning = countWarning(s.unverified_events + s.unverified_pending_actions, 'of these events and pending actions');
      const unsigned = s.unverified_events ? `, ${s.unverified_events} of them UNVERIFIED` : '';
      const pending = `${s.pending_actions} pending action(s)${s.unverified_pending_actions ? `, ${s.unverified_pending_actions} UNVERIFIED` : ''}`;
      const head = `Stripe, last ${hours} h: ${s.total_events} event(s)${unsigned}; ${pending}.`;
      if (!types) return { structured: { ...s, warning }, text: withWarning(warning, head) };
      return {
        structured: { ...s, warning },
        text: withWarning(warning, `${head}\n${DATA_NOTICE}\n${dataBlock('stripe-summary', [`by type: ${types}`, ...money])}`),
      };
    },
  });
}
