// get_event_sources: every source with counts and when it was last heard from.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { sourceStatsSchema } from '../../../../shared/events';

export function registerGetEventSourcesTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_event_sources',
    title: 'Event sources',
    description:
      'Every source that has sent events, with counts (and how many are unverified), first and last times seen, and the webhook URL a provider sends to (the public URL when there is one).',
    input: {},
    output: { sources: z.array(sourceStatsSchema.extend({ webhook_url: z.string() })), public_url: z.string().nullable() },
    annotations: READ_ONLY,
    run: () => {
      const sources = deps.store.sources().map((s) => ({ ...s, webhook_url: deps.webhookUrl(s.source) }));
      const publicUrl = deps.health().public_url.url;
      const text = sources.length
        ? sources.map((s) => `${s.source}: ${s.count} event(s)${s.unverified ? `, ${s.unverified} unverified` : ''}, last ${s.last_seen}; webhooks to ${s.webhook_url}`).join('\n')
        : `No events yet. Point a provider at ${deps.webhookUrl('<source>')} (e.g. ${deps.webhookUrl('github')}).`;
      return { structured: { sources, public_url: publicUrl }, text };
    },
  });
}
