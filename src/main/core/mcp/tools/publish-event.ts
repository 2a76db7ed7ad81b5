// publish_event: an assistant puts its own event on a channel. It is stored like a webhook
// (source "mcp", the channel as subject), durably, and wakes waiters and subscribers.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool } from '../define-tool';
import type { McpDeps } from '../deps';
import { searchText } from '../../webhooks/search-text';
import { oneLine } from '../../webhooks/util';
import type { IngestItem } from '../../store/event-store';

const channelInput = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$/, 'a channel name: letters, digits and _ . : / -, up to 100 characters');

export function publishedItem(channel: string, data: Record<string, unknown>, now = Date.now()): IngestItem {
  const pick = (k: string) => (typeof data[k] === 'string' && data[k] ? (data[k] as string) : null);
  const type = pick('type') ?? pick('event') ?? 'message';
  const text = pick('summary') ?? pick('message') ?? pick('text') ?? pick('title');
  const summary = oneLine(text ? `${channel}: ${text}` : `${type} published to ${channel}`);
  const body = Buffer.from(JSON.stringify({ channel, timestamp: new Date(now).toISOString(), ...data }));
  const fields: Record<string, unknown> = { channel };
  for (const [k, v] of Object.entries(data).slice(0, 30)) {
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 200)) fields[k] = v;
  }
  return {
    source: 'mcp',
    provider: 'mcp',
    verified: true, // it came from an authenticated local client, not the open internet
    contentType: 'application/json',
    headers: { 'content-type': 'application/json' },
    body,
    event: { type, subject: channel, summary, occurredAt: now, deliveryId: pick('id') ?? `mcp:${crypto.randomUUID()}`, fields },
    searchText: searchText(summary, channel, type, data),
    receivedAt: now,
  };
}

export function registerPublishEventTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'publish_event',
    title: 'Publish an event',
    description:
      'Store an event of your own on a channel (source "mcp", subject = channel), e.g. to hand work to another assistant session. It wakes wait_for_event and matching subscriptions. Give data.id to make a retry idempotent.',
    input: { channel: channelInput, event_data: z.record(z.string(), z.unknown()) },
    output: { status: z.enum(['published', 'duplicate']), channel: z.string(), id: z.number() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: async ({ channel, event_data }) => {
      const size = JSON.stringify(event_data).length;
      if (size > 256 * 1024) throw new Error(`event_data is ${size} bytes; publish at most 256 KiB`);
      const result = await deps.ingest(publishedItem(channel, event_data));
      const status = result.duplicate ? ('duplicate' as const) : ('published' as const);
      return { structured: { status, channel, id: result.id }, text: `${status === 'published' ? 'Published' : 'Already published'} on ${channel} as event ${result.id}.` };
    },
  });
}
