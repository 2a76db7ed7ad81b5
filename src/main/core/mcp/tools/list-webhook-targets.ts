// list_webhook_targets: where push_webhook and forwarding deliver, and how delivery is going.
// Read-only, and without signing secrets; URLs are shown with likely credentials masked.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { maskTargetUrl, TARGET_MODES } from '../../../../shared/outbound';
import { shown } from '../present';

const targetOut = z.object({
  name: z.string(),
  url: z.string(),
  mode: z.enum(TARGET_MODES),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  sources: z.array(z.string()),
  types: z.array(z.string()),
  pending: z.number().int(),
  dead: z.number().int(),
  delivered: z.number().int(),
  last_status: z.number().int().nullable(),
  last_attempt_at: z.string().nullable(),
});

export function registerListWebhookTargetsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'list_webhook_targets',
    title: 'List webhook targets',
    description:
      'The outbound targets the person registered: push targets receive push_webhook messages; forward targets receive copies of matching incoming webhooks. Shows whether each is enabled and its queue (pending, dead-lettered, delivered).',
    input: {},
    output: { targets: z.array(targetOut), total: z.number().int() },
    annotations: READ_ONLY,
    run: () => {
      const targets = deps.outbound.targets().map((t) => ({
        name: t.name,
        url: maskTargetUrl(t.url),
        mode: t.mode,
        enabled: t.enabled,
        disabled_reason: t.disabled_reason,
        sources: t.sources,
        types: t.types,
        pending: t.pending,
        dead: t.dead,
        delivered: t.delivered,
        last_status: t.last_status,
        last_attempt_at: t.last_attempt_at,
      }));
      const text =
        targets.length === 0
          ? 'No webhook targets are registered. The person adds them in Tidings (Outbound) or with `tidings targets add`.'
          : targets
              .map(
                (t) =>
                  // Names, URLs and reasons are the person's and Tidings' own, not a sender's;
                  // flattened all the same, so that each target stays one line.
                  `${shown(t.name)} (${t.mode}, ${t.enabled ? 'enabled' : `disabled${t.disabled_reason ? `: ${shown(t.disabled_reason)}` : ''}`}) ${shown(t.url)}: ${t.pending} pending, ${t.dead} dead, ${t.delivered} delivered`,
              )
              .join('\n');
      return { structured: { targets, total: targets.length }, text };
    },
  });
}
