// subscribe_to_events / unsubscribe_from_events: stored interest in sources and types.
// Matching events are counted and pushed to this session as resource updates of the
// subscription's URI (read it, or call get_events_since with the cursor you hold).
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, ToolError } from '../define-tool';
import type { McpDeps } from '../deps';
import { subscriptionFiltersSchema, subscriptionSchema } from '../subscriptions';
import { sourceInput } from '../schemas';

export function registerSubscribeTools(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'subscribe_to_events',
    title: 'Subscribe to events',
    description:
      'Register interest in events from some sources (empty list: all), optionally filtered by types, subject or verified_only. The subscription is stored and counts its matches; this session gets notifications/resources/updated for its resource_uri whenever one arrives (subscribe to that URI to receive them). callback_description records what you mean to do with them.',
    input: {
      sources: z.array(sourceInput).max(50),
      filters: subscriptionFiltersSchema.optional(),
      callback_description: z.string().min(1).max(2000),
      target: z
        .string()
        .max(64)
        .optional()
        .describe('the name of an outbound target (see list_webhook_targets) that should also receive each match as a signed webhook'),
    },
    output: { subscription: subscriptionSchema, current_cursor: z.number().int(), instruction: z.string() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: async ({ sources, filters, callback_description, target }, extra) => {
      if (target !== undefined) {
        const known = deps.outbound.targets().find((t) => t.name === target);
        if (!known) {
          throw new ToolError(`there is no outbound target "${target}"; list_webhook_targets shows them, and only the person can add one (in Tidings, Outbound)`);
        }
        if (!known.enabled) throw new ToolError(`the outbound target "${target}" is disabled (${known.disabled_reason ?? 'by the person'}); ask the person to enable it first`);
      }
      const subscription = await deps.subscriptions.create(extra.sessionId ?? null, { sources, filters: filters ?? {}, callback_description, target: target ?? null });
      const cursor = deps.store.maxId();
      const delivery = target ? ` Matches are also delivered to the target "${target}" as signed webhooks.` : '';
      const instruction = `Subscription ${subscription.id} is active.${delivery} Read ${subscription.resource_uri} (or call wait_for_event with after_cursor=${cursor}) to receive matching events. Stated purpose: ${callback_description}`;
      return { structured: { subscription, current_cursor: cursor, instruction }, text: instruction };
    },
  });

  defineTool(server, {
    name: 'unsubscribe_from_events',
    title: 'Unsubscribe',
    description: 'End a subscription made with subscribe_to_events.',
    input: { subscription_id: z.number().int().positive() },
    output: { subscription: subscriptionSchema },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    run: async ({ subscription_id }) => {
      const subscription = await deps.subscriptions.remove(subscription_id);
      if (!subscription) throw new ToolError(`there is no active subscription ${subscription_id}`);
      return { structured: { subscription }, text: `Subscription ${subscription_id} ended after ${subscription.matched} matching event(s).` };
    },
  });
}
