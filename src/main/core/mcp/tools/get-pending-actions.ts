// get_pending_actions: the Stripe follow-up queue (welcome emails, dunning, churn surveys).
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { actionSchema, actionsText } from './action-schema';
import { derivedWarning, withWarning } from '../unverified';

export function registerGetPendingActionsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_pending_actions',
    title: 'Pending actions',
    description:
      'Follow-up work created from Stripe events: send_welcome_email (checkout.session.completed), send_payment_failed_email (invoice.payment_failed), send_churn_survey (customer.subscription.deleted). Pending by default; status all includes completed and dismissed. Finish one with mark_action_complete.',
    input: { status: z.enum(['pending', 'completed', 'dismissed', 'all']).default('pending'), limit: z.number().int().min(1).max(500).default(50) },
    output: { actions: z.array(actionSchema), warning: z.string().nullable().describe('set when some actions came from unsigned Stripe events') },
    annotations: READ_ONLY,
    run: ({ status, limit }) => {
      const actions = deps.queries.actions(status, limit);
      const text = actions.length
        ? actionsText(`${actions.length} ${status === 'all' ? '' : `${status} `}action(s):`, actions)
        : status === 'pending'
          ? 'No pending actions. They appear when Stripe sends checkout.session.completed, invoice.payment_failed or customer.subscription.deleted.'
          : `No ${status} actions.`;
      const warning = derivedWarning(actions, 'action(s)');
      return { structured: { actions, warning }, text: withWarning(warning, text) };
    },
  });
}
