// The ingest listener end to end: real HTTP into a real core with a real SQLite file,
// signatures made by the providers' own libraries.
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import type { EventDetail, EventRecord, Rejection } from '../../../../src/shared/events';
import { api, post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

const GITHUB_SECRET = 'gh-test-secret-0123456789';
const STRIPE_SECRET = 'whsec_stripe_test_0123456789';
const SLACK_SECRET = 'slack-signing-secret-0123456789';
const STANDARD_SECRET = `whsec_${Buffer.from('standard-webhooks-key-0123456789').toString('base64')}`;
const stripe = new Stripe('sk_test_unused');

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore(
    // With secrets set, only configured sources are accepted: these unsigned names are added.
    { rateLimit: { perSecond: 1000, burst: 100_000 }, maxBodyBytes: 2 * 1024 * 1024, sources: { allow: ['no-secret-here', 'plain', 'routes-a', 'routes-b'] } },
    {
      TIDINGS_SECRET_GITHUB: GITHUB_SECRET,
      TIDINGS_SECRET_STRIPE: STRIPE_SECRET,
      TIDINGS_SECRET_SLACK: SLACK_SECRET,
      TIDINGS_SECRET_BILLING: STANDARD_SECRET,
    },
  );
});
afterAll(async () => {
  await core.close();
});

async function sendGithub(event: string, payload: unknown, opts: { delivery?: string; secret?: string } = {}) {
  const body = JSON.stringify(payload);
  return post(`${core.ingestUrl}/webhooks/github`, body, {
    'x-github-event': event,
    'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
    'x-hub-signature-256': await sign(opts.secret ?? GITHUB_SECRET, body),
  });
}

function pushExample() {
  const group = examples.find((g) => g.name === 'push')!;
  return group.examples[0] as Record<string, unknown>;
}

/** A push whose body no other test sends: GitHub deliveries are deduplicated by body too. */
function freshPush() {
  return { ...pushExample(), after: crypto.randomBytes(20).toString('hex') };
}

describe('GitHub deliveries', () => {
  it('acknowledges a signed push only once it is stored, with its id', async () => {
    const res = await sendGithub('push', pushExample());
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('received');
    const id = res.body.id as number;
    const stored = await api<EventDetail>(core, 'GET', `/api/events/${id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.type).toBe('push');
    expect(stored.body.verified).toBe(true);
    expect(stored.body.payload).toEqual(pushExample());
  });

  it('answers a redelivery with "duplicate" and the original id', async () => {
    const delivery = crypto.randomUUID();
    const payload = freshPush();
    const first = await sendGithub('push', payload, { delivery });
    expect(first.body.status).toBe('received');
    const again = await sendGithub('push', payload, { delivery });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'duplicate', id: first.body.id });
  });

  it('answers a captured delivery replayed under a new X-GitHub-Delivery with "duplicate" and the first id', async () => {
    // GitHub's signature covers the body, not the delivery id: the replay verifies.
    const payload = freshPush();
    const first = await sendGithub('push', payload);
    expect(first.body.status).toBe('received');
    const body = JSON.stringify(payload);
    const replayed = await post(`${core.ingestUrl}/webhooks/github`, body, {
      'x-github-event': 'push',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': await sign(GITHUB_SECRET, body),
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({ status: 'duplicate', id: first.body.id });
    // Concurrent replays under fresh ids, too.
    const burst = await Promise.all(Array.from({ length: 10 }, () => sendGithub('push', payload)));
    expect(new Set(burst.map((r) => `${r.body.status} ${r.body.id}`))).toEqual(new Set([`duplicate ${first.body.id}`]));
    // A byte that differs is a different delivery.
    const changed = await sendGithub('push', { ...payload, after: crypto.randomBytes(20).toString('hex') });
    expect(changed.body.status).toBe('received');
  });

  it('stores concurrent copies of one delivery exactly once', async () => {
    const delivery = crypto.randomUUID();
    const payload = freshPush();
    const results = await Promise.all(Array.from({ length: 25 }, () => sendGithub('push', payload, { delivery })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.status === 'received')).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it('accepts form-encoded deliveries (payload=...)', async () => {
    const json = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 42, repository: { full_name: 'octo/form' } });
    const body = `payload=${encodeURIComponent(json)}`;
    const res = await post(`${core.ingestUrl}/webhooks/github`, body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-github-event': 'ping',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': await sign(GITHUB_SECRET, body),
    });
    expect(res.status).toBe(200);
    const stored = await api<EventDetail>(core, 'GET', `/api/events/${res.body.id}`);
    expect(stored.body.type).toBe('ping');
    expect(stored.body.subject).toBe('octo/form');
  });

  it('rejects a bad signature with 401, stores nothing, and logs why', async () => {
    const before = await api<{ events: EventRecord[] }>(core, 'GET', '/api/events?source=github&limit=1000');
    const delivery = crypto.randomUUID();
    const res = await sendGithub('push', pushExample(), { secret: 'not-the-secret', delivery });
    expect(res.status).toBe(401);
    expect(String(res.body.error)).toMatch(/signature/);
    const after = await api<{ events: EventRecord[] }>(core, 'GET', '/api/events?source=github&limit=1000');
    expect(after.body.events.length).toBe(before.body.events.length);
    // The rejection log is written after the answer (best effort), so it may lag the 401.
    const logged = await vi.waitFor(async () => {
      const rejections = await api<{ rejections: Rejection[] }>(core, 'GET', '/api/rejections?source=github');
      const found = rejections.body.rejections.find((r) => r.delivery_id === delivery);
      if (!found) throw new Error('rejection not logged yet');
      return found;
    });
    expect(logged.status).toBe(401);
    expect(JSON.stringify(logged)).not.toContain(GITHUB_SECRET);
  });

  it('explains a signature made over a re-serialized body', async () => {
    const payload = pushExample();
    const pretty = JSON.stringify(payload, null, 2);
    const res = await post(`${core.ingestUrl}/webhooks/github`, JSON.stringify(payload), {
      'x-github-event': 'push',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': await sign(GITHUB_SECRET, pretty),
    });
    expect(res.status).toBe(401);
    expect(String(res.body.error)).toMatch(/re-serialized/);
  });

  it('ingests every @octokit/webhooks-examples payload', async () => {
    let n = 0;
    for (const group of examples) {
      for (const example of group.examples) {
        const res = await sendGithub(group.name, example);
        expect(res.status, `${group.name} #${n}: ${JSON.stringify(res.body)}`).toBe(200);
        n++;
      }
    }
    expect(n).toBeGreaterThan(300);
  });
});

describe('Stripe deliveries', () => {
  const event = (id: string) =>
    JSON.stringify({
      id,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'cs_test_1', object: 'checkout.session', customer: 'cus_1', customer_email: 'ada@example.com', amount_total: 4900, currency: 'usd' } },
    });

  it('verifies with a header made by stripe-node and dedupes by event id', async () => {
    const id = `evt_${crypto.randomUUID().replace(/-/g, '')}`;
    const payload = event(id);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
    const first = await post(`${core.ingestUrl}/webhooks/stripe`, payload, { 'stripe-signature': header });
    expect(first.body.status).toBe('received');
    // A retry is a new signature over the same event: still the same delivery.
    const header2 = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: Math.floor(Date.now() / 1000) - 5 });
    const retry = await post(`${core.ingestUrl}/webhooks/stripe`, payload, { 'stripe-signature': header2 });
    expect(retry.body).toEqual({ status: 'duplicate', id: first.body.id });
  });

  it('rejects a stale timestamp with the age in the reason', async () => {
    const payload = event('evt_stale');
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: Math.floor(Date.now() / 1000) - 400 });
    const res = await post(`${core.ingestUrl}/webhooks/stripe`, payload, { 'stripe-signature': header });
    expect(res.status).toBe(401);
    expect(String(res.body.error)).toMatch(/\d+ s/);
  });
});

describe('Slack deliveries', () => {
  const slackHeaders = (body: string, ts = Math.floor(Date.now() / 1000)) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${crypto.createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
  });

  it('answers url_verification with the challenge only after the signature checks', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'abc123' });
    const bad = await post(`${core.ingestUrl}/webhooks/slack`, body, { ...slackHeaders(body), 'x-slack-signature': 'v0=00' });
    expect(bad.status).toBe(401);
    expect(JSON.stringify(bad.body)).not.toContain('abc123');
    const good = await post(`${core.ingestUrl}/webhooks/slack`, body, slackHeaders(body));
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ challenge: 'abc123' });
  });

  it('stores retries (X-Slack-Retry-Num) once, by event_id', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `Ev${crypto.randomUUID().slice(0, 8)}`,
      event: { type: 'app_mention', user: 'U1', text: 'hello', channel: 'C1', ts: '1.2' },
    });
    const first = await post(`${core.ingestUrl}/webhooks/slack`, body, slackHeaders(body));
    const retry = await post(`${core.ingestUrl}/webhooks/slack`, body, { ...slackHeaders(body), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(first.body.status).toBe('received');
    expect(retry.body).toEqual({ status: 'duplicate', id: first.body.id });
  });
});

describe('generic sources (Standard Webhooks)', () => {
  it('verifies a delivery signed by the standardwebhooks library', async () => {
    const body = JSON.stringify({ type: 'invoice.paid', amount: 12 });
    const id = `msg_${crypto.randomUUID()}`;
    const now = new Date();
    const signature = new Webhook(STANDARD_SECRET).sign(id, now, body);
    const res = await post(`${core.ingestUrl}/webhooks/billing`, body, {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    });
    expect(res.status).toBe(200);
    const stored = await api<EventDetail>(core, 'GET', `/api/events/${res.body.id}`);
    expect(stored.body.delivery_id).toBe(id);
    expect(stored.body.verified).toBe(true);
  });

  it('stores deliveries to a source without a secret as unverified', async () => {
    const res = await post(`${core.ingestUrl}/webhook/no-secret-here`, JSON.stringify({ type: 'hello' }));
    expect(res.status).toBe(200);
    const stored = await api<EventDetail>(core, 'GET', `/api/events/${res.body.id}`);
    expect(stored.body.verified).toBe(false);
    expect(stored.body.delivery_id).toMatch(/^sha256:/);
  });
});

describe('bad input', () => {
  it('refuses a source name with bad characters (400)', async () => {
    for (const name of ['GitHub', '-x', 'a'.repeat(65), 'bad%20name', 'dots.here']) {
      const res = await post(`${core.ingestUrl}/webhooks/${name}`, '{}');
      expect(res.status, name).toBe(400);
      expect(String(res.body.error)).toMatch(/not a valid source name/);
    }
  });

  it('answers oversized headers with 431 and a sentence, not a bare status line', async () => {
    const res = await post(`${core.ingestUrl}/webhooks/github`, '{}', { 'x-filler': 'h'.repeat(20_000) });
    expect(res.status).toBe(431);
    expect(String(res.body.error)).toMatch(/headers are larger than 16 KiB/);
  });

  it('keeps the names of events made inside (mcp, tidings) out of reach of senders', async () => {
    for (const name of ['mcp', 'tidings']) {
      const res = await post(`${core.ingestUrl}/webhooks/${name}`, '{"type":"target.disabled"}');
      expect(res.status, name).toBe(400);
      expect(String(res.body.error)).toMatch(/reserved for events that Tidings and assistants make/);
    }
  });

  it('refuses non-JSON content types (415) and unreadable JSON (400)', async () => {
    const xml = await post(`${core.ingestUrl}/webhooks/stripe`, '<x/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(String(xml.body.error)).toMatch(/application\/json/);
    const broken = await post(`${core.ingestUrl}/webhooks/plain`, '{"a":');
    expect(broken.status).toBe(400);
    const empty = await post(`${core.ingestUrl}/webhooks/plain`, '');
    expect(empty.status).toBe(400);
  });

  it('refuses an oversized body (413)', async () => {
    const res = await post(`${core.ingestUrl}/webhooks/plain`, JSON.stringify({ big: 'x'.repeat(3 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(String(res.body.error)).toMatch(/limit/);
  });

  it('refuses a streamed body (no Content-Length) once it passes the limit, and closes the connection', async () => {
    const { port } = new URL(core.ingestUrl);
    const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/plain', headers: { 'content-type': 'application/json' } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        // Keeps sending until the core answers; 3 MiB would pass the 2 MiB limit.
        while (sent < 3 * 1024 * 1024 && req.write(chunk)) sent += chunk.length;
        if (sent < 3 * 1024 * 1024) req.once('drain', () => { sent += chunk.length; pump(); });
        else req.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body).error).toMatch(/larger than the 2097152 byte limit/);
  });

  it('routes the alias, a trailing slash and a query string, and answers other paths and methods with a hint', async () => {
    expect((await post(`${core.ingestUrl}/webhook/routes-a`, '{"a":1}')).status).toBe(200);
    expect((await post(`${core.ingestUrl}/webhooks/routes-b/?x=1`, '{"b":1}')).status).toBe(200);
    const nowhere = await post(`${core.ingestUrl}/hooks/x`, '{}');
    expect(nowhere.status).toBe(404);
    expect(String(nowhere.body.error)).toMatch(/POST \/webhooks\/<source>/);
    const put = await fetch(`${core.ingestUrl}/webhooks/github`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    expect(((await put.json()) as { error: string }).error).toMatch(/PUT \/webhooks\/github is not served here/);
    const badEscape = await post(`${core.ingestUrl}/webhooks/%E0%A4%A`, '{}');
    expect(badEscape.status).toBe(400);
    expect(String(badEscape.body.error)).toMatch(/not valid URL encoding/);
    const health = await fetch(`${core.ingestUrl}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'tidings-ingest' });
    expect((await fetch(`${core.ingestUrl}/health`, { method: 'HEAD' })).status).toBe(200);
  });

  it('refuses compressed bodies instead of inflating them (415)', async () => {
    const res = await post(`${core.ingestUrl}/webhooks/plain`, Buffer.from([0x1f, 0x8b, 0, 0]), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(415);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a source exceeds its burst', async () => {
    const limited = await startTestCore({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await post(`${limited.ingestUrl}/webhooks/flood`, JSON.stringify({ i }));
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[4]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      // Other sources have their own bucket.
      expect((await post(`${limited.ingestUrl}/webhooks/other`, '{}')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
