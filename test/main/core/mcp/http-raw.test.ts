// /mcp spoken by hand, without an SDK client: what each revision answers to requests that
// are malformed, oversized or unusual, and the 2025 session operations (GET stream,
// DELETE, Last-Event-ID resumption) byte by byte.
import http from 'node:http';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../src/shared/events';
import { MAX_LISTEN_URIS } from '../../../../src/main/core/mcp/modern';
import { post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

const MODERN = '2026-07-28';
let core: TestCore;
let url: string;

beforeAll(async () => {
  core = await startTestCore({ rateLimit: { perSecond: 10_000, burst: 10_000 } });
  url = `${core.controlUrl}/mcp`;
});
afterAll(async () => {
  await core?.close();
});

const base = () => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${core.token}` });
const envelope = (version = MODERN) => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
});

/** A 2026 request with the standard headers a conforming client sends. */
function modern(method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}, version = MODERN) {
  const name = typeof params.uri === 'string' ? params.uri : typeof params.name === 'string' ? params.name : undefined;
  return fetch(url, {
    method: 'POST',
    headers: { ...base(), 'mcp-protocol-version': version, 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}), ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: envelope(version) } }),
  });
}

interface Frame {
  id?: string;
  data: any;
}

/** Read SSE frames off a response until `n` JSON frames have come (comment frames skipped); `done` closes the stream after. */
async function frames(res: Response, n: number, done = false): Promise<Frame[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: Frame[] = [];
  let buffer = '';
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0 && out.length < n) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      const id = block.split('\n').find((l) => l.startsWith('id:'))?.slice(3).trim();
      if (data) out.push({ ...(id ? { id } : {}), data: JSON.parse(data) });
    }
  }
  if (done) await reader.cancel();
  else reader.releaseLock();
  return out;
}

describe('2026-07-28 by hand', () => {
  it('refuses a request without the MCP-Protocol-Version header and says which header is missing', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...base(), 'mcp-method': 'tools/list' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32020);
    expect(body.error.message).toMatch(/MCP-Protocol-Version header is absent/);
  });

  it('refuses a message nested deeper than ingest allows with 400 and the reason, on either revision, and keeps serving', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const headers of [{ 'mcp-protocol-version': MODERN }, {}] as Array<Record<string, string>>) {
      const res = await fetch(url, { method: 'POST', headers: { ...base(), ...headers }, body: deep });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: number; message: string } };
      expect(body.error.message).toMatch(/deeper than 128 levels/);
    }
    expect((await modern('server/discover')).status).toBe(200);
  });

  it('answers an unknown protocol version with the spec’s error, naming the revision it serves', async () => {
    const res = await modern('tools/list', {}, {}, '2099-01-01');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: number; data: { supported: string[]; requested: string } } };
    expect(body.error.code).toBe(-32022);
    expect(body.error.data).toEqual({ supported: [MODERN], requested: '2099-01-01' });
  });

  it('answers server/discover with the capabilities both revisions share', async () => {
    const res = await modern('server/discover');
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: Record<string, any> };
    expect(result.supportedVersions).toContain(MODERN);
    expect(result.capabilities.resources).toMatchObject({ subscribe: true });
    expect(result.capabilities.tools).toBeDefined();
    expect(result.instructions).toMatch(/cursor/);
  });

  it('lets lists be cached briefly, and reads of live data not at all', async () => {
    const hint = async (method: string, params: Record<string, unknown> = {}) => {
      const { result } = (await (await modern(method, params)).json()) as { result: { ttlMs: number; cacheScope: string } };
      return { ttlMs: result.ttlMs, cacheScope: result.cacheScope };
    };
    expect(await hint('tools/list')).toEqual({ ttlMs: 60_000, cacheScope: 'private' });
    expect(await hint('prompts/list')).toEqual({ ttlMs: 60_000, cacheScope: 'private' });
    expect(await hint('resources/list')).toEqual({ ttlMs: 5_000, cacheScope: 'private' });
    expect(await hint('resources/read', { uri: 'tidings://events/recent' })).toEqual({ ttlMs: 0, cacheScope: 'private' });
  });

  it('refuses a listen request that names thousands of URIs, with what to do instead', async () => {
    const uris = Array.from({ length: 5000 }, (_, i) => `tidings://events/${i + 1}`);
    const res = await modern('subscriptions/listen', { notifications: { resourceSubscriptions: uris } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { id: number; error: { code: number; message: string } };
    expect(body.id).toBe(1);
    expect(body.error.code).toBe(-32602);
    expect(body.error.message).toMatch(new RegExp(`names 5000 resource URIs; one stream may name at most ${MAX_LISTEN_URIS}`));
    expect(body.error.message).toMatch(/tidings:\/\/events\/recent/);
  });

  it('accepts a listen request at the bound and acknowledges every URI in it', async () => {
    const uris = Array.from({ length: MAX_LISTEN_URIS }, (_, i) => `tidings://events/${i + 1}`);
    const res = await modern('subscriptions/listen', { notifications: { resourceSubscriptions: uris } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const [ack] = await frames(res, 1, true);
    expect(ack!.data.method).toBe('notifications/subscriptions/acknowledged');
    expect(ack!.data.params.notifications.resourceSubscriptions).toHaveLength(MAX_LISTEN_URIS);
  });

  it('cuts off a listen stream whose client stopped reading, and keeps serving one that reads', async () => {
    const project = `p${'x'.repeat(900)}`;
    const uri = `tidings://deployments/${project}`;
    const open = async (id: string) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { _meta: envelope(), notifications: { resourceSubscriptions: [uri] } } });
      const req = http.request(url, { method: 'POST', headers: { ...base(), 'mcp-protocol-version': MODERN, 'mcp-method': 'subscriptions/listen', 'content-length': Buffer.byteLength(body) } });
      req.on('error', () => undefined);
      const responded = new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
      req.end(body);
      const res = await responded;
      expect(res.statusCode).toBe(200);
      return { req, res };
    };
    const stalled = await open('stalled');
    // Stop reading: the sockets' buffers fill, then the server's backlog grows.
    stalled.res.pause();

    // A client that keeps reading the same updates, counting them frame by frame.
    const reading = await open('reading');
    let heard = 0;
    let pending = '';
    let caughtUp: { count: number; resolve: () => void } | null = null;
    reading.res.setEncoding('utf8');
    reading.res.on('data', (text: string) => {
      const blocks = (pending + text).split('\n\n');
      pending = blocks.pop()!;
      heard += blocks.filter((b) => b.includes('"notifications/resources/updated"')).length;
      if (caughtUp && heard >= caughtUp.count) caughtUp.resolve();
    });
    const hearUpTo = (count: number) => (heard >= count ? Promise.resolve() : new Promise<void>((resolve) => (caughtUp = { count, resolve })));

    // The bus carries every committed event to MCP; publishing deployment records on it
    // directly stands in for thousands of webhooks, each about 1 KB on the stream: about
    // 30 MB in all, far past what the sockets and the 1 MiB backlog hold. Each batch goes
    // out once the reading client has taken the one before, as a client that keeps up does.
    const record = (id: number): EventRecord => ({
      id,
      source: 'vercel',
      type: 'deployment.created',
      received_at: new Date().toISOString(),
      occurred_at: null,
      subject: project,
      summary: 'deployment created',
      verified: true,
      delivery_id: crypto.randomUUID(),
      fields: { project },
    });
    const total = 30_000;
    let sent = 0;
    while (sent < total) {
      core.bus.publish(Array.from({ length: 500 }, () => record(10_000_000 + ++sent)));
      await hearUpTo(sent);
    }
    const frameBytes = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } }).length;

    // Read the stalled stream again: cut off, it ends after what the sockets held; had it
    // not been, it would go on delivering all 30 MB and never end.
    let received = 0;
    stalled.res.on('data', (d: Buffer) => (received += d.length));
    await new Promise<void>((resolve) => {
      stalled.res.on('end', resolve);
      stalled.res.on('aborted', resolve);
      stalled.res.on('error', () => resolve());
      stalled.res.resume();
    });
    expect(received).toBeLessThan((total * frameBytes) / 2);

    // The reading client was not cut off with it: it heard every update, and hears new ones.
    expect(heard).toBe(total);
    core.bus.publish([record(10_000_000 + ++sent)]);
    await hearUpTo(sent);
    reading.req.destroy();
  }, 90_000);
});

describe('2025-11-25 by hand', () => {
  async function initialize(): Promise<string> {
    const res = await fetch(url, {
      method: 'POST',
      headers: base(),
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const session = res.headers.get('mcp-session-id')!;
    await rpc(session, { jsonrpc: '2.0', method: 'notifications/initialized' });
    return session;
  }
  const headers2025 = (session: string) => ({ ...base(), 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  const rpc = (session: string, message: Record<string, unknown>) => fetch(url, { method: 'POST', headers: headers2025(session), body: JSON.stringify(message) });

  it('serves a GET stream only to a known session, and DELETE ends the session', async () => {
    const orphan = await fetch(url, { headers: base() });
    expect(orphan.status).toBe(400);
    expect(((await orphan.json()) as { error: { message: string } }).error.message).toMatch(/send an initialize request first/);

    const session = await initialize();
    const controller = new AbortController();
    const stream = await fetch(url, { headers: headers2025(session), signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    controller.abort();

    const ended = await fetch(url, { method: 'DELETE', headers: headers2025(session) });
    expect(ended.status).toBe(200);
    const after = await rpc(session, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(after.status).toBe(404);
    expect(((await after.json()) as { error: { message: string } }).error.message).toMatch(/start a new one with initialize/);
  });

  it('resumes a dropped GET stream after Last-Event-ID with exactly what it missed', async () => {
    const session = await initialize();
    const source = `resume-${crypto.randomUUID().slice(0, 8)}`;
    const uri = `tidings://sources/${source}/recent`;
    const subscribed = await rpc(session, { jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri } });
    expect(subscribed.status).toBe(200);
    await subscribed.text();

    const first = new AbortController();
    const stream = await fetch(url, { headers: headers2025(session), signal: first.signal });
    const sentBefore = await post(`${core.ingestUrl}/webhooks/${source}`, JSON.stringify({ n: 1 }));
    expect(sentBefore.status).toBe(200);
    const [seen] = await frames(stream, 1);
    expect(seen!.data).toMatchObject({ method: 'notifications/resources/updated', params: { uri } });
    expect(seen!.id).toBeTruthy();
    first.abort();

    // Two events while the client is away.
    await post(`${core.ingestUrl}/webhooks/${source}`, JSON.stringify({ n: 2 }));
    await post(`${core.ingestUrl}/webhooks/${source}`, JSON.stringify({ n: 3 }));

    const second = new AbortController();
    const resumed = await fetch(url, { headers: { ...headers2025(session), 'last-event-id': seen!.id! }, signal: second.signal });
    expect(resumed.status).toBe(200);
    const replayPromise = frames(resumed, 3);
    await post(`${core.ingestUrl}/webhooks/${source}`, JSON.stringify({ n: 4 }));
    const replayed = await replayPromise;
    expect(replayed.map((f) => f.data.params.uri)).toEqual([uri, uri, uri]);
    // Ids only grow, and none is the one the client had already seen.
    expect(new Set(replayed.map((f) => f.id)).size).toBe(3);
    expect(replayed.map((f) => f.id)).not.toContain(seen!.id);
    second.abort();
  });
});
