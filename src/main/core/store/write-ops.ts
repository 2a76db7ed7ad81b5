// Every write the core makes, by name: the writer thread runs these and nothing else
// writes the database. New kinds of writes (actions, outbound deliveries) are added here.
import type Database from 'better-sqlite3';
import type { EventStore, IngestItem } from './event-store';
import type { Rejection } from '../../../shared/events';
import { createActionWrites } from './actions';
import type { ActionStatus } from '../domain/stripe-actions';
import { createSubscriptionWrites } from '../mcp/subscriptions';
import type { AttemptRecord, NewTarget, OutboundWrites } from '../outbound/writes';
import { createLinkWrites } from '../links/link-store';
import type { LinkStateChange, NewLink } from '../links/link-store';

/** Pragmas that tests and maintenance may set on the writer's connection. */
const ALLOWED_PRAGMAS = /^(max_page_count|wal_checkpoint|integrity_check|quick_check|page_count|freelist_count|page_size)\b/;

export function createWriteOps(db: Database.Database, store: EventStore, retention: { run(): Promise<number> }, outbound: OutboundWrites) {
  const actions = createActionWrites(db);
  const subscriptions = createSubscriptionWrites(db);
  const links = createLinkWrites(db);
  // A subscription may name a target, so changing one changes where events are delivered.
  const rerouting = <A, R>(fn: (a: A) => R) => (a: A): R => {
    outbound.invalidate();
    return fn(a);
  };
  const handlers: Record<string, (args: never) => unknown> = {
    'action.transition': (a: { id: number; to: ActionStatus; note: string | null; actor: string }) =>
      actions.transition(a.id, a.to, a.note, a.actor),
    'subscription.create': rerouting((a: Parameters<typeof subscriptions.create>[0]) => subscriptions.create(a)),
    'subscription.deactivate': rerouting((id: number) => subscriptions.deactivate(id)),
    'target.create': (a: NewTarget) => outbound.createTarget(a),
    'target.update': (a: Parameters<OutboundWrites['updateTarget']>[0]) => outbound.updateTarget(a),
    'target.remove': (id: number) => outbound.removeTarget(id),
    'outbound.push': (a: { message: string; now: number }) => outbound.push(a),
    'outbound.record': (rows: AttemptRecord[]) => outbound.record(rows),
    'outbound.retry': (a: Parameters<OutboundWrites['retry']>[0]) => outbound.retry(a),
    'outbound.prune': (a: { before: number; limit: number }) => outbound.prune(a),
    'link.save': (a: NewLink) => links.save(a),
    'link.state': (a: LinkStateChange) => links.state(a),
    'link.remove': (id: number) => links.remove(id),
    'subscription.saveCounts': (rows: Array<[number, number, number | null]>) => subscriptions.saveCounts(rows),
    // Only ids go back: the main thread still holds the items and builds the records itself,
    // which saves cloning every event's fields across threads a second time.
    append: (items: IngestItem[]) =>
      // Buffers arrive as Uint8Arrays after structured cloning.
      store
        .append(items.map((i) => ({ ...i, body: Buffer.from(i.body.buffer, i.body.byteOffset, i.body.byteLength) })))
        .map((r) => ({ id: r.id, duplicate: r.duplicate })),
    recordRejection: (r: Omit<Rejection, 'id' | 'at'> & { at: number }) => store.recordRejection(r),
    retention: () => retention.run(),
    pragma: (statement: string) => {
      if (!ALLOWED_PRAGMAS.test(statement)) throw new Error(`store: pragma "${statement}" is not allowed`);
      return db.pragma(statement);
    },
  };
  return {
    run(op: string, args: unknown): unknown {
      const handler = handlers[op];
      if (!handler) throw new Error(`store: unknown write operation "${op}"`);
      return handler(args as never);
    },
  };
}
