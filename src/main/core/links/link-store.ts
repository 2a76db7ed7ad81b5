// Provider links at rest: the `links` table. Reads run on the main thread's read-only
// connection; writes are writer-thread operations (write-ops.ts), like every other write.
import type Database from 'better-sqlite3';
import type { LinkInfo } from '../../../shared/api';

export type LinkProvider = LinkInfo['provider'];
export type LinkScope = LinkInfo['scope'];

export interface LinkRow {
  id: number;
  provider: LinkProvider;
  scope: LinkScope;
  target: string;
  source: string;
  hook_id: string;
  url: string;
  events: string;
  secret_fingerprint: string;
  token_ref: string;
  api_url: string;
  state: 'active' | 'broken';
  error: string | null;
  last_result: string | null;
  synced_at: number | null;
  caught_up_at: number | null;
  created_at: number;
  updated_at: number;
}

export type NewLink = Omit<LinkRow, 'id' | 'created_at' | 'updated_at' | 'caught_up_at'> & { now: number };
export interface LinkStateChange {
  id: number;
  state: LinkRow['state'];
  error: string | null;
  last_result: string;
  url?: string;
  synced: boolean;
  now: number;
}

/** Writer-thread side: save (insert or replace by provider, scope and target), state, remove. */
export function createLinkWrites(db: Database.Database) {
  const upsert = db.prepare(`
    INSERT INTO links (provider, scope, target, source, hook_id, url, events, secret_fingerprint, token_ref, api_url,
                       state, error, last_result, synced_at, created_at, updated_at)
    VALUES (@provider, @scope, @target, @source, @hook_id, @url, @events, @secret_fingerprint, @token_ref, @api_url,
            @state, @error, @last_result, @synced_at, @now, @now)
    ON CONFLICT (provider, scope, target) DO UPDATE SET
      source = excluded.source, hook_id = excluded.hook_id, url = excluded.url, events = excluded.events,
      secret_fingerprint = excluded.secret_fingerprint, token_ref = excluded.token_ref, api_url = excluded.api_url,
      state = excluded.state, error = excluded.error, last_result = excluded.last_result,
      synced_at = excluded.synced_at, updated_at = excluded.updated_at
    RETURNING id`);
  const setState = db.prepare(`
    UPDATE links SET state = @state, error = @error, last_result = @last_result, url = coalesce(@url, url),
                     synced_at = CASE WHEN @synced THEN @now ELSE synced_at END, updated_at = @now
    WHERE id = @id`);
  const remove = db.prepare('DELETE FROM links WHERE id = ?');
  return {
    save: (l: NewLink): number => (upsert.get(l) as { id: number }).id,
    state: (c: LinkStateChange): number => setState.run({ ...c, url: c.url ?? null, synced: c.synced ? 1 : 0 }).changes,
    remove: (id: number): number => remove.run(id).changes,
  };
}
export type LinkWrites = ReturnType<typeof createLinkWrites>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Main-thread side: the rows, and each one as the API shows it (never the token). */
export function createLinkReads(db: Database.Database) {
  const all = db.prepare('SELECT * FROM links ORDER BY provider, target');
  const one = db.prepare('SELECT * FROM links WHERE id = ?');
  const find = db.prepare('SELECT * FROM links WHERE provider = ? AND scope = ? AND target = ?');
  const lastEvent = db.prepare('SELECT received_at, verified, type FROM events WHERE source = ? ORDER BY id DESC LIMIT 1');
  const lastRejection = db.prepare('SELECT at, reason FROM rejections WHERE source = ? ORDER BY id DESC LIMIT 1');

  function lastDelivery(source: string): LinkInfo['last_delivery'] {
    const e = lastEvent.get(source) as { received_at: number; verified: number; type: string } | undefined;
    const r = lastRejection.get(source) as { at: number; reason: string } | undefined;
    if (r && (!e || r.at > e.received_at)) return { at: new Date(r.at).toISOString(), outcome: 'rejected', detail: r.reason };
    if (e) return { at: new Date(e.received_at).toISOString(), outcome: e.verified ? 'verified' : 'unverified', detail: e.type };
    return null;
  }

  return {
    rows: (): LinkRow[] => all.all() as LinkRow[],
    row: (id: number): LinkRow | null => (one.get(id) as LinkRow | undefined) ?? null,
    find: (provider: LinkProvider, scope: LinkScope, target: string): LinkRow | null =>
      (find.get(provider, scope, target) as LinkRow | undefined) ?? null,
    info(row: LinkRow): LinkInfo {
      return {
        id: row.id,
        provider: row.provider,
        scope: row.scope,
        target: row.target,
        source: row.source,
        hook_id: row.hook_id,
        url: row.url,
        events: JSON.parse(row.events) as string[],
        secret_fingerprint: row.secret_fingerprint,
        state: row.state,
        error: row.error,
        last_result: row.last_result,
        synced_at: iso(row.synced_at),
        created_at: new Date(row.created_at).toISOString(),
        last_delivery: lastDelivery(row.source),
      };
    },
  };
}
export type LinkReads = ReturnType<typeof createLinkReads>;
