// health_check: is Tidings working, and how much does it hold.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { publicUrlStatusSchema } from '../../tunnel/public-url';
import type { PublicUrlStatus } from '../../tunnel/public-url';

/** One plain sentence on whether providers on the internet can reach the inbox. */
export function publicUrlSentence(p: PublicUrlStatus, ingestUrl: string): string {
  if (p.mode === 'off') {
    return `No public URL: webhooks reach Tidings only at ${ingestUrl}, on this machine; providers on the internet cannot reach the inbox (turn one on with \`tidings tunnel ngrok\` or \`tidings tunnel url <URL>\`).`;
  }
  const via = p.mode === 'ngrok' ? 'ngrok' : 'your own URL';
  if (p.state === 'starting') return `The public URL (${via}) is starting${p.error ? `: ${p.error}` : ''}; until it is online the inbox cannot be reached from outside.`;
  if (p.state === 'error') return `The public URL (${via}${p.url ? `, ${p.url}` : ''}) has a problem: ${p.error ?? 'unknown'}. The inbox cannot be reached from outside.`;
  if (p.reachable === false) return `The public URL ${p.url} (${via}) does not reach this core: ${p.error ?? 'unknown'}. The inbox cannot be reached from outside.`;
  if (p.reachable === null) return `The public URL ${p.url} (${via}) is online; it has not been checked yet.`;
  return `The public URL ${p.url} (${via}) reaches this core (checked ${p.checked_at}).`;
}

export function registerHealthCheckTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'health_check',
    title: 'Health check',
    description:
      'Uptime, event counts, database size, MCP sessions, subscriptions, version, any storage problem (disk full, database locked) that stops webhooks from being stored, and the public URL: whether providers on the internet can reach the inbox.',
    input: {},
    output: {
      status: z.enum(['ok', 'degraded']),
      version: z.string(),
      uptime_s: z.number(),
      events: z.number(),
      last_event_id: z.number(),
      db_bytes: z.number(),
      sessions: z.number(),
      subscriptions: z.number(),
      sources: z.number(),
      problem: z.string().nullable(),
      public_url: publicUrlStatusSchema,
    },
    annotations: READ_ONLY,
    run: () => {
      const h = deps.health();
      const problem = h.store_problem ? `${h.store_problem.message} since ${h.store_problem.since}: senders are told to retry` : h.store_warning;
      const structured = {
        status: h.status,
        version: h.version,
        uptime_s: h.uptime_s,
        events: h.events,
        last_event_id: h.last_event_id,
        db_bytes: h.db_bytes,
        sessions: deps.sessionCount(),
        subscriptions: deps.subscriptions.size(),
        sources: deps.store.sources().length,
        problem,
        public_url: h.public_url,
      };
      const text = `Tidings ${h.version}: ${h.status}${problem ? ` (${problem})` : ''}. Up ${h.uptime_s} s; ${h.events} events (last id ${h.last_event_id}); database ${(h.db_bytes / 1048576).toFixed(1)} MiB; ${structured.sessions} MCP session(s); ${structured.subscriptions} subscription(s). ${publicUrlSentence(h.public_url, h.ingest_url)}`;
      return { structured, text };
    },
  });
}
