// The read side of outbound delivery, on the main thread's read-only connection: targets
// as the API shows them, the delivery log, and the pages of pending work each lane takes.
import type Database from 'better-sqlite3';
import type { AttemptInfo, DeliveryDetailInfo, DeliveryInfo, DeliveryKind, DeliveryState, TargetInfo } from '../../../shared/outbound';
import { fingerprint } from '../secrets';
import type { TargetRow } from './writes';

export interface PendingDelivery {
  id: number;
  target_id: number;
  kind: DeliveryKind;
  message_id: string;
  event_id: number | null;
  subscription_id: number | null;
  payload: Buffer | null;
  attempts: number;
  created_at: number;
  next_attempt_at: number | null;
}

interface DeliveryRow {
  id: number;
  target_id: number;
  target: string;
  kind: DeliveryKind;
  message_id: string;
  event_id: number | null;
  summary: string;
  state: DeliveryState;
  attempts: number;
  created_at: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function publicTarget(t: TargetRow, pending: number): TargetInfo {
  return {
    id: t.id,
    name: t.name,
    url: t.url,
    mode: t.mode,
    sources: JSON.parse(t.sources) as string[],
    types: JSON.parse(t.types) as string[],
    allow_private: t.allow_private === 1,
    enabled: t.enabled === 1,
    disabled_reason: t.disabled_reason,
    failing_since: iso(t.failing_since),
    secret_fingerprint: fingerprint(t.secret),
    created_at: iso(t.created_at)!,
    updated_at: iso(t.updated_at)!,
    pending,
    dead: t.dead,
    delivered: t.delivered,
    last_attempt_at: iso(t.last_attempt_at),
    last_status: t.last_status,
  };
}

const toDelivery = (r: DeliveryRow): DeliveryInfo => ({
  ...r,
  created_at: iso(r.created_at)!,
  next_attempt_at: r.state === 'pending' ? iso(r.next_attempt_at) : null,
  delivered_at: iso(r.delivered_at),
});

export function createOutboundReads(db: Database.Database) {
  const all = db.prepare<[], TargetRow>('SELECT * FROM targets ORDER BY name');
  const byId = db.prepare<[number], TargetRow>('SELECT * FROM targets WHERE id = ?');
  const byName = db.prepare<[string], TargetRow>('SELECT * FROM targets WHERE name = ?');
  const pendingCount = db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM deliveries WHERE target_id = ? AND state = 'pending'");
  const pendingPage = db.prepare<[number, number, number], PendingDelivery>(`
    SELECT id, target_id, kind, message_id, event_id, subscription_id, payload, attempts, created_at, next_attempt_at
    FROM deliveries WHERE target_id = ? AND state = 'pending' AND id > ? ORDER BY id LIMIT ?`);
  const deliveryColumns = `d.id, d.target_id, t.name AS target, d.kind, d.message_id, d.event_id, d.summary, d.state, d.attempts,
    d.created_at, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at`;
  const oneDelivery = db.prepare<[number], DeliveryRow>(`SELECT ${deliveryColumns} FROM deliveries d JOIN targets t ON t.id = d.target_id WHERE d.id = ?`);
  const attempts = db.prepare<[number, number], Omit<AttemptInfo, 'at'> & { at: number }>(
    'SELECT id, at, status, duration_ms, error, response FROM delivery_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT ?',
  );
  const pageCache = new Map<string, Database.Statement<unknown[], DeliveryRow>>();

  return {
    targets(): TargetInfo[] {
      return all.all().map((t) => publicTarget(t, pendingCount.get(t.id)!.n));
    },
    target(id: number): TargetRow | null {
      return byId.get(id) ?? null;
    },
    targetByName(name: string): TargetRow | null {
      return byName.get(name) ?? null;
    },
    info(t: TargetRow): TargetInfo {
      return publicTarget(t, pendingCount.get(t.id)!.n);
    },
    pendingPage(targetId: number, afterId: number, limit: number): PendingDelivery[] {
      return pendingPage.all(targetId, afterId, limit);
    },
    /** Newest first; `before` is the cursor from the previous page. */
    deliveries(q: { state?: DeliveryState; target_id?: number; before?: number; limit: number }): { deliveries: DeliveryInfo[]; next_cursor: number | null } {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.state !== undefined) {
        where.push('d.state = ?');
        params.push(q.state);
      }
      if (q.target_id !== undefined) {
        where.push('d.target_id = ?');
        params.push(q.target_id);
      }
      if (q.before !== undefined) {
        where.push('d.id < ?');
        params.push(q.before);
      }
      const sql = `SELECT ${deliveryColumns} FROM deliveries d JOIN targets t ON t.id = d.target_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT ?`;
      let stmt = pageCache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        pageCache.set(sql, stmt);
      }
      const rows = stmt.all(...params, q.limit);
      const last = rows.at(-1);
      return { deliveries: rows.map(toDelivery), next_cursor: rows.length === q.limit && last ? last.id : null };
    },
    delivery(id: number, attemptLimit = 50): DeliveryDetailInfo | null {
      const row = oneDelivery.get(id);
      if (!row) return null;
      return { ...toDelivery(row), attempts_log: attempts.all(id, attemptLimit).map((a) => ({ ...a, at: iso(a.at)! })) };
    },
  };
}

export type OutboundReads = ReturnType<typeof createOutboundReads>;
