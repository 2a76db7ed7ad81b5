// Credential-like headers (token, secret, key, auth, hmac, password, cookie, signature ...)
// are dropped before an event is stored, so they are never forwarded, logged or returned;
// the body signatures of the schemes Tidings verifies are kept for forwarding and masked
// wherever else headers are shown. End to end through a real core, a real forward target,
// the real MCP SDK client, and @octokit/webhooks-methods as the signature oracle.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { sign, verify } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import type { EventDetail, Rejection } from '../../../src/shared/events';
import { BODY_SIGNATURES, maskedHeaders, storableHeaders } from '../../../src/main/core/credential-headers';
import { createLogger } from '../../../src/main/core/logger';
import { forwardableHeaders } from '../../../src/main/core/outbound/send';
import { createEventStore } from '../../../src/main/core/store/event-store';
import { openDatabase } from '../../../src/main/core/store/open-db';
import { api, post, startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';
import { startReceiver } from '../../helpers/receiver';
import type { Receiver } from '../../helpers/receiver';

/** Values an attacker or a misconfigured sender might put in headers; none may survive. */
const CREDENTIALS: Record<string, string> = {
  authorization: 'Bearer cred-authorization-0001',
  'proxy-authorization': 'Basic cred-proxy-0002',
  cookie: 'session=cred-cookie-0003',
  'x-gitlab-token': 'cred-gitlab-0004',
  'x-hook-secret': 'cred-asana-0005',
  'x-shopify-hmac-sha256': 'cred-shopify-0006',
  'x-api-key': 'cred-apikey-0007',
  'x-auth-token': 'cred-authtoken-0008',
  'x-webhook-password': 'cred-password-0009',
  'x-amz-security-token': 'cred-amz-0010',
  'x-custom-signature': 'cred-customsig-0011',
};
const LEAK = /cred-[a-z]+-\d{4}/;

describe('storableHeaders and maskedHeaders', () => {
  it.each(Object.keys(CREDENTIALS))('drops %s, matched by its name', (name) => {
    expect(storableHeaders({ [name]: 'x', 'x-github-event': 'push' })).toEqual({ 'x-github-event': 'push' });
    expect(maskedHeaders({ [name]: 'x' })).toEqual({});
  });

  it.each([...BODY_SIGNATURES])('keeps the body signature %s for forwarding, and masks it for display', (name) => {
    expect(storableHeaders({ [name]: 'sha256=abc' })).toEqual({ [name]: 'sha256=abc' });
    expect(maskedHeaders({ [name]: 'sha256=abc' })).toEqual({ [name]: '(10 chars)' });
  });

  it('keeps ordinary headers whole, whatever their case', () => {
    const headers = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'User-Agent': 'GitHub-Hookshot/1', 'X-GitHub-Delivery': 'd-1', 'keep-alive': '5' };
    expect(storableHeaders(headers)).toEqual(headers);
    expect(maskedHeaders(headers)).toEqual(headers);
  });
});

const GITHUB_SECRET = 'credential-headers-github-secret';
let core: TestCore;
let dev: Receiver;
let client: Client;

beforeAll(async () => {
  core = await startTestCore({ outbound: { policy: { localSchedule: [40], jitter: 0 } } }, { TIDINGS_SECRET_GITHUB: GITHUB_SECRET });
  dev = await startReceiver();
  const added = await api(core, 'POST', '/api/targets', { name: 'dev', url: dev.url, mode: 'forward', sources: ['github'], allow_private: true });
  expect(added.status).toBe(201);
  client = new Client({ name: 'credential-headers-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
});
afterAll(async () => {
  await client.close();
  await dev.close();
  await core.close();
});

async function sendGithub(body: string, signature: string, delivery = crypto.randomUUID()) {
  return post(`${core.ingestUrl}/webhooks/github`, body, {
    'x-github-event': 'push',
    'x-github-delivery': delivery,
    'x-hub-signature-256': signature,
    ...CREDENTIALS,
  });
}

describe('a signed GitHub delivery sent with credential headers', () => {
  let id: number;
  let body: string;
  beforeAll(async () => {
    body = JSON.stringify({ ...(examples.find((g) => g.name === 'push')!.examples[0] as object), note: crypto.randomUUID() });
    const res = await sendGithub(body, await sign(GITHUB_SECRET, body));
    expect(res.status).toBe(200);
    id = res.body.id as number;
  });

  it('is stored without them, signature kept', () => {
    const row = core.db.prepare('SELECT headers FROM events WHERE id = ?').get(id) as { headers: string };
    expect(row.headers).not.toMatch(LEAK);
    expect(Object.keys(JSON.parse(row.headers) as object)).not.toEqual(expect.arrayContaining(['authorization']));
    expect((JSON.parse(row.headers) as Record<string, string>)['x-hub-signature-256']).toMatch(/^sha256=/);
  });

  it('is forwarded without them, with a signature the app verifies with its own secret', async () => {
    const [got] = await dev.waitFor(1);
    expect(got!.body.toString()).toBe(body);
    for (const name of Object.keys(CREDENTIALS)) expect(got!.headers[name], name).toBeUndefined();
    expect(JSON.stringify(got!.headers)).not.toMatch(LEAK);
    expect(await verify(GITHUB_SECRET, got!.body.toString(), got!.headers['x-hub-signature-256'] as string)).toBe(true);
  });

  it('comes back from the local API without them; the person still sees the signature', async () => {
    const detail = await api<EventDetail>(core, 'GET', `/api/events/${id}`);
    expect(JSON.stringify(detail.body.headers)).not.toMatch(LEAK);
    expect(await verify(GITHUB_SECRET, body, detail.body.headers['x-hub-signature-256']!)).toBe(true);
  });

  it('comes back from MCP without them and with the signature value masked', async () => {
    const result = (await client.callTool({ name: 'get_event_by_id', arguments: { id } })) as CallToolResult;
    const headers = (result.structuredContent as { headers: Record<string, string> }).headers;
    expect(headers['x-hub-signature-256']).toBe('(71 chars)');
    expect(headers['x-github-event']).toBe('push');
    expect(JSON.stringify(result)).not.toMatch(LEAK);
    expect(JSON.stringify(result)).not.toContain(await sign(GITHUB_SECRET, body));
    const resource = await client.readResource({ uri: `tidings://events/${id}` });
    const text = JSON.stringify(resource);
    expect(text).not.toMatch(LEAK);
    expect(text).toContain('(71 chars)');
  });

  it('is resent by "Resend to…" without them, signature kept', async () => {
    const before = dev.received.length;
    const res = await api<{ status: number }>(core, 'POST', `/api/events/${id}/resend`, { url: dev.url });
    expect(res.body.status).toBe(200);
    const got = dev.received[before]!;
    expect(JSON.stringify(got.headers)).not.toMatch(LEAK);
    expect(await verify(GITHUB_SECRET, got.body.toString(), got.headers['x-hub-signature-256'] as string)).toBe(true);
  });
});

describe('a refused delivery', () => {
  it('is kept in the rejection log without credentials or the signature value', async () => {
    const delivery = crypto.randomUUID();
    const res = await sendGithub('{"zen":"x"}', 'sha256=' + '0'.repeat(64), delivery);
    expect(res.status).toBe(401);
    const logged = await vi.waitFor(async () => {
      const log = await api<{ rejections: Rejection[] }>(core, 'GET', '/api/rejections?source=github');
      const found = log.body.rejections.find((r) => r.delivery_id === delivery);
      if (!found) throw new Error('rejection not logged yet');
      return found;
    });
    expect(JSON.stringify(logged)).not.toMatch(LEAK);
    expect(logged.headers['x-hub-signature-256']).toBe('(71 chars)');
  });
});

describe('the log file', () => {
  it('masks headers and credential-named fields however a caller passes them', () => {
    const dir = tempDir();
    const logger = createLogger({ dir, stderr: false });
    logger.warn('odd delivery', { headers: { ...CREDENTIALS, 'stripe-signature': 't=1,v1=abc', 'x-github-event': 'push' }, token: 'cred-token-0012', source: 'github' });
    logger.close();
    return vi.waitFor(() => {
      const text = fs.readFileSync(path.join(dir, 'tidings.log'), 'utf8');
      expect(text).toContain('odd delivery');
      expect(text).not.toMatch(LEAK);
      expect(text).not.toContain('v1=abc');
      expect(text).toContain('"x-github-event":"push"');
      expect(text).toContain('"source":"github"');
    });
  });
});

describe('rows stored before credentials were dropped', () => {
  it('are read and forwarded without them', () => {
    const { db } = openDatabase(path.join(tempDir(), 'tidings.db'));
    try {
      const store = createEventStore(db);
      const [r] = store.append([
        {
          source: 'github',
          provider: 'github',
          verified: true,
          contentType: 'application/json',
          headers: { ...CREDENTIALS, 'x-github-event': 'ping', 'x-hub-signature-256': 'sha256=abc' },
          body: Buffer.from('{"zen":"old"}'),
          searchText: 'old',
          receivedAt: Date.now(),
          event: { type: 'ping', subject: null, summary: 'old', occurredAt: null, deliveryId: 'old-1', fields: {} },
        },
      ]);
      const detail = store.get(r!.id)!;
      const raw = store.raw(r!.id)!;
      for (const headers of [detail.headers, raw.headers, forwardableHeaders(raw.headers)]) {
        expect(JSON.stringify(headers)).not.toMatch(LEAK);
        expect(headers).toMatchObject({ 'x-github-event': 'ping', 'x-hub-signature-256': 'sha256=abc' });
      }
    } finally {
      db.close();
    }
  });
});
