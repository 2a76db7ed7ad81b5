// get_channel_stats: event counts per published channel and per source.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE, dataBlock, shown } from '../present';

const row = z.object({ count: z.number(), last_at: z.string().nullable() });

export function registerGetChannelStatsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_channel_stats',
    title: 'Channel statistics',
    description: 'How many events each publish_event channel and each webhook source holds, and when each last saw one.',
    input: {},
    output: { channels: z.array(row.extend({ channel: z.string().nullable() })), sources: z.array(row.extend({ source: z.string() })) },
    annotations: READ_ONLY,
    run: () => {
      const s = deps.queries.channelStats();
      // Channel and source names are chosen by whoever sends or publishes: outside text.
      const lines = [
        ...s.channels.map((c) => `channel ${shown(c.channel) || '(none)'}: ${c.count}, last ${c.last_at}`),
        ...s.sources.map((c) => `source ${shown(c.source)}: ${c.count}, last ${c.last_at}`),
      ];
      const head = `${s.channels.length} channel(s), ${s.sources.length} source(s).`;
      return { structured: s, text: lines.length ? `${head}\n${DATA_NOTICE}\n${dataBlock('channel-stats', lines)}` : 'No events yet.' };
    },
  });
}
