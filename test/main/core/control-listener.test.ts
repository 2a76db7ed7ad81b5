// The control listener's limits, over raw sockets on loopback: refusals close the connection,
// a body that trickles in is cut off with 408 while a live stream outlasts that timeout, the
// number of open connections is capped, and nothing it serves may be framed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { post, startTestCore } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';

const TIMEOUT_MS = 1_000;
const MAX_CONNECTIONS = 8;
let core: TestCore;
let port: number;

beforeAll(async () => {
  core = await startTestCore({ control: { requestTimeoutMs: TIMEOUT_MS, maxConnections: MAX_CONNECTIONS } });
  port = Number(new URL(core.controlUrl).port);
});
afterAll(async () => {
  await core.close();
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function readToEnd(s: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('error', () => resolve(text));
    s.on('close', () => resolve(text));
  });
}

const request = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('refusals', () => {
  it.each([
    ['401 without a token', ['GET /api/health HTTP/1.1', `Host: 127.0.0.1:PORT`], /^HTTP\/1\.1 401/],
    ['403 for a foreign Host', ['GET /api/health HTTP/1.1', 'Host: evil.example'], /^HTTP\/1\.1 403/],
    ['403 for a foreign Origin', ['GET /api/health HTTP/1.1', 'Host: 127.0.0.1:PORT', 'Origin: http://evil.example'], /^HTTP\/1\.1 403/],
  ])('%s carries Connection: close and the server closes the socket', async (_name, lines, status) => {
    const s = await connect();
    const done = readToEnd(s);
    // keep-alive asked for, and refused all the same
    s.write(request([...lines.map((l) => l.replace('PORT', String(port))), 'Connection: keep-alive']));
    const text = await done;
    expect(text).toMatch(status);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
    expect(text).toMatch(/"error":/);
  });
});

describe('slow requests', () => {
  it('a body that stops arriving gets 408 with a sentence, and the socket closes', async () => {
    const s = await connect();
    const done = readToEnd(s);
    s.write(
      request([
        'PUT /api/secrets/demo HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Authorization: Bearer ${core.token}`,
        'Content-Type: application/json',
        'Content-Length: 100',
      ]) + '{"value":"only part of it',
    );
    const text = await done;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toMatch(/the request took too long to arrive/);
    // Nothing half-sent was acted on.
    expect(core.secrets.forSource('demo')).toEqual([]);
  });

  it('a live event stream is an answer, not a request: it outlasts the request timeout and still delivers', async () => {
    const res = await fetch(`${core.controlUrl}/api/events/stream`, { headers: { authorization: `Bearer ${core.token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    // Past the request timeout and at least one of the server's 2 s connection sweeps.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 2_500));
    const sent = await post(`${core.ingestUrl}/webhooks/demo`, '{"late":true}');
    expect(sent.status).toBe(200);
    let text = '';
    while (!text.includes(`id: ${String(sent.body.id)}`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    expect(text).toContain(`id: ${String(sent.body.id)}`);
    await reader.cancel();
  });

  it('a wait_for_event call is answered when its event comes, however long past the request timeout', async () => {
    const client = new Client({ name: 'long-poll', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
    try {
      const waiting = client.callTool({ name: 'wait_for_event', arguments: { source: 'longpoll', timeout_seconds: 60 } });
      await new Promise((r) => setTimeout(r, TIMEOUT_MS + 2_500));
      const sent = await post(`${core.ingestUrl}/webhooks/longpoll`, '{"after":"a while"}');
      const result = (await waiting) as { structuredContent?: { timed_out: boolean; cursor: number } };
      expect(result.structuredContent).toMatchObject({ timed_out: false, cursor: sent.body.id });
    } finally {
      await client.close();
    }
  });
});

describe('the connection cap', () => {
  it('refuses connections beyond the cap and accepts again once one closes', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, connect));
    // Each is a real HTTP connection the server has accepted.
    held[0]!.write(request(['GET /api/health HTTP/1.1', `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${core.token}`]));
    await new Promise<void>((r) => held[0]!.once('data', () => r()));
    const extra = await connect();
    const refused = readToEnd(extra);
    extra.write(request(['GET /api/health HTTP/1.1', `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${core.token}`]));
    expect(await refused).toBe('');
    const closed = new Promise((r) => held[1]!.once('close', r));
    held[1]!.destroy();
    await closed;
    // The server counts the closed socket as gone once it has seen the close.
    let ok = 0;
    for (let attempt = 0; attempt < 50 && ok === 0; attempt++) {
      const res = await fetch(`${core.controlUrl}/api/health`, { headers: { authorization: `Bearer ${core.token}`, connection: 'close' } }).catch(() => null);
      if (res?.status === 200) ok = 1;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(ok).toBe(1);
    for (const s of held) s.destroy();
  });
});

describe('framing', () => {
  it.each(['/login?code=unknown', '/api/health', '/'])('%s says frame-ancestors none and X-Frame-Options DENY', async (pathname) => {
    const res = await fetch(`${core.controlUrl}${pathname}`, { headers: { authorization: `Bearer ${core.token}` } });
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
