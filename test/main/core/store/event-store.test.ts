// The store on a real SQLite file: batches, dedupe, queries, search, derived views and
// retention.
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/main/core/store/open-db';
import { compress, createEventStore } from '../../../../src/main/core/store/event-store';
import { migrate } from '../../../../src/main/core/store/migrations';
import type { EventStore, IngestItem } from '../../../../src/main/core/store/event-store';
import { createRetention } from '../../../../src/main/core/store/retention';
import { createLogger } from '../../../../src/main/core/logger';
import { tempDir } from '../../../helpers/core';

let db: Database.Database;
let store: EventStore;
let file: string;

beforeEach(() => {
  file = path.join(tempDir(), 'tidings.db');
  db = openDatabase(file).db;
  store = createEventStore(db);
});
afterEach(() => db.close());

let seq = 0;
function item(partial: Partial<IngestItem> & { type?: string; fields?: Record<string, unknown>; deliveryId?: string; subject?: string | null }): IngestItem {
  seq++;
  const { type = 'test.event', fields = {}, deliveryId = `d-${seq}`, subject = null, ...rest } = partial;
  return {
    source: 'demo',
    provider: 'standard',
    verified: true,
    contentType: 'application/json',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ seq })),
    searchText: `event number ${seq}`,
    receivedAt: Date.now(),
    event: { type, subject, summary: `summary ${seq}`, occurredAt: null, deliveryId, fields },
    ...rest,
  };
}

describe('appending', () => {
  it('gives growing ids and marks a repeated delivery id in the same batch as a duplicate', () => {
    const results = store.append([item({ deliveryId: 'x' }), item({ deliveryId: 'y' }), item({ deliveryId: 'x' })]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true]);
    expect(results[2]!.id).toBe(results[0]!.id);
    expect(results[1]!.id).toBeGreaterThan(results[0]!.id);
    expect(store.count()).toBe(2);
    expect(store.sources()).toEqual([expect.objectContaining({ source: 'demo', count: 2, unverified: 0 })]);
  });

  it('keeps the exact body bytes and headers, compressed on disk', () => {
    const body = Buffer.from(JSON.stringify({ text: 'é'.repeat(2000), n: 1 }, null, 3));
    const [r] = store.append([item({ body, headers: { 'x-github-event': 'push' } })]);
    const raw = store.raw(r!.id)!;
    expect(raw.body.equals(body)).toBe(true);
    expect(raw.headers['x-github-event']).toBe('push');
    const stored = db.prepare('SELECT length(body) AS n FROM events WHERE id = ?').get(r!.id) as { n: number };
    expect(stored.n).toBeLessThan(body.length / 5);
  });

  it('never reuses an id after the newest events are deleted', () => {
    const [a] = store.append([item({})]);
    db.prepare('DELETE FROM events').run();
    const [b] = store.append([item({})]);
    expect(b!.id).toBeGreaterThan(a!.id);
  });
});

describe('GitHub body dedupe', () => {
  const github = (body: string, deliveryId: string) => item({ source: 'github', provider: 'github', body: Buffer.from(body), deliveryId });

  it('answers a GitHub body seen before, under a new delivery id, with the first id', () => {
    const [first] = store.append([github('{"zen":"a"}', 'guid-1')]);
    const [replay] = store.append([github('{"zen":"a"}', 'guid-2')]);
    expect(replay).toMatchObject({ id: first!.id, duplicate: true, record: null });
    expect(store.count()).toBe(1);
  });

  it('catches copies in the same batch, and keeps different bodies apart', () => {
    const results = store.append([github('{"zen":"b"}', 'g-1'), github('{"zen":"c"}', 'g-2'), github('{"zen":"b"}', 'g-3')]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true]);
    expect(results[2]!.id).toBe(results[0]!.id);
  });

  it('leaves other providers to their delivery ids (they sign them)', () => {
    const results = store.append([item({ body: Buffer.from('{"same":1}') }), item({ body: Buffer.from('{"same":1}') })]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false]);
    const stored = db.prepare('SELECT count(*) AS n FROM events WHERE body_sha256 IS NOT NULL').get() as { n: number };
    expect(stored.n).toBe(0);
  });

  it('forgets a body once its event is pruned', () => {
    const [first] = store.append([github('{"zen":"d"}', 'old-guid')]);
    db.prepare('DELETE FROM events WHERE id = ?').run(first!.id);
    const [again] = store.append([github('{"zen":"d"}', 'new-guid')]);
    expect(again!.duplicate).toBe(false);
    expect(again!.id).toBeGreaterThan(first!.id);
  });

  it('hashes the GitHub rows of an older database when it is upgraded, the oldest of identical bodies', () => {
    const oldFile = path.join(tempDir(), 'old.db');
    const old = new Database(oldFile);
    migrate(old, 4);
    const insert = old.prepare(`INSERT INTO events (source, type, delivery_id, received_at, subject, summary, verified, fields, content_type, headers, body, body_bytes)
      VALUES (?, 'push', ?, 0, NULL, 's', 1, '{}', 'application/json', '{}', ?, ?)`);
    const rows: Array<[string, string, string]> = [
      ['github', 'g-1', '{"zen":"same"}'],
      ['github', 'g-2', '{"zen":"same"}'],
      ['github', 'g-3', '{"zen":"other"}'],
      ['demo', 'd-1', '{"zen":"same"}'],
    ];
    for (const [source, delivery, body] of rows) insert.run(source, delivery, compress(Buffer.from(body)), body.length);
    old.close();

    const upgraded = openDatabase(oldFile).db;
    try {
      const hashes = upgraded.prepare('SELECT delivery_id, body_sha256 FROM events ORDER BY id').all() as Array<{ delivery_id: string; body_sha256: Buffer | null }>;
      const sha = (text: string) => crypto.createHash('sha256').update(text).digest();
      expect(hashes).toEqual([
        { delivery_id: 'g-1', body_sha256: sha('{"zen":"same"}') },
        { delivery_id: 'g-2', body_sha256: null },
        { delivery_id: 'g-3', body_sha256: sha('{"zen":"other"}') },
        { delivery_id: 'd-1', body_sha256: null },
      ]);
      const [replay] = createEventStore(upgraded).append([github('{"zen":"same"}', 'g-replayed')]);
      expect(replay).toMatchObject({ id: 1, duplicate: true });
    } finally {
      upgraded.close();
    }
  });
});

describe('querying', () => {
  it('filters by source, type prefix and cursor, newest first unless catching up', () => {
    store.append([
      item({ type: 'push' }),
      item({ type: 'pull_request.opened', source: 'github' }),
      item({ type: 'pull_request.closed', source: 'github' }),
      item({ type: 'pull_requests_fake', source: 'github' }),
    ]);
    expect(store.list({ source: 'github', typePrefix: 'pull_request', limit: 10 }).map((e) => e.type)).toEqual([
      'pull_request.closed',
      'pull_request.opened',
    ]);
    const all = store.list({ limit: 10 });
    const after = store.list({ afterId: all[all.length - 1]!.id, limit: 10 });
    expect(after.map((e) => e.id)).toEqual(all.slice(0, -1).map((e) => e.id).reverse());
  });

  it('finds events since a time exactly, even when commit order and arrival order differ', () => {
    const t = Date.now();
    store.append([
      item({ receivedAt: t - 60_000 }),
      item({ receivedAt: t + 5 }), // arrived after the cut, committed first
      item({ receivedAt: t - 1 }), // arrived just before the cut, committed later
      item({ receivedAt: t }),
    ]);
    const since = store.list({ since: t, order: 'asc', limit: 10 });
    expect(since.map((e) => Date.parse(e.received_at) - t)).toEqual([5, 0]);
    expect(store.list({ since: t + 60_000, order: 'asc', limit: 10 })).toEqual([]);
  });

  it('searches words across summaries and payload text, safely for any input', () => {
    store.append([item({ searchText: 'Fix the flaky login test' }), item({ searchText: 'Add billing page' })]);
    expect(store.search('flaky login', 10).map((e) => e.summary)).toHaveLength(1);
    expect(store.search('"unbalanced AND (', 10)).toEqual([]);
    expect(store.search('***', 10)).toEqual([]);
  });
});

describe('derived views', () => {
  it('records a push with its commits, and finds it by a SHA prefix', () => {
    store.append([
      item({
        provider: 'github',
        source: 'github',
        type: 'push',
        subject: 'octo/hello',
        fields: {
          event: 'push',
          branch: 'main',
          ref: 'refs/heads/main',
          after: 'ABCDEF1234567890',
          pusher: 'ada',
          commit_count: 2,
          commits: [
            { sha: 'abcdef1234567890', message: 'one', author: 'Ada', timestamp: '2026-01-01T00:00:00Z' },
            { sha: '1111111111111111', message: 'two', author: 'Ada', timestamp: '2026-01-01T00:01:00Z' },
          ],
        },
      }),
    ]);
    const push = db.prepare('SELECT * FROM gh_pushes').get() as { head_sha: string; commit_count: number };
    expect(push.head_sha).toBe('abcdef1234567890');
    expect(push.commit_count).toBe(2);
    expect((db.prepare('SELECT count(*) AS n FROM gh_commits').get() as { n: number }).n).toBe(2);
  });

  it('creates each Stripe action once per event, even when the event is redelivered', () => {
    const stripeItem = (deliveryId: string) =>
      item({
        provider: 'stripe',
        source: 'stripe',
        type: 'invoice.payment_failed',
        deliveryId,
        fields: { event_id: 'evt_1', customer_id: 'cus_1', amount: 12.5, currency: 'usd' },
      });
    store.append([stripeItem('evt_1'), stripeItem('evt_1')]);
    const actions = db.prepare('SELECT * FROM stripe_actions').all() as Array<{ action_type: string; status: string }>;
    expect(actions).toEqual([expect.objectContaining({ action_type: 'send_payment_failed_email', status: 'pending' })]);
    expect((db.prepare('SELECT count(*) AS n FROM stripe_action_history').get() as { n: number }).n).toBe(1);
  });

  it('measures a Vercel deployment from its first event', () => {
    const t0 = Date.now();
    const vercel = (type: string, state: string, at: number) =>
      item({
        provider: 'vercel',
        source: 'vercel',
        type,
        subject: 'site',
        receivedAt: at,
        fields: { project: 'site', deployment_id: 'dpl_1', state, commit_sha: 'ABC123', url: 'https://site.vercel.app' },
      });
    store.append([vercel('deployment.created', 'created', t0)]);
    store.append([vercel('deployment.succeeded', 'succeeded', t0 + 42_000)]);
    const rows = db.prepare('SELECT state, duration_ms, commit_sha FROM deployments ORDER BY event_id').all();
    expect(rows).toEqual([
      { state: 'created', duration_ms: null, commit_sha: 'abc123' },
      { state: 'succeeded', duration_ms: 42_000, commit_sha: 'abc123' },
    ]);
  });
});

describe('retention', () => {
  it('drops events past the age limit with their derived rows, keeping Stripe actions', async () => {
    const old = Date.now() - 40 * 86_400_000;
    store.append([
      item({ receivedAt: old, provider: 'stripe', type: 'checkout.session.completed', fields: { event_id: 'evt_old' } }),
      item({ receivedAt: old }),
      item({}),
    ]);
    const retention = createRetention(db, createLogger({ stderr: false }), { maxAgeDays: 30, maxBytes: 1e12 });
    expect(await retention.run()).toBe(2);
    expect(store.count()).toBe(1);
    const scanned = db.prepare('SELECT source, count(*) AS count, min(received_at) AS first FROM events GROUP BY source').all();
    expect(store.sources().map((s) => ({ source: s.source, count: s.count, first: Date.parse(s.first_seen!) }))).toEqual(scanned);
    const action = db.prepare('SELECT event_id FROM stripe_actions').get() as { event_id: number | null };
    expect(action.event_id).toBeNull();
    expect(store.search('event number', 10)).toHaveLength(1);
  });

  it('drops the oldest events until the database fits its size budget', async () => {
    const big = () => item({ body: Buffer.from(JSON.stringify(Array.from({ length: 2000 }, () => Math.random()))) });
    for (let i = 0; i < 10; i++) store.append(Array.from({ length: 20 }, big));
    const retention = createRetention(db, createLogger({ stderr: false }), { maxAgeDays: 30, maxBytes: 1024 * 1024, chunk: 20 });
    const before = store.count();
    const removed = await retention.run();
    expect(removed).toBeGreaterThan(0);
    expect(store.count()).toBe(before - removed);
    const newest = store.list({ limit: 1 })[0]!;
    expect(newest.id).toBe(200);
  });
});

describe('retention by size', () => {
  it('drops unverified events before any verified one, even when the verified ones are older', async () => {
    const big = (verified: boolean) =>
      item({ verified, source: verified ? 'github' : 'made-up', body: Buffer.from(JSON.stringify(Array.from({ length: 2000 }, () => Math.random()))) });
    for (let i = 0; i < 5; i++) store.append(Array.from({ length: 20 }, () => big(true)));
    for (let i = 0; i < 5; i++) store.append(Array.from({ length: 20 }, () => big(false)));
    const used = () => {
      const n = (p: string) => db.pragma(p, { simple: true }) as number;
      return (n('page_count') - n('freelist_count')) * n('page_size');
    };
    // A budget that forces out some, but not all, of the 100 unverified events.
    const retention = createRetention(db, createLogger({ stderr: false }), { maxAgeDays: 30, maxBytes: Math.floor(used() * 0.75), chunk: 10 });
    const removed = await retention.run();
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(100);
    const left = db.prepare('SELECT verified, count(*) AS n, min(id) AS first FROM events GROUP BY verified ORDER BY verified').all();
    expect(left).toEqual([
      { verified: 0, n: 100 - removed, first: 101 + removed },
      { verified: 1, n: 100, first: 1 },
    ]);
    expect(store.sources().find((s) => s.source === 'made-up')).toMatchObject({ count: 100 - removed, unverified: 100 - removed });
  });
});

describe('opening', () => {
  it('uses WAL with full sync, and refuses a database from a newer Tidings', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this Tidings/);
    db = new Database(file);
  });
});
