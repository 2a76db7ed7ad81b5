// The write side of outbound delivery, run on the writer thread. Every delivery is a row
// before anything is sent: pushes in their own transaction, forwards and subscription
// matches in the same transaction as the event they carry, so a crash can lose neither.
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventRecord } from '../../../shared/events';
import type { TargetMode } from '../../../shared/outbound';
import { subscriptionMatches, typeMatches } from '../mcp/subscriptions';
import type { SubscriptionFilters } from '../mcp/subscriptions';

export interface TargetRow {
  id: number;
  name: string;
  url: string;
  mode: TargetMode;
  sources: string;
  types: string;
  secret: string;
  allow_private: number;
  enabled: number;
  disabled_reason: string | null;
  failing_since: number | null;
  delivered: number;
  dead: number;
  last_attempt_at: number | null;
  last_status: number | null;
  created_at: number;
  updated_at: number;
}

export interface NewTarget {
  name: string;
  url: string;
  mode: TargetMode;
  sources: string[];
  types: string[];
  allow_private: boolean;
  enabled: boolean;
  now: number;
}

export interface TargetChanges {
  url?: string;
  mode?: TargetMode;
  sources?: string[];
  types?: string[];
  allow_private?: boolean;
  enabled?: boolean;
  rotate_secret?: boolean;
}

/** The outcome of one attempt, as the dispatcher decided it. */
export interface AttemptRecord {
  delivery_id: number;
  target_id: number;
  at: number;
  status: number | null;
  duration_ms: number;
  error: string | null;
  response: string | null;
  outcome: 'delivered' | 'retry' | 'dead' | 'held';
  next_attempt_at: number | null;
  /** Set when this attempt made Tidings disable the target, with the reason shown. */
  disable: string | null;
  /** When the target's current run of failures began (null after a success). */
  failing_since: number | null;
}

export const newSecret = () => `whsec_${crypto.randomBytes(24).toString('base64')}`;
export const newMessageId = () => `msg_${crypto.randomBytes(12).toString('base64url')}`;

interface Route {
  targetId: number;
  kind: 'forward' | 'subscription';
  subscriptionId: number | null;
  matches: (e: EventRecord) => boolean;
}

export function createOutboundWrites(db: Database.Database) {
  const insertTarget = db.prepare(`
    INSERT INTO targets (name, url, mode, sources, types, secret, allow_private, enabled, created_at, updated_at)
    VALUES (@name, @url, @mode, @sources, @types, @secret, @allow_private, @enabled, @now, @now) RETURNING *`);
  const targetById = db.prepare<[number], TargetRow>('SELECT * FROM targets WHERE id = ?');
  const removeTarget = db.prepare('DELETE FROM targets WHERE id = ?');
  const enabledPush = db.prepare<[], { id: number }>("SELECT id FROM targets WHERE enabled = 1 AND mode = 'push' ORDER BY id");
  const targetCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM targets WHERE mode = 'push'");
  const forwardTargets = db.prepare<[], TargetRow>("SELECT * FROM targets WHERE enabled = 1 AND mode = 'forward'");
  const subscriptionTargets = db.prepare<[], { id: number; sources: string; filters: string; target_id: number }>(`
    SELECT s.id, s.sources, s.filters, t.id AS target_id FROM subscriptions s JOIN targets t ON t.name = s.target
    WHERE s.active = 1 AND t.enabled = 1`);
  const insertDelivery = db.prepare(`
    INSERT INTO deliveries (target_id, kind, message_id, event_id, subscription_id, payload, summary, created_at, next_attempt_at)
    VALUES (@target_id, @kind, @message_id, @event_id, @subscription_id, @payload, @summary, @now, @now) RETURNING id`);
  const updateDelivery = db.prepare(`
    UPDATE deliveries SET attempts = attempts + 1, last_status = @status, last_error = @error,
      state = @state, next_attempt_at = @next_attempt_at, delivered_at = @delivered_at
    WHERE id = @delivery_id AND state = 'pending'`);
  const insertAttempt = db.prepare(`
    INSERT INTO delivery_attempts (delivery_id, at, status, duration_ms, error, response)
    VALUES (@delivery_id, @at, @status, @duration_ms, @error, @response)`);
  const touchTarget = db.prepare(`
    UPDATE targets SET last_attempt_at = @at, last_status = @status, failing_since = @failing_since,
      delivered = delivered + @delivered, dead = dead + @dead WHERE id = @target_id`);
  const disableTarget = db.prepare('UPDATE targets SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1');

  let routes: Route[] | null = null;
  const loadRoutes = (): Route[] => {
    const out: Route[] = [];
    for (const t of forwardTargets.all()) {
      const sources = JSON.parse(t.sources) as string[];
      const types = JSON.parse(t.types) as string[];
      out.push({
        targetId: t.id,
        kind: 'forward',
        subscriptionId: null,
        matches: (e) => (sources.length === 0 || sources.includes(e.source)) && (types.length === 0 || types.some((w) => typeMatches(e.type, w))),
      });
    }
    for (const s of subscriptionTargets.all()) {
      const spec = { sources: JSON.parse(s.sources) as string[], filters: JSON.parse(s.filters) as SubscriptionFilters };
      out.push({ targetId: s.target_id, kind: 'subscription', subscriptionId: s.id, matches: (e) => subscriptionMatches(spec, e) });
    }
    return out;
  };

  const record = db.transaction((rows: AttemptRecord[]) => {
    for (const r of rows) {
      const state = r.outcome === 'delivered' ? 'delivered' : r.outcome === 'dead' ? 'dead' : 'pending';
      const changed = updateDelivery.run({
        delivery_id: r.delivery_id,
        status: r.status,
        error: r.error,
        state,
        next_attempt_at: state === 'pending' ? r.next_attempt_at : null,
        delivered_at: state === 'delivered' ? r.at : null,
      }).changes;
      // A delivery removed with its target, or already settled, keeps no more attempts.
      if (changed === 0) continue;
      insertAttempt.run(r);
      touchTarget.run({
        target_id: r.target_id,
        at: r.at,
        status: r.status,
        failing_since: r.failing_since,
        delivered: state === 'delivered' ? 1 : 0,
        dead: state === 'dead' ? 1 : 0,
      });
      if (r.disable) {
        disableTarget.run(r.disable, r.at, r.target_id);
        routes = null;
      }
    }
  });

  const retryDead = db.prepare(`
    UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = @now, last_error = NULL
    WHERE state = 'dead' AND (@id IS NULL OR id = @id) AND (@target_id IS NULL OR target_id = @target_id)
    RETURNING target_id`);
  const hurryPending = db.prepare(`
    UPDATE deliveries SET next_attempt_at = @now
    WHERE state = 'pending' AND (@id IS NULL OR id = @id) AND (@target_id IS NULL OR target_id = @target_id)`);
  const lowerDead = db.prepare('UPDATE targets SET dead = max(0, dead - ?) WHERE id = ?');
  const retry = db.transaction((a: { id: number | null; target_id: number | null; now: number }) => {
    // Waiting ones first, so the revived ones are not counted twice.
    const hurried = hurryPending.run(a).changes;
    const revived = retryDead.all(a) as Array<{ target_id: number }>;
    const perTarget = new Map<number, number>();
    for (const r of revived) perTarget.set(r.target_id, (perTarget.get(r.target_id) ?? 0) + 1);
    for (const [target, n] of perTarget) lowerDead.run(n, target);
    return revived.length + hurried;
  });

  const push = db.transaction((a: { message: string; now: number }) => {
    const id = newMessageId();
    const timestamp = new Date(a.now).toISOString();
    const payload = Buffer.from(JSON.stringify({ id, message: a.message, timestamp }));
    const summary = a.message.length > 120 ? `${a.message.slice(0, 119)}…` : a.message;
    const targets = enabledPush.all().map((t) => t.id);
    const deliveries = targets.map(
      (target_id) =>
        (insertDelivery.get({ target_id, kind: 'push', message_id: id, event_id: null, subscription_id: null, payload, summary, now: a.now }) as { id: number }).id,
    );
    return { id, timestamp, deliveries, targets, total: targetCount.get()!.n };
  });

  // Finished deliveries go with the events they carried; the attempts go with them.
  const prune = db.prepare("DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE created_at < ? AND state != 'pending' LIMIT ?)");

  return {
    /** Called inside the append transaction for each new event. */
    enqueueFor(e: EventRecord, now: number): void {
      routes ??= loadRoutes();
      for (const r of routes) {
        if (!r.matches(e)) continue;
        insertDelivery.run({
          target_id: r.targetId,
          kind: r.kind,
          message_id: newMessageId(),
          event_id: e.id,
          subscription_id: r.subscriptionId,
          payload: null,
          summary: e.summary,
          now,
        });
      }
    },
    /** Targets or subscriptions changed: the routes are read again before the next event. */
    invalidate(): void {
      routes = null;
    },
    createTarget(t: NewTarget): TargetRow {
      routes = null;
      return insertTarget.get({
        ...t,
        sources: JSON.stringify(t.sources),
        types: JSON.stringify(t.types),
        secret: newSecret(),
        allow_private: t.allow_private ? 1 : 0,
        enabled: t.enabled ? 1 : 0,
      }) as TargetRow;
    },
    updateTarget(a: { id: number; changes: TargetChanges; now: number }): TargetRow | null {
      routes = null;
      const current = targetById.get(a.id);
      if (!current) return null;
      const c = a.changes;
      const sets: string[] = ['updated_at = @now'];
      const params: Record<string, unknown> = { id: a.id, now: a.now };
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = @${column}`);
        params[column] = value;
      };
      if (c.url !== undefined) set('url', c.url);
      if (c.mode !== undefined) set('mode', c.mode);
      if (c.sources !== undefined) set('sources', JSON.stringify(c.sources));
      if (c.types !== undefined) set('types', JSON.stringify(c.types));
      if (c.allow_private !== undefined) set('allow_private', c.allow_private ? 1 : 0);
      if (c.rotate_secret) set('secret', newSecret());
      if (c.enabled !== undefined) {
        set('enabled', c.enabled ? 1 : 0);
        // Turning a target back on starts a fresh count of failures.
        if (c.enabled) {
          set('disabled_reason', null);
          set('failing_since', null);
        }
      }
      db.prepare(`UPDATE targets SET ${sets.join(', ')} WHERE id = @id`).run(params);
      return targetById.get(a.id) ?? null;
    },
    removeTarget(id: number): number {
      routes = null;
      return removeTarget.run(id).changes;
    },
    push: (a: { message: string; now: number }) => push(a),
    record: (rows: AttemptRecord[]) => record(rows),
    retry: (a: { id: number | null; target_id: number | null; now: number }) => retry(a),
    prune: (a: { before: number; limit: number }) => prune.run(a.before, a.limit).changes,
  };
}

export type OutboundWrites = ReturnType<typeof createOutboundWrites>;
