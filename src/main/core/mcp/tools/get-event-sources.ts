// get_event_sources: every source with counts and when it was last heard from.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { sourceStatsSchema } from '../../../../shared/events';

export function registerGetEventSourcesTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_event_sources',
    title: 'Event sources',
    description: 'Every source that has sent events, with counts (and how many are unverified) and first and last times seen.',
    input: {},
    output: { sources: z.array(sourceStatsSchema) },
    annotations: READ_ONLY,
    run: () => {
      const sources = deps.store.sources();
      const text = sources.length
        ? sources.map((s) => `${s.source}: ${s.count} event(s)${s.unverified ? `, ${s.unverified} unverified` : ''}, last ${s.last_seen}`).join('\n')
        : 'No events yet. Point a provider at the webhook URL that `tidings serve` prints.';
      return { structured: { sources }, text };
    },
  });
}
