// Subscriptions made with subscribe_to_events: stored (so they outlive a restart), matched
// against every committed event in memory, counted, and pushed to the session that made
// them. Counts are written back in batches, not once per event.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { EventRecord } from '../../../shared/events';

export const subscriptionFiltersSchema = z
  .object({
    types: z.array(z.string().min(1).max(200)).max(50).optional().describe('event types; a type also matches its sub-types (pull_request matches pull_request.opened)'),
    subject: z.string().max(300).optional().describe('only events about this repo, customer or project'),
    verified_only: z.boolean().optional().describe('ignore events from sources without a signing secret'),
  })
  .strict();
export type SubscriptionFilters = z.infer<typeof subscriptionFiltersSchema>;

export const subscriptionSchema = z.object({
  id: z.number().int(),
  sources: z.array(z.string()),
  filters: subscriptionFiltersSchema,
  callback_description: z.string(),
  created_at: z.string(),
  matched: z.number().int(),
  last_event_id: z.number().int().nullable(),
  active: z.boolean(),
  resource_uri: z.string(),
  /** The outbound target that receives matches as signed webhooks, if any. */
  target: z.string().nullable(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

interface Live extends Subscription {
  sessionId: string | null;
}

export type SubscriptionNotifier = (sessionId: string, subscription: Subscription, event: EventRecord) => void;

export function typeMatches(type: string, wanted: string): boolean {
  return type === wanted || type.startsWith(`${wanted}.`);
}

export function subscriptionMatches(s: Pick<Subscription, 'sources' | 'filters'>, e: EventRecord): boolean {
  if (s.sources.length > 0 && !s.sources.includes(e.source)) return false;
  const f = s.filters;
  if (f.types && f.types.length > 0 && !f.types.some((t) => typeMatches(e.type, t))) return false;
  if (f.subject !== undefined && e.subject !== f.subject) return false;
  if (f.verified_only && !e.verified) return false;
  return true;
}

interface Row {
  id: number;
  session_id: string | null;
  sources: string;
  filters: string;
  callback_description: string;
  created_at: number;
  matched: number;
  last_event_id: number | null;
  active: number;
  target: string | null;
}

const toPublic = (l: Live): Subscription => {
  const { sessionId: _session, ...rest } = l;
  return rest;
};

/** The write side, run on the writer thread (see store/write-ops.ts). */
export function createSubscriptionWrites(db: Database.Database) {
  const insert = db.prepare(`
    INSERT INTO subscriptions (session_id, sources, filters, callback_description, target, created_at)
    VALUES (@session_id, @sources, @filters, @callback_description, @target, @created_at) RETURNING *`);
  const deactivate = db.prepare('UPDATE subscriptions SET active = 0 WHERE id = ? AND active = 1');
  const counts = db.prepare('UPDATE subscriptions SET matched = ?, last_event_id = ? WHERE id = ?');
  const saveCounts = db.transaction((rows: Array<[number, number, number | null]>) => {
    for (const [id, matched, last] of rows) counts.run(matched, last, id);
  });
  return {
    create: (args: { session_id: string | null; sources: string[]; filters: SubscriptionFilters; callback_description: string; target?: string | null }) =>
      insert.get({
        ...args,
        sources: JSON.stringify(args.sources),
        filters: JSON.stringify(args.filters),
        target: args.target ?? null,
        created_at: Date.now(),
      }) as Row,
    deactivate: (id: number) => deactivate.run(id).changes,
    saveCounts: (rows: Array<[number, number, number | null]>) => saveCounts(rows),
  };
}

export function createSubscriptionRegistry(options: {
  /** The read connection, to load stored subscriptions at start. */
  db: Database.Database;
  write: <T>(op: string, args: unknown) => Promise<T>;
  flushMs?: number;
}) {
  const live = new Map<number, Live>();
  const dirty = new Set<number>();
  let notifier: SubscriptionNotifier | null = null;

  const fromRow = (r: Row): Live => ({
    id: r.id,
    sessionId: r.session_id,
    sources: JSON.parse(r.sources) as string[],
    filters: JSON.parse(r.filters) as SubscriptionFilters,
    callback_description: r.callback_description,
    created_at: new Date(r.created_at).toISOString(),
    matched: r.matched,
    last_event_id: r.last_event_id,
    active: r.active === 1,
    resource_uri: `tidings://subscriptions/${r.id}`,
    target: r.target,
  });
  for (const row of options.db.prepare('SELECT * FROM subscriptions WHERE active = 1').all() as Row[]) {
    live.set(row.id, fromRow(row));
  }

  const flush = async () => {
    if (dirty.size === 0) return;
    const rows = [...dirty].map((id) => live.get(id)).filter((s): s is Live => !!s).map((s) => [s.id, s.matched, s.last_event_id] as [number, number, number | null]);
    dirty.clear();
    await options.write('subscription.saveCounts', rows);
  };
  const timer = setInterval(() => void flush().catch(() => undefined), options.flushMs ?? 5000);
  timer.unref();

  return {
    setNotifier(fn: SubscriptionNotifier | null) {
      notifier = fn;
    },

    async create(
      sessionId: string | null,
      spec: { sources: string[]; filters: SubscriptionFilters; callback_description: string; target?: string | null },
    ): Promise<Subscription> {
      const row = await options.write<Row>('subscription.create', { session_id: sessionId, ...spec });
      const sub = fromRow(row);
      live.set(sub.id, sub);
      return toPublic(sub);
    },

    async remove(id: number): Promise<Subscription | null> {
      const sub = live.get(id);
      if (!sub) return null;
      await options.write('subscription.deactivate', id);
      live.delete(id);
      dirty.delete(id);
      return { ...toPublic(sub), active: false };
    },

    get(id: number): Subscription | null {
      const sub = live.get(id);
      return sub ? toPublic(sub) : null;
    },

    list(): Subscription[] {
      return [...live.values()].map(toPublic);
    },

    /** A subscription made by an earlier session is taken over by the session that asks. */
    adopt(id: number, sessionId: string): void {
      const sub = live.get(id);
      if (sub) sub.sessionId = sessionId;
    },

    onEvent(event: EventRecord): void {
      for (const sub of live.values()) {
        if (!subscriptionMatches(sub, event)) continue;
        sub.matched++;
        sub.last_event_id = event.id;
        dirty.add(sub.id);
        if (sub.sessionId && notifier) notifier(sub.sessionId, toPublic(sub), event);
      }
    },

    /** Ids of the stored subscriptions this event matches, whichever session made them. */
    matchingIds(event: EventRecord): number[] {
      const ids: number[] = [];
      for (const sub of live.values()) if (subscriptionMatches(sub, event)) ids.push(sub.id);
      return ids;
    },

    size: () => live.size,

    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

export type SubscriptionRegistry = ReturnType<typeof createSubscriptionRegistry>;
