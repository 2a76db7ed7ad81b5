// One event that cannot be shown must not stall an assistant that follows events: a body
// nested 100,000 levels deep (stored before ingest refused such bodies) and a body damaged
// on disk are written straight into the SQLite file; every way of following events still
// returns their ids and says why their payload is missing. And ingest now refuses deep bodies.
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { sign } from '@octokit/webhooks-methods';
import { compress } from '../../../../src/main/core/store/event-store';
import { MAX_JSON_DEPTH } from '../../../../src/main/core/webhooks/util';
import { api, post, startTestCore, tempDir } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { expectContained } from '../../../helpers/contained';

const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}[1]${'}'.repeat(levels - 1)}`;

let core: TestCore;
let client: Client;
let ids: { before: number; deep: number; damaged: number; after: number };

async function call(name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { result, data: result.structuredContent as Record<string, any>, text: (result.content[0] as { text: string }).text };
}

beforeAll(async () => {
  const dataDir = tempDir();
  // With a secret set, only configured sources are accepted: `app` is listed.
  core = await startTestCore(
    { dataDir, rateLimit: { perSecond: 10_000, burst: 10_000 }, sources: { allow: ['app'] } },
    { TIDINGS_SECRET_SIGNED: 'a-signing-secret-0123' },
  );
  const before = (await post(`${core.ingestUrl}/webhooks/app`, JSON.stringify({ type: 'before' }))).body.id as number;
  const db = new Database(path.join(dataDir, 'tidings.db'));
  try {
    const insert = db.prepare(`INSERT INTO events (source, type, delivery_id, received_at, occurred_at, subject, summary, verified,
      fields, content_type, headers, body, body_bytes) VALUES ('app', ?, ?, ?, NULL, NULL, ?, 0, '{}', 'application/json', '{}', ?, ?)`);
    const row = (type: string, body: Buffer, bytes: number) =>
      Number(insert.run(type, crypto.randomUUID(), Date.now(), `${type} event`, body, bytes).lastInsertRowid);
    ids = {
      before,
      deep: row('deep', compress(Buffer.from(DEEP)), DEEP.length),
      damaged: row('damaged', crypto.randomBytes(64), 64),
      after: 0,
    };
  } finally {
    db.close();
  }
  ids.after = (await post(`${core.ingestUrl}/webhooks/app`, JSON.stringify({ type: 'after' }))).body.id as number;
  client = new Client({ name: 'unshowable-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }),
  );
}, 60_000);

afterAll(async () => {
  await client?.close();
  await core?.close();
});

describe('an event whose payload cannot be shown', () => {
  it('wait_for_event returns it with its cursor, and the follower moves on to the next', async () => {
    const seen: number[] = [];
    let cursor = ids.before;
    while (cursor < ids.after) {
      const { result, data, text } = await call('wait_for_event', { source: 'app', after_cursor: cursor, timeout_seconds: 2 });
      expect(result.isError ?? false, text).toBe(false);
      expect(data.timed_out).toBe(false);
      expectContained(text, /SYSTEM:/, `wait_for_event after ${cursor}`);
      expect(text).toContain(`after_cursor=${data.cursor}`);
      seen.push(data.cursor);
      cursor = data.cursor;
    }
    expect(seen).toEqual([ids.deep, ids.damaged, ids.after]);
  });

  it('get_event_by_id shows what is known and why the payload is missing, not an error', async () => {
    const deep = await call('get_event_by_id', { id: ids.deep, max_bytes: 2000 });
    expect(deep.result.isError ?? false).toBe(false);
    expect(deep.data.event.id).toBe(ids.deep);
    expect(deep.text).toContain(`more than ${MAX_JSON_DEPTH} levels deep`);
    expect(deep.data.payload_truncated).toBe(true);
    expectContained(deep.text, /SYSTEM:/, 'get_event_by_id (deep)');
    const damaged = await call('get_event_by_id', { id: ids.damaged });
    expect(damaged.result.isError ?? false).toBe(false);
    expect(damaged.data.event.id).toBe(ids.damaged);
    expect(damaged.text).toMatch(/stored body could not be read/);
  });

  it('get_events_since and replay_events page past it', async () => {
    const since = await call('get_events_since', { cursor: ids.before, limit: 10 });
    expect(since.data.events.map((e: any) => e.id)).toEqual([ids.deep, ids.damaged, ids.after]);
    const replay = await call('replay_events', { after_cursor: ids.before, limit: 1 });
    expect(replay.data.next_cursor).toBe(ids.deep);
  });

  it('the API answers 200 with the reason instead of a 500', async () => {
    const deep = await api<Record<string, unknown>>(core, 'GET', `/api/events/${ids.deep}`);
    expect(deep.status).toBe(200);
    expect(deep.body).toMatchObject({ id: ids.deep, payload: null, problem: expect.stringMatching(/levels deep/) });
    expect(deep.body.body).toBe(DEEP);
    const damaged = await api<Record<string, unknown>>(core, 'GET', `/api/events/${ids.damaged}`);
    expect(damaged.status).toBe(200);
    expect(damaged.body).toMatchObject({ id: ids.damaged, payload: null, problem: expect.stringMatching(/could not be read/) });
  });

  it('the SSE stream delivers both in order', async () => {
    const controller = new AbortController();
    const res = await fetch(`${core.controlUrl}/api/events/stream?after=${ids.before}`, {
      headers: { authorization: `Bearer ${core.token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes(`id: ${ids.after}\n`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([ids.deep, ids.damaged, ids.after]);
  });
});

describe('ingest refuses bodies nested too deep', () => {
  it(`answers 400 with the reason past ${MAX_JSON_DEPTH} levels, stores nothing, and accepts ${MAX_JSON_DEPTH}`, async () => {
    const count = core.store.count();
    const refused = await post(`${core.ingestUrl}/webhooks/app`, DEEP);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 400, error: expect.stringContaining(`more than ${MAX_JSON_DEPTH} levels deep`) });
    expect((await post(`${core.ingestUrl}/webhooks/app`, nested(MAX_JSON_DEPTH + 1))).status).toBe(400);
    expect(core.store.count()).toBe(count);
    const accepted = await post(`${core.ingestUrl}/webhooks/app`, nested(MAX_JSON_DEPTH));
    expect(accepted.status).toBe(200);
    const shown = await call('get_event_by_id', { id: accepted.body.id });
    expect(shown.result.isError ?? false).toBe(false);
  });

  it('refuses a deep GitHub form payload too', async () => {
    const body = `payload=${encodeURIComponent(DEEP)}`;
    const res = await post(`${core.ingestUrl}/webhooks/github`, body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-github-event': 'push',
      'x-github-delivery': crypto.randomUUID(),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/levels deep/);
  });

  it('answers a deep body with a wrong signature 401, not 500', async () => {
    const res = await post(`${core.ingestUrl}/webhooks/signed`, DEEP, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': `v1,${Buffer.from(await sign('wrong', DEEP)).toString('base64')}`,
    });
    expect(res.status).toBe(401);
  });
});
