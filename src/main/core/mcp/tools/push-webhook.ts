// push_webhook: an assistant pushes a message to every webhook target a person registered.
// The message is queued durably for each target and delivered with retries; the answer says
// how many targets it was queued for. The assistant cannot add targets.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool } from '../define-tool';
import type { McpDeps } from '../deps';

export function registerPushWebhookTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'push_webhook',
    title: 'Push a message to webhooks',
    description:
      'Send a text message to every enabled push target the person registered in Tidings, as a signed HTTP POST with body {"id","message","timestamp"}. Delivery is queued durably and retried; see list_webhook_targets for the targets and their state. You cannot add targets; the person does that in Tidings.',
    input: { message: z.string().min(1).max(64 * 1024).describe('the text to deliver') },
    output: {
      status: z.literal('queued'),
      id: z.string().describe('the message id, sent as the webhook-id header'),
      message: z.string(),
      timestamp: z.string(),
      webhooks_notified: z.number().int().describe('targets the message was queued for'),
      total_webhooks: z.number().int().describe('push targets registered, enabled or not'),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    run: async ({ message }) => {
      const r = await deps.outbound.push(message);
      const structured = { status: 'queued' as const, id: r.id, message: r.message, timestamp: r.timestamp, webhooks_notified: r.webhooks_notified, total_webhooks: r.total_webhooks };
      if (r.total_webhooks === 0) {
        return { structured, text: 'No push targets are registered, so the message went nowhere. Ask the person to add one in Tidings (Outbound) or with `tidings targets add`.' };
      }
      const skipped = r.total_webhooks - r.webhooks_notified;
      return {
        structured,
        text: `Queued message ${r.id} for ${r.webhooks_notified} of ${r.total_webhooks} push target(s)${skipped ? ` (${skipped} disabled)` : ''}. Delivery is retried until each target accepts it.`,
      };
    },
  });
}
