// get_event_sources: the sources heard from most recently, with counts and when each was
// first and last seen. Capped: source names come from URLs anyone can post to, so the list
// says how many it left out rather than growing without end.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { sourceStatsSchema } from '../../../../shared/events';

export const MAX_SOURCES_LISTED = 50;

export function registerGetEventSourcesTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_event_sources',
    title: 'Event sources',
    description: `The sources that have sent events, most recently heard from first (at most ${MAX_SOURCES_LISTED}), with counts (and how many are unverified), first and last times seen, and the webhook URL a provider sends to (the public URL when there is one).`,
    input: {},
    output: {
      sources: z.array(sourceStatsSchema.extend({ webhook_url: z.string() })),
      total: z.number().describe('how many sources have stored events'),
      omitted: z.number().describe('sources left out of the list (the least recently heard from)'),
      public_url: z.string().nullable(),
    },
    annotations: READ_ONLY,
    run: () => {
      const sources = deps.store.sources(MAX_SOURCES_LISTED).map((s) => ({ ...s, webhook_url: deps.webhookUrl(s.source) }));
      const total = Math.max(deps.store.sourceCount(), sources.length);
      const omitted = total - sources.length;
      const publicUrl = deps.health().public_url.url;
      const text = sources.length
        ? // A source name is whatever path an unsigned sender chose: outside text, and so is the URL built from it.
          [
            `${sources.length} source(s)${omitted > 0 ? ` of ${total}` : ''}.`,
            DATA_NOTICE,
            dataBlock(
              'sources',
              sources.map(
                (s) =>
                  `${shown(s.source, 64)}: ${s.count} event(s)${s.unverified ? `, ${s.unverified} unverified` : ''}, last ${s.last_seen}; webhooks to ${shown(s.webhook_url, 400)}`,
              ),
            ),
            // Our own words, outside the block.
            ...(omitted > 0 ? [`… and ${omitted} more source(s) heard from less recently, not listed.`] : []),
          ].join('\n')
        : `No events yet. Point a provider at ${deps.webhookUrl('<source>')} (e.g. ${deps.webhookUrl('github')}).`;
      return { structured: { sources, total, omitted, public_url: publicUrl }, text };
    },
  });
}
