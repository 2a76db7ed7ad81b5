// health_check: is Tidings working, and how much does it hold.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';

export function registerHealthCheckTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'health_check',
    title: 'Health check',
    description: 'Uptime, event counts, database size, MCP sessions, subscriptions, version, and any storage problem (disk full, database locked) that stops webhooks from being stored.',
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
      };
      const text = `Tidings ${h.version}: ${h.status}${problem ? ` (${problem})` : ''}. Up ${h.uptime_s} s; ${h.events} events (last id ${h.last_event_id}); database ${(h.db_bytes / 1048576).toFixed(1)} MiB; ${structured.sessions} MCP session(s); ${structured.subscriptions} subscription(s).`;
      return { structured, text };
    },
  });
}
