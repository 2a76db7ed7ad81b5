// Retention: drop events older than maxAgeDays, then, until the database is under maxBytes,
// the oldest unverified events and only then the oldest verified ones: when space runs out,
// what anyone could have sent goes before what a provider signed. Runs in small transactions with a yield between them, so ingest (which shares
// this thread and this connection) is never held up for long.
import type Database from 'better-sqlite3';
import type { Logger } from '../logger';

export interface RetentionOptions {
  maxAgeDays: number;
  maxBytes: number;
  /** Rows per transaction. */
  chunk?: number;
  intervalMs?: number;
  now?: () => number;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createRetention(db: Database.Database, logger: Logger, options: RetentionOptions) {
  const chunk = options.chunk ?? 500;
  const now = options.now ?? Date.now;
  const oldestIds = db.prepare<[number, number], { id: number }>(
    'SELECT id FROM events WHERE received_at < ? ORDER BY id LIMIT ?',
  );
  const oldest = db.prepare<[number], { id: number }>('SELECT id FROM events ORDER BY id LIMIT ?');
  // Served by the partial index events_unverified, so it costs nothing when none are left.
  const oldestUnverified = db.prepare<[number], { id: number }>('SELECT id FROM events WHERE verified = 0 ORDER BY id LIMIT ?');
  const deleteEvent = db.prepare<[number], { source: string; verified: number }>('DELETE FROM events WHERE id = ? RETURNING source, verified');
  const deleteFts = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
  // source_stats follows the events it counts, in the same transaction.
  const uncount = db.prepare('UPDATE source_stats SET count = count - 1, unverified = unverified - ? WHERE source = ?');
  const refreshFirst = db.prepare(`
    UPDATE source_stats SET first_seen = coalesce((SELECT received_at FROM events WHERE source = @source ORDER BY id LIMIT 1), first_seen)
    WHERE source = @source`);
  const dropEmpty = db.prepare('DELETE FROM source_stats WHERE count <= 0');
  const removeIds = db.transaction((ids: number[]) => {
    const touched = new Set<string>();
    for (const id of ids) {
      deleteFts.run(id);
      const gone = deleteEvent.get(id);
      if (!gone) continue;
      uncount.run(gone.verified ? 0 : 1, gone.source);
      touched.add(gone.source);
    }
    for (const source of touched) refreshFirst.run({ source });
    dropEmpty.run();
  });
  const usedBytes = () => {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  };

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function pass(): Promise<number> {
    let removed = 0;
    const cutoff = now() - options.maxAgeDays * 86_400_000;
    for (;;) {
      const ids = oldestIds.all(cutoff, chunk).map((r) => r.id);
      if (ids.length === 0) break;
      removeIds(ids);
      removed += ids.length;
      await yieldToIo();
    }
    while (usedBytes() > options.maxBytes) {
      let ids = oldestUnverified.all(chunk).map((r) => r.id);
      if (ids.length === 0) ids = oldest.all(chunk).map((r) => r.id);
      if (ids.length === 0) break;
      removeIds(ids);
      removed += ids.length;
      await yieldToIo();
    }
    if (removed > 0) {
      db.pragma('incremental_vacuum(2000)');
      logger.info('retention pruned events', { removed });
    }
    return removed;
  }

  return {
    /** One pass now; concurrent calls share the pass already running. */
    run(): Promise<number> {
      running ??= pass().finally(() => {
        running = null;
      });
      return running;
    },
    start(): void {
      const every = options.intervalMs ?? 10 * 60_000;
      timer = setInterval(() => {
        this.run().catch((err: unknown) => logger.warn('retention failed', { error: String(err) }));
      }, every);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
