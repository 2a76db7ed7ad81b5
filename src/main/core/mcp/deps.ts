// What the MCP server needs from the core. Passed in, so the server factory stays cheap
// and free of side effects (a new server per session).
import type { EventBus } from '../event-bus';
import type { Health } from '../health';
import type { EventStore, IngestItem, AppendResult } from '../store/event-store';
import type { createDomainQueries } from '../domain/queries';
import type { SubscriptionRegistry } from './subscriptions';
import type { Outbound } from '../outbound/service';

export interface McpDeps {
  store: EventStore;
  queries: ReturnType<typeof createDomainQueries>;
  bus: EventBus;
  health: () => Health;
  /** Where a provider sends a source's webhooks: the public URL when there is one. */
  webhookUrl: (source: string) => string;
  /** Commit an event through the same durable path as webhooks (publish_event). */
  ingest: (item: IngestItem) => Promise<AppendResult>;
  /** Writes that are not events: action transitions, subscriptions. */
  write: <T>(op: string, args: unknown) => Promise<T>;
  subscriptions: SubscriptionRegistry;
  /** Outbound targets and the delivery queue (push_webhook, list_webhook_targets). */
  outbound: Outbound;
  /** Tell sessions subscribed to this resource URI that it changed. */
  resourceChanged: (uri: string) => void;
  version: string;
  /** Live MCP sessions, for health_check. */
  sessionCount: () => number;
}
