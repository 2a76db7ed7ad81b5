// The event store: appends batches of verified deliveries in one transaction (with their
// derived views), and answers the queries that the MCP tools, the API and the CLI ask.
// Statements are prepared once here; every method is synchronous, as better-sqlite3 is.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type Database from 'better-sqlite3';
import type { EventDetail, EventRecord, Rejection, SourceStats } from '../../../shared/events';
import type { NormalizedEvent } from '../webhooks/types';
import { cleanEvent, cleanFieldsJson, flatText, MAX_DELIVERY_ID, MAX_SUBJECT, MAX_SUMMARY, MAX_TYPE } from '../webhooks/clean-text';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../webhooks/util';
import { createDerivedWriter } from './derived-writer';
import { storableHeaders } from '../credential-headers';

export interface IngestItem {
  source: string;
  /** Which provider module parsed it (github, stripe, vercel, slack, standard). */
  provider: string;
  verified: boolean;
  contentType: string;
  headers: Record<string, string>;
  body: Buffer;
  event: NormalizedEvent;
  /** Text to index for search: summary, subject and the payload's string values. */
  searchText: string;
  receivedAt: number;
}

export interface AppendResult {
  id: number;
  duplicate: boolean;
  /** Set for new events: what subscribers are told. */
  record: EventRecord | null;
}

export interface EventQuery {
  source?: string | undefined;
  type?: string | undefined;
  /** A type prefix, e.g. `pull_request` matches `pull_request.opened`. */
  typePrefix?: string | undefined;
  subject?: string | undefined;
  verified?: boolean | undefined;
  /** Only events with id > afterId (ascending order). */
  afterId?: number | undefined;
  /** Only events with id < beforeId (descending order, for paging back). */
  beforeId?: number | undefined;
  /** ms since epoch, inclusive. */
  since?: number | undefined;
  until?: number | undefined;
  /** Defaults to ascending when afterId is given (catching up), else newest first. */
  order?: 'asc' | 'desc' | undefined;
  limit: number;
}

interface EventRow {
  id: number;
  source: string;
  type: string;
  delivery_id: string;
  received_at: number;
  occurred_at: number | null;
  subject: string | null;
  summary: string;
  verified: number;
  fields: string;
}

interface DetailRow extends EventRow {
  content_type: string;
  headers: string;
  body: Buffer;
  body_bytes: number;
}

const LIST_COLUMNS = 'id, source, type, delivery_id, received_at, occurred_at, subject, summary, verified, fields';
const MAX_REJECTIONS = 500;
/** More than the events one group commit can reorder (see group-commit.ts, maxBatch 512). */
const ID_ORDER_MARGIN = 2048;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * A stored row as clients see it. Its sender-chosen text is cleaned again here, because
 * rows stored before cleaning at ingest existed may hold newlines, bidi overrides or a
 * type megabytes long. It never throws: a row that cannot be read still comes back with
 * its id (the cursor) and a summary that says so, so a follower can always move past it.
 */
export function toRecord(row: EventRow): EventRecord {
  try {
    return {
      id: row.id,
      source: row.source,
      type: flatText(row.type, MAX_TYPE) || 'unknown',
      received_at: new Date(row.received_at).toISOString(),
      occurred_at: iso(row.occurred_at),
      subject: row.subject === null ? null : flatText(row.subject, MAX_SUBJECT) || null,
      summary: flatText(row.summary, MAX_SUMMARY),
      verified: row.verified === 1,
      delivery_id: flatText(row.delivery_id, MAX_DELIVERY_ID),
      fields: cleanFieldsJson(row.fields),
    };
  } catch (err) {
    return unreadableRecord(row, err);
  }
}

function unreadableRecord(row: EventRow, err: unknown): EventRecord {
  const time = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : new Date(0).toISOString());
  return {
    id: row.id,
    source: typeof row.source === 'string' ? flatText(row.source, 64) : 'unknown',
    type: 'unreadable',
    received_at: time(row.received_at),
    occurred_at: null,
    subject: null,
    summary: `event ${row.id} could not be read (${flatText(err instanceof Error ? err.message : String(err), 120)}); skip it and go on from its id`,
    verified: row.verified === 1,
    delivery_id: typeof row.delivery_id === 'string' ? flatText(row.delivery_id, MAX_DELIVERY_ID) : '',
    fields: {},
  };
}

// Brotli at quality 1 with a 64 KiB window: on webhook-sized JSON it compresses as well as
// deflate at level 1 in about two thirds of the time, and this runs once per event.
const BROTLI_FAST = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_LGWIN]: 16 },
};

/** The record subscribers see for a newly stored item. */
export function recordOf(item: IngestItem, id: number): EventRecord {
  const e = cleanEvent(item.event);
  return {
    id,
    source: item.source,
    type: e.type,
    received_at: new Date(item.receivedAt).toISOString(),
    occurred_at: iso(e.occurredAt),
    subject: e.subject,
    summary: e.summary,
    verified: item.verified,
    delivery_id: e.deliveryId!,
    fields: e.fields,
  };
}

export function compress(data: Buffer): Buffer {
  return zlib.brotliCompressSync(data, {
    params: { ...BROTLI_FAST.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
}

export function decompress(data: Buffer): Buffer {
  return zlib.brotliDecompressSync(data);
}

/**
 * The parsed payload, or why there is none. Rows stored before ingest refused deep bodies
 * are not parsed: such a payload would break every JSON.stringify that shows it, so
 * clients get the body as text instead, with the reason.
 */
function parsePayload(contentType: string, body: Buffer): { payload: unknown; problem: string | null } {
  const text = body.toString('utf8');
  const tooDeep = { payload: null, problem: `the payload nests more than ${MAX_JSON_DEPTH} levels deep, so it is shown only as text` };
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = Object.fromEntries(new URLSearchParams(text));
      if (typeof form.payload !== 'string') return { payload: form, problem: null };
      return nestedDeeperThan(form.payload) ? tooDeep : { payload: JSON.parse(form.payload), problem: null };
    }
    return nestedDeeperThan(body) ? tooDeep : { payload: JSON.parse(text), problem: null };
  } catch {
    return { payload: null, problem: null };
  }
}

/** Turn free text into an FTS5 query that matches every word, and cannot be a syntax error. */
export function toFtsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words || words.length === 0) return null;
  return words
    .slice(0, 16)
    .map((w) => `"${w}"`)
    .join(' AND ');
}

/**
 * Whether an item is also deduplicated by the hash of its body. GitHub only: its signature
 * does not cover X-GitHub-Delivery, so a replayed capture can carry a new one. The other
 * providers sign their delivery id (Standard Webhooks) or carry it in the signed body
 * (Stripe, Vercel, Slack).
 */
export function bodyHashed(item: Pick<IngestItem, 'provider'>): boolean {
  return item.provider === 'github';
}

export interface EventStoreHooks {
  /** Runs inside the append transaction for each new (not duplicate) event. */
  afterInsert?: (record: EventRecord) => void;
}

export function createEventStore(db: Database.Database, hooks: EventStoreHooks = {}) {
  const derived = createDerivedWriter(db);
  const insertEvent = db.prepare(`
    INSERT INTO events (source, type, delivery_id, received_at, occurred_at, subject, summary, verified,
                        fields, content_type, headers, body, body_bytes, body_sha256)
    VALUES (@source, @type, @delivery_id, @received_at, @occurred_at, @subject, @summary, @verified,
            @fields, @content_type, @headers, @body, @body_bytes, @body_sha256)
    ON CONFLICT DO NOTHING
    RETURNING id`);
  const findByDelivery = db.prepare<[string, string], { id: number }>(
    'SELECT id FROM events WHERE source = ? AND delivery_id = ?',
  );
  const findByBody = db.prepare<[string, Buffer], { id: number }>(
    'SELECT id FROM events WHERE source = ? AND body_sha256 = ?',
  );
  const insertFts = db.prepare('INSERT INTO events_fts(rowid, text) VALUES (?, ?)');
  const getById = db.prepare<[number], DetailRow>(`SELECT * FROM events WHERE id = ?`);
  const firstIdSince = db.prepare<[number], { id: number }>('SELECT id FROM events WHERE received_at >= ? ORDER BY received_at LIMIT 1');
  const maxIdStmt = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM events');
  const countStmt = db.prepare<[], { n: number | null }>('SELECT sum(count) AS n FROM source_stats');
  const countSource = db.prepare(`
    INSERT INTO source_stats (source, count, unverified, first_seen, last_seen) VALUES (?, 1, ?, ?, ?)
    ON CONFLICT(source) DO UPDATE SET count = count + 1, unverified = unverified + excluded.unverified,
      first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`);
  const sourceCountStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM source_stats');
  const hasSourceStmt = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM source_stats WHERE source = ?');
  const sourcesStmt = db.prepare<[number], { source: string; count: number; unverified: number; first: number; last: number }>(
    'SELECT source, count, unverified, first_seen AS first, last_seen AS last FROM source_stats ORDER BY last_seen DESC LIMIT ?',
  );
  const searchStmt = db.prepare<[string, number], EventRow>(`
    SELECT ${LIST_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')}
    FROM events_fts f JOIN events e ON e.id = f.rowid
    WHERE events_fts MATCH ? ORDER BY f.rank LIMIT ?`);
  const hourlyStmt = db.prepare<[number], { source: string; hour: number; n: number }>(`
    SELECT source, received_at / 3600000 AS hour, count(*) AS n FROM events
    WHERE received_at >= ? GROUP BY source, hour`);
  const insertRejection = db.prepare(`
    INSERT INTO rejections (source, at, status, reason, delivery_id, body_bytes, remote, headers)
    VALUES (@source, @at, @status, @reason, @delivery_id, @body_bytes, @remote, @headers)`);
  const trimRejections = db.prepare('DELETE FROM rejections WHERE id <= (SELECT max(id) FROM rejections) - ?');
  const listRejections = db.prepare<[string | null, string | null, number], Omit<Rejection, 'headers' | 'at'> & { headers: string; at: number }>(`
    SELECT * FROM rejections WHERE (? IS NULL OR source = ?) ORDER BY id DESC LIMIT ?`);

  // Queries with optional filters are built once per filter combination and cached, so
  // each shape is prepared exactly once and uses the index that fits it.
  const queryCache = new Map<string, Database.Statement>();
  function listStatement(q: EventQuery): { stmt: Database.Statement; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (q.source !== undefined) add('source = ?', q.source);
    if (q.type !== undefined) add('type = ?', q.type);
    if (q.typePrefix !== undefined) {
      where.push('(type = ? OR (type >= ? AND type < ?))');
      params.push(q.typePrefix, `${q.typePrefix}.`, `${q.typePrefix}/`);
    }
    if (q.subject !== undefined) add('subject = ?', q.subject);
    if (q.verified !== undefined) add('verified = ?', q.verified ? 1 : 0);
    if (q.afterId !== undefined) add('id > ?', q.afterId);
    if (q.beforeId !== undefined) add('id < ?', q.beforeId);
    if (q.since !== undefined) add('received_at >= ?', q.since);
    if (q.until !== undefined) add('received_at <= ?', q.until);
    const order = (q.order ?? (q.afterId !== undefined ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
    const sql = `SELECT ${LIST_COLUMNS} FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT ?`;
    let stmt = queryCache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      queryCache.set(sql, stmt);
    }
    params.push(q.limit);
    return { stmt, params };
  }

  function appendOne(item: IngestItem): AppendResult {
    // Every way in (webhooks, publish_event, imports, catch-up) is cleaned here as well.
    const e = cleanEvent(item.event);
    const row = {
      source: item.source,
      type: e.type,
      delivery_id: e.deliveryId!,
      received_at: item.receivedAt,
      occurred_at: e.occurredAt,
      subject: e.subject,
      summary: e.summary,
      verified: item.verified ? 1 : 0,
      fields: JSON.stringify(e.fields),
      content_type: item.contentType,
      // Headers are a few hundred bytes: compressing them costs more time than it saves space.
      headers: JSON.stringify(item.headers),
      body: compress(item.body),
      body_bytes: item.body.length,
      body_sha256: bodyHashed(item) ? crypto.createHash('sha256').update(item.body).digest() : null,
    };
    const inserted = insertEvent.get(row) as { id: number } | undefined;
    if (!inserted) {
      // Either uniqueness can refuse the row: the same delivery id, or (GitHub) the same body.
      const existing = findByDelivery.get(item.source, row.delivery_id) ?? (row.body_sha256 ? findByBody.get(item.source, row.body_sha256) : undefined);
      return { id: existing!.id, duplicate: true, record: null };
    }
    const id = inserted.id;
    countSource.run(item.source, item.verified ? 0 : 1, item.receivedAt, item.receivedAt);
    if (item.searchText) insertFts.run(id, item.searchText);
    derived.apply(id, {
      provider: item.provider,
      type: e.type,
      subject: e.subject,
      fields: e.fields,
      receivedAt: item.receivedAt,
      occurredAt: e.occurredAt,
    }, item.verified);
    const record = recordOf(item, id);
    hooks.afterInsert?.(record);
    return { id, duplicate: false, record };
  }

  const appendBatch = db.transaction((items: IngestItem[]) => items.map(appendOne));

  return {
    /** Append in one transaction: all or nothing, one fsync for the whole batch. */
    append(items: IngestItem[]): AppendResult[] {
      return appendBatch(items);
    },

    list(query: EventQuery): EventRecord[] {
      let q = query;
      const ascending = (q.order ?? (q.afterId !== undefined ? 'asc' : 'desc')) === 'asc';
      if (q.since !== undefined && ascending) {
        // Walking ids from the start to find recent times scans the whole table; the time
        // index gives a starting id instead. Ids follow commit order and times arrival order,
        // which differ by at most a few batches, hence the margin; the time filter stays.
        const first = firstIdSince.get(q.since)?.id;
        if (first === undefined) return [];
        q = { ...q, afterId: Math.max(q.afterId ?? 0, first - 1 - ID_ORDER_MARGIN), order: 'asc' };
      }
      const { stmt, params } = listStatement(q);
      return (stmt.all(...params) as EventRow[]).map(toRecord);
    },

    /**
     * One event with its body. Never throws for a row that exists: a body that cannot be
     * read (damaged on disk, say) comes back empty with `problem` saying why, so the
     * event's id can still be handed out as a cursor.
     */
    get(id: number): EventDetail | null {
      const row = getById.get(id);
      if (!row) return null;
      const record = toRecord(row);
      try {
        const body = decompress(row.body);
        const { payload, problem } = parsePayload(row.content_type, body);
        return {
          ...record,
          content_type: row.content_type,
          body_bytes: row.body_bytes,
          // Filtered again on the way out: rows stored before credentials were dropped at ingest.
          headers: storableHeaders(JSON.parse(row.headers) as Record<string, string>),
          body: body.toString('utf8'),
          payload,
          ...(problem ? { problem } : {}),
        };
      } catch (err) {
        return {
          ...record,
          content_type: typeof row.content_type === 'string' ? row.content_type : 'application/octet-stream',
          body_bytes: typeof row.body_bytes === 'number' ? row.body_bytes : 0,
          headers: {},
          body: '',
          payload: null,
          problem: `the stored body could not be read (${flatText(err instanceof Error ? err.message : String(err), 120)})`,
        };
      }
    },

    /** The raw bytes and headers as received, for forwarding and resending. */
    raw(id: number): { headers: Record<string, string>; body: Buffer; contentType: string; source: string } | null {
      const row = getById.get(id);
      if (!row) return null;
      return {
        source: row.source,
        contentType: row.content_type,
        headers: storableHeaders(JSON.parse(row.headers) as Record<string, string>),
        body: decompress(row.body),
      };
    },

    search(text: string, limit: number): EventRecord[] {
      const query = toFtsQuery(text);
      if (!query) return [];
      return searchStmt.all(query, limit).map(toRecord);
    },

    /** Sources with stored events, most recently heard from first; `limit` keeps it bounded. */
    sources(limit = -1): SourceStats[] {
      return sourcesStmt.all(limit).map((r) => ({
        source: r.source,
        count: r.count,
        unverified: r.unverified,
        first_seen: iso(r.first),
        last_seen: iso(r.last),
      }));
    },

    /** How many sources have stored events. */
    sourceCount(): number {
      return sourceCountStmt.get()!.n;
    },

    /** Whether any event of this source is stored. */
    hasSource(source: string): boolean {
      return hasSourceStmt.get(source) !== undefined;
    },

    /** Events per source per hour (hours since the epoch) from `since` on. */
    hourly(since: number): Array<{ source: string; hour: number; n: number }> {
      return hourlyStmt.all(since);
    },

    maxId(): number {
      return maxIdStmt.get()?.id ?? 0;
    },

    count(): number {
      return countStmt.get()?.n ?? 0;
    },

    recordRejection(r: Omit<Rejection, 'id' | 'at'> & { at: number }): void {
      insertRejection.run({ ...r, headers: JSON.stringify(r.headers) });
      trimRejections.run(MAX_REJECTIONS);
    },

    rejections(source: string | null, limit: number): Rejection[] {
      return listRejections.all(source, source, limit).map((r) => ({
        ...r,
        at: new Date(r.at).toISOString(),
        headers: JSON.parse(r.headers) as Record<string, string>,
      }));
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
