// Outbound delivery end to end: a real core, real HTTP receivers on loopback ports, the
// standardwebhooks library as the signature oracle, and the real MCP SDK client.
import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { sign, verify } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { Webhook } from 'standardwebhooks';
import { api, post, startTestCore, tempDir } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { startReceiver } from '../../../helpers/receiver';
import type { Receiver } from '../../../helpers/receiver';
import type { DeliveryDetailInfo, DeliveryInfo, TargetInfo } from '../../../../src/shared/outbound';
import type { EventRecord } from '../../../../src/shared/events';

const GITHUB_SECRET = 'outbound-test-github-secret';
/** Quick retries for local targets, so a test sees several attempts in well under a second. */
const FAST = { outbound: { policy: { localSchedule: [40], jitter: 0 } } };

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function addTarget(core: TestCore, spec: Record<string, unknown>): Promise<{ target: TargetInfo; secret: string }> {
  const res = await api<{ target: TargetInfo; secret: string }>(core, 'POST', '/api/targets', { allow_private: true, ...spec });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function deliveries(core: TestCore, query = ''): Promise<DeliveryInfo[]> {
  return (await api<{ deliveries: DeliveryInfo[] }>(core, 'GET', `/api/deliveries${query}`)).body.deliveries;
}

function pushExample(): Record<string, unknown> {
  return structuredClone(examples.find((g) => g.name === 'push')!.examples[0]) as Record<string, unknown>;
}

/** A push no other delivery repeats: GitHub deliveries are deduplicated by body too. */
function freshPush(): Record<string, unknown> {
  return { ...pushExample(), after: crypto.randomBytes(20).toString('hex') };
}

async function sendGithub(core: TestCore, payload: unknown = freshPush()) {
  const body = JSON.stringify(payload);
  return post(`${core.ingestUrl}/webhooks/github`, body, {
    'x-github-event': 'push',
    'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': await sign(GITHUB_SECRET, body),
  });
}

describe('pushed messages', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore(FAST);
  });
  afterAll(() => core.close());

  it('delivers to several targets in parallel, each signed with its own secret', async () => {
    const slow = await Promise.all([1, 2, 3].map(() => receiver(0, () => ({ status: 200, delayMs: 300 }))));
    const secrets = new Map<Receiver, string>();
    for (const [i, r] of slow.entries()) secrets.set(r, (await addTarget(core, { name: `parallel-${i}`, url: r.url })).secret);
    const pushed = await api<{ id: string; webhooks_notified: number }>(core, 'POST', '/api/push', { message: 'deploy finished' });
    expect(pushed.status).toBe(200);
    expect(pushed.body.webhooks_notified).toBe(3);
    const got = await Promise.all(slow.map((r) => r.waitFor(1)));
    // Each receiver holds its answer 300 ms; all three requests arrived before the first answer.
    const starts = got.map((g) => g[0]!.at);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(300);
    for (const r of slow) {
      const req = r.received[0]!;
      const body = JSON.parse(req.body.toString()) as { id: string; message: string; timestamp: string };
      expect(body).toMatchObject({ id: pushed.body.id, message: 'deploy finished' });
      expect(Date.parse(body.timestamp)).not.toBeNaN();
      const verified = new Webhook(secrets.get(r)!).verify(req.body.toString(), req.headers as Record<string, string>);
      expect(verified).toMatchObject({ id: pushed.body.id });
      // Another target's secret does not verify it.
      const other = slow.find((x) => x !== r)!;
      expect(() => new Webhook(secrets.get(other)!).verify(req.body.toString(), req.headers as Record<string, string>)).toThrow();
    }
    for (const i of [0, 1, 2]) await api(core, 'DELETE', `/api/targets/parallel-${i}`);
  });

  it('keeps webhook-id across retries, with a fresh signature each time, and logs every attempt', async () => {
    const r = await receiver(0, (_req, i) => (i < 2 ? { status: 500, body: 'boom '.repeat(1000) } : { status: 200, body: 'thanks' }));
    const { secret } = await addTarget(core, { name: 'flaky', url: r.url });
    const pushed = await api<{ id: string; deliveries: number[] }>(core, 'POST', '/api/push', { message: 'third time lucky' });
    await r.waitFor(3);
    const ids = r.received.map((x) => x.headers['webhook-id']);
    expect(new Set(ids)).toEqual(new Set([pushed.body.id]));
    const signatures = r.received.map((x) => x.headers['webhook-signature']);
    for (const x of r.received) expect(new Webhook(secret).verify(x.body.toString(), x.headers as Record<string, string>)).toBeTruthy();
    expect(signatures.length).toBe(3);
    const id = pushed.body.deliveries[0]!;
    await expect
      .poll(async () => (await api<DeliveryDetailInfo>(core, 'GET', `/api/deliveries/${id}`)).body.state)
      .toBe('delivered');
    const detail = (await api<DeliveryDetailInfo>(core, 'GET', `/api/deliveries/${id}`)).body;
    expect(detail.attempts).toBe(3);
    expect(detail.attempts_log.map((a) => a.status)).toEqual([200, 500, 500]);
    expect(detail.attempts_log[1]!.response!.length).toBeLessThanOrEqual(2049);
    expect(detail.attempts_log[1]!.response!.endsWith('…')).toBe(true);
    await api(core, 'DELETE', '/api/targets/flaky');
  });

  it('disables a target that answers 410, says so in an event, and resumes when re-enabled', async () => {
    let gone = true;
    const r = await receiver(0, () => (gone ? { status: 410 } : { status: 204 }));
    // A Zapier-style URL: the notice event reaches assistants, so it must not carry the token.
    await addTarget(core, { name: 'gone-away', url: `${r.url}/catch/123456/abcdefg/` });
    const pushed = await api<{ deliveries: number[] }>(core, 'POST', '/api/push', { message: 'are you there?' });
    await r.waitFor(1);
    await expect.poll(async () => (await api<TargetInfo>(core, 'GET', '/api/targets/gone-away')).body.enabled).toBe(false);
    const target = (await api<TargetInfo>(core, 'GET', '/api/targets/gone-away')).body;
    expect(target.disabled_reason).toMatch(/410 Gone/);
    const notice = await expect
      .poll(async () => (await api<{ events: EventRecord[] }>(core, 'GET', '/api/events?source=tidings')).body.events[0]?.type)
      .toBe('target.disabled');
    void notice;
    const [noticeEvent] = (await api<{ events: EventRecord[] }>(core, 'GET', '/api/events?source=tidings')).body.events;
    const noticeDetail = await api<Record<string, unknown>>(core, 'GET', `/api/events/${noticeEvent!.id}`);
    expect(noticeEvent!.fields.url).toBe(`${r.url}/catch/…/…/`);
    expect(JSON.stringify(noticeDetail.body)).not.toMatch(/123456|abcdefg/);
    // Nothing is lost: the message waits, and goes out once the person turns the target back on.
    const [d] = await deliveries(core, '?target=gone-away');
    expect(d!.state).toBe('pending');
    gone = false;
    const enabled = await api<{ target: TargetInfo }>(core, 'PATCH', '/api/targets/gone-away', { enabled: true });
    expect(enabled.body.target.disabled_reason).toBeNull();
    await r.waitFor(2);
    await expect
      .poll(async () => (await api<DeliveryDetailInfo>(core, 'GET', `/api/deliveries/${pushed.body.deliveries[0]}`)).body.state)
      .toBe('delivered');
    expect(r.received.length).toBe(2);
    await api(core, 'DELETE', '/api/targets/gone-away');
  });

  it('waits as long as Retry-After asks on 429 and 503', async () => {
    const r = await receiver(0, (_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : i === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    await addTarget(core, { name: 'busy', url: r.url });
    await api(core, 'POST', '/api/push', { message: 'when you are ready' });
    const got = await r.waitFor(3, 10_000);
    // The local schedule alone would retry after 40 ms; Retry-After: 1 means a second.
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(950);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(950);
    await api(core, 'DELETE', '/api/targets/busy');
  });

  it('does not follow redirects, even to a local address', async () => {
    const inner = await receiver();
    const redirector = await receiver(0, () => ({ status: 302, headers: { location: inner.url } }));
    await addTarget(core, { name: 'redirects', url: redirector.url });
    const pushed = await api<{ deliveries: number[] }>(core, 'POST', '/api/push', { message: 'follow me' });
    await redirector.waitFor(2);
    const detail = (await api<DeliveryDetailInfo>(core, 'GET', `/api/deliveries/${pushed.body.deliveries[0]}`)).body;
    expect(detail.attempts_log.at(-1)).toMatchObject({ status: 302 });
    expect(detail.attempts_log.at(-1)!.error).toMatch(/not followed/);
    expect(inner.received).toHaveLength(0);
    await api(core, 'DELETE', '/api/targets/redirects');
  });

  it('dead-letters after the last attempt, and "retry now" delivers it', async () => {
    const short = await startTestCore({ outbound: { policy: { localSchedule: [30], localMaxAgeMs: 300, jitter: 0 } } });
    try {
      let up = false;
      const r = await receiver(0, () => (up ? { status: 200 } : { status: 502 }));
      await addTarget(short, { name: 'down', url: r.url });
      const pushed = await api<{ deliveries: number[] }>(short, 'POST', '/api/push', { message: 'anyone?' });
      const id = pushed.body.deliveries[0]!;
      await expect.poll(async () => (await api<DeliveryDetailInfo>(short, 'GET', `/api/deliveries/${id}`)).body.state, { timeout: 5000 }).toBe('dead');
      expect((await deliveries(short, '?state=dead')).map((d) => d.id)).toEqual([id]);
      expect((await api<TargetInfo>(short, 'GET', '/api/targets/down')).body.dead).toBe(1);
      up = true;
      const retried = await api<{ retried: number }>(short, 'POST', `/api/deliveries/${id}/retry`);
      expect(retried.body.retried).toBe(1);
      await expect.poll(async () => (await api<DeliveryDetailInfo>(short, 'GET', `/api/deliveries/${id}`)).body.state).toBe('delivered');
      expect((await api<TargetInfo>(short, 'GET', '/api/targets/down')).body).toMatchObject({ dead: 0, delivered: 1 });
    } finally {
      await short.close();
    }
  });

  it('disables a target that keeps failing for the configured time, and stores a notice', async () => {
    const short = await startTestCore({ outbound: { policy: { localSchedule: [25], disableAfterMs: 250, jitter: 0 } } });
    try {
      const r = await receiver(0, () => ({ status: 500 }));
      await addTarget(short, { name: 'broken', url: r.url });
      await api(short, 'POST', '/api/push', { message: 'first' });
      await expect.poll(async () => (await api<TargetInfo>(short, 'GET', '/api/targets/broken')).body.enabled, { timeout: 5000 }).toBe(false);
      const target = (await api<TargetInfo>(short, 'GET', '/api/targets/broken')).body;
      expect(target.disabled_reason).toMatch(/failing without a success since/);
      expect(target.pending).toBe(1);
      const notices = await expect
        .poll(async () => (await api<{ events: EventRecord[] }>(short, 'GET', '/api/events?source=tidings')).body.events.map((e) => e.summary))
        .toEqual([expect.stringMatching(/Outbound target broken was disabled: failing without a success/)]);
      void notices;
      const health = (await api<{ outbound: Record<string, number> }>(short, 'GET', '/api/health')).body;
      expect(health.outbound).toMatchObject({ targets: 1, enabled: 0, pending: 1 });
    } finally {
      await short.close();
    }
  });

  it('gives up on a receiver that never answers after the timeout, and retries', async () => {
    const short = await startTestCore({ outbound: { timeoutMs: 200, policy: { localSchedule: [20], jitter: 0 } } });
    try {
      const r = await receiver(0, (_req, i) => (i === 0 ? 'hang' : { status: 200 }));
      await addTarget(short, { name: 'sleepy', url: r.url });
      const pushed = await api<{ deliveries: number[] }>(short, 'POST', '/api/push', { message: 'wake up' });
      await r.waitFor(2);
      const id = pushed.body.deliveries[0]!;
      await expect.poll(async () => (await api<DeliveryDetailInfo>(short, 'GET', `/api/deliveries/${id}`)).body.state).toBe('delivered');
      const log = (await api<DeliveryDetailInfo>(short, 'GET', `/api/deliveries/${id}`)).body.attempts_log;
      expect(log.at(-1)!.status).toBeNull();
      expect(log.at(-1)!.error).toMatch(/no answer within 0\.2 s/);
    } finally {
      await short.close();
    }
  });
});

describe('forwarding to a local dev server', () => {
  it('forwards the original headers and raw body, so the app verifies GitHub\'s signature itself', async () => {
    const core = await startTestCore(FAST, { TIDINGS_SECRET_GITHUB: GITHUB_SECRET });
    try {
      const dev = await receiver();
      await addTarget(core, { name: 'dev', url: dev.url, mode: 'forward', sources: ['github'] });
      const payload = pushExample();
      // Pretty-printed on purpose: a re-serialized body would fail verification.
      const body = JSON.stringify(payload, null, 2);
      const sent = await post(`${core.ingestUrl}/webhooks/github`, body, {
        'x-github-event': 'push',
        'x-github-delivery': 'forward-1',
        'x-hub-signature-256': await sign(GITHUB_SECRET, body),
      });
      expect(sent.status).toBe(200);
      const [got] = await dev.waitFor(1);
      expect(got!.body.toString()).toBe(body);
      expect(got!.headers['x-github-event']).toBe('push');
      expect(got!.headers['x-github-delivery']).toBe('forward-1');
      expect(got!.headers['x-tidings-event-id']).toBe(String(sent.body.id));
      expect(await verify(GITHUB_SECRET, got!.body.toString(), got!.headers['x-hub-signature-256'] as string)).toBe(true);
    } finally {
      await core.close();
    }
  });

  it('queues while the dev server is down and drains in order when it comes back', async () => {
    const core = await startTestCore(FAST, { TIDINGS_SECRET_GITHUB: GITHUB_SECRET });
    try {
      // Find a free port, then leave it closed: the dev server is "not started yet".
      const probe = await startReceiver();
      const port = probe.port;
      await probe.close();
      await addTarget(core, { name: 'later', url: `http://127.0.0.1:${port}/hook`, mode: 'forward', sources: ['github'] });
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) ids.push(Number((await sendGithub(core)).body.id));
      await expect.poll(async () => (await deliveries(core, '?target=later')).every((d) => d.attempts > 0 || d.state === 'pending')).toBe(true);
      await new Promise((r) => setTimeout(r, 200)); // a few refused attempts
      const failing = (await api<TargetInfo>(core, 'GET', '/api/targets/later')).body;
      expect(failing.pending).toBe(20);
      expect(failing.failing_since).not.toBeNull();
      const dev = await receiver(port);
      const got = await dev.waitFor(20);
      expect(got.map((g) => Number(g.headers['x-tidings-event-id']))).toEqual(ids);
      await expect.poll(async () => (await api<TargetInfo>(core, 'GET', '/api/targets/later')).body.pending).toBe(0);
    } finally {
      await core.close();
    }
  });

  it('loses nothing across a core restart in the middle of a queue', async () => {
    const dataDir = tempDir();
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close();
    let core = await startTestCore({ ...FAST, dataDir });
    await addTarget(core, { name: 'restart', url: `http://127.0.0.1:${port}/hook` });
    const pushedIds: string[] = [];
    for (let i = 0; i < 10; i++) pushedIds.push((await api<{ id: string }>(core, 'POST', '/api/push', { message: `m${i}` })).body.id);
    await core.close();
    const dev = await receiver(port);
    core = await startTestCore({ ...FAST, dataDir });
    try {
      const got = await dev.waitFor(10);
      expect(got.map((g) => g.headers['webhook-id'])).toEqual(pushedIds);
      expect(got.map((g) => (JSON.parse(g.body.toString()) as { message: string }).message)).toEqual(pushedIds.map((_, i) => `m${i}`));
    } finally {
      await core.close();
    }
  });
});

describe('address checks (SSRF)', () => {
  let core: TestCore;
  let resolved: string[] = ['93.184.216.34'];
  beforeAll(async () => {
    core = await startTestCore(FAST, {}, { resolve: async () => resolved });
  });
  afterAll(() => core.close());

  it.each([
    ['http://127.0.0.1:3000/hook', /loopback/],
    ['http://[::1]:3000/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]:3000/hook', /127\.0\.0\.1 is a loopback/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://0.0.0.0:3000/', /unspecified/],
    ['http://2130706433:3000/', /loopback/],
    ['http://0177.0.0.1:3000/', /loopback/],
    ['http://10.0.0.8/hook', /private network/],
    ['http://localhost:3000/hook', /this machine/],
  ])('refuses %s unless the target allows a local address', async (url, why) => {
    const refused = await api<{ error: string }>(core, 'POST', '/api/targets', { name: 'ssrf', url });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(why);
    expect(refused.body.error).toMatch(/allow a local address/);
    const allowed = await api(core, 'POST', '/api/targets', { name: 'ssrf', url, allow_private: true, enabled: false });
    expect(allowed.status).toBe(201);
    await api(core, 'DELETE', '/api/targets/ssrf');
  });

  it('checks the address again when connecting (a name that now resolves to loopback)', async () => {
    const local = await receiver();
    resolved = ['93.184.216.34'];
    await addTarget(core, { name: 'rebind', url: `http://rebind.example:${local.port}/hook`, allow_private: false });
    resolved = ['93.184.216.34', '127.0.0.1'];
    const pushed = await api<{ deliveries: number[] }>(core, 'POST', '/api/push', { message: 'sneaky' });
    const id = pushed.body.deliveries[0]!;
    await expect.poll(async () => (await api<DeliveryDetailInfo>(core, 'GET', `/api/deliveries/${id}`)).body.attempts).toBeGreaterThan(0);
    const detail = (await api<DeliveryDetailInfo>(core, 'GET', `/api/deliveries/${id}`)).body;
    expect(detail.attempts_log[0]!.error).toMatch(/refused to connect: rebind\.example resolves to 127\.0\.0\.1 is a loopback/);
    expect(local.received).toHaveLength(0);
    await api(core, 'DELETE', '/api/targets/rebind');
  });

  it('refuses a name that resolves to a private address when it is saved', async () => {
    resolved = ['192.168.1.20'];
    const refused = await api<{ error: string }>(core, 'POST', '/api/targets', { name: 'lan', url: 'http://printer.example/hook' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/printer\.example resolves to 192\.168\.1\.20 is a private network address/);
  });
});

describe('API shape and the reference routes', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore(FAST);
  });
  afterAll(() => core.close());

  it('register, webhooks, push and unregister work as the reference design describes', async () => {
    const r = await receiver();
    const reg = await api<{ status: string; total_webhooks: number; secret: string; target: TargetInfo }>(core, 'POST', '/api/register', {
      webhook_url: r.url,
      allow_private: true,
    });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ status: 'success', webhook_url: r.url, total_webhooks: 1 });
    expect(reg.body.secret).toMatch(/^whsec_/);
    const again = await api<{ total_webhooks: number }>(core, 'POST', '/api/register', { webhook_url: r.url, allow_private: true });
    expect(again.body.total_webhooks).toBe(1);
    const list = await api<{ webhooks: string[]; total: number }>(core, 'GET', '/api/webhooks');
    expect(list.body).toMatchObject({ webhooks: [r.url], total: 1 });
    const pushed = await api<Record<string, unknown>>(core, 'POST', '/api/push', { message: 'hello' });
    expect(pushed.body).toMatchObject({ status: 'success', message: 'hello', webhooks_notified: 1, total_webhooks: 1 });
    await r.waitFor(1);
    const gone = await api<{ total_webhooks: number }>(core, 'POST', '/api/unregister', { webhook_url: r.url });
    expect(gone.body).toMatchObject({ status: 'success', total_webhooks: 0 });
    expect((await api(core, 'POST', '/api/unregister', { webhook_url: r.url })).status).toBe(404);
  });

  it('answers bad input with a status and a sentence', async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/api/targets', { name: 'Bad Name', url: 'http://example.com' }, 400, /target name/],
      ['POST', '/api/targets', { name: 'x', url: 'ftp://example.com' }, 400, /http:\/\/ or https:\/\//],
      ['POST', '/api/targets', { name: 'x', url: 'http://user:pw@example.com' }, 400, /without a user name or password/],
      ['POST', '/api/targets', { name: 'x', url: 'http://example.com', colour: 'red' }, 400, /unknown target colour/],
      ['GET', '/api/targets/nope', undefined, 404, /no target "nope"/],
      ['PATCH', '/api/targets/nope', { enabled: true }, 404, /no target "nope"/],
      ['POST', '/api/push', {}, 400, /message/],
      ['POST', '/api/deliveries/999999/retry', undefined, 404, /no delivery 999999/],
      ['GET', '/api/deliveries?state=lost', undefined, 400, /state/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await api<{ error: string }>(core, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.body.error, `${method} ${path}`).toMatch(message);
    }
    await addTarget(core, { name: 'twice', url: 'http://127.0.0.1:9/hook', enabled: false });
    const dup = await api<{ error: string }>(core, 'POST', '/api/targets', { name: 'twice', url: 'http://127.0.0.1:9/hook', allow_private: true });
    expect(dup.status).toBe(409);
    await api(core, 'DELETE', '/api/targets/twice');
  });

  it('masks every path segment of a target URL that could be a secret, in every answer but the secret reveal', async () => {
    const url = 'http://127.0.0.1:9/hooks/catch/123456/abcdefg/?sig=s3cr3t';
    const masked = 'http://127.0.0.1:9/hooks/catch/…/…/?…';
    const created = await addTarget(core, { name: 'zapier', url, enabled: false });
    expect(created.target.url).toBe(masked);
    const answers = [
      (await api<{ targets: TargetInfo[] }>(core, 'GET', '/api/targets')).body,
      (await api<TargetInfo>(core, 'GET', '/api/targets/zapier')).body,
      (await api<{ target: TargetInfo }>(core, 'PATCH', '/api/targets/zapier', { types: ['push'] })).body,
      (await api<{ webhooks: string[] }>(core, 'GET', '/api/webhooks')).body,
      // The alias echoes back the webhook_url it was given, but not the target it lists.
      (await api<{ target: TargetInfo }>(core, 'POST', '/api/register', { webhook_url: url, allow_private: true })).body.target,
    ];
    for (const answer of answers) {
      expect(JSON.stringify(answer)).toContain(masked);
      expect(JSON.stringify(answer)).not.toMatch(/123456|abcdefg|s3cr3t/);
    }
    // The reveal, an explicit POST for the person setting up the receiver, shows it whole.
    const revealed = await api<{ target: TargetInfo }>(core, 'POST', '/api/targets/zapier/secret');
    expect(revealed.body.target.url).toBe(url);
    await api(core, 'DELETE', '/api/targets/zapier');
  });

  it('never lists the signing secret; reveal and rotate are explicit', async () => {
    const { secret, target } = await addTarget(core, { name: 'secretive', url: 'http://127.0.0.1:9/hook', enabled: false });
    const listed = JSON.stringify((await api(core, 'GET', '/api/targets')).body);
    expect(listed).not.toContain(secret);
    expect(listed).toContain(target.secret_fingerprint);
    const revealed = await api<{ secret: string }>(core, 'POST', '/api/targets/secretive/secret');
    expect(revealed.body.secret).toBe(secret);
    const rotated = await api<{ secret: string; target: TargetInfo }>(core, 'PATCH', '/api/targets/secretive', { rotate_secret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    expect(rotated.body.target.secret_fingerprint).not.toBe(target.secret_fingerprint);
    await api(core, 'DELETE', '/api/targets/secretive');
  });
});

describe('MCP: push_webhook, list_webhook_targets and subscriptions delivered by webhook', () => {
  let core: TestCore;
  let client: Client;
  beforeAll(async () => {
    core = await startTestCore(FAST);
    client = new Client({ name: 'outbound-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }),
    );
  });
  afterAll(async () => {
    await client.close();
    await core.close();
  });
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    return { result, data: result.structuredContent as Record<string, any>, text: (result.content[0] as { text: string }).text };
  };

  it('says plainly when there is nowhere to push', async () => {
    const { data, text } = await call('push_webhook', { message: 'into the void' });
    expect(data).toMatchObject({ status: 'queued', webhooks_notified: 0, total_webhooks: 0 });
    expect(text).toMatch(/No push targets are registered/);
  });

  it('pushes to the registered targets and lists them without secrets', async () => {
    const r = await receiver();
    const { secret } = await addTarget(core, { name: 'assistant-out', url: `${r.url}/T0123ABCD/B0456EFGH/abcdefgh12345678ijkl` });
    const { data } = await call('push_webhook', { message: 'from the assistant' });
    expect(data).toMatchObject({ status: 'queued', webhooks_notified: 1, total_webhooks: 1 });
    const [got] = await r.waitFor(1);
    expect(new Webhook(secret).verify(got!.body.toString(), got!.headers as Record<string, string>)).toMatchObject({ message: 'from the assistant' });
    await expect.poll(async () => (await call('list_webhook_targets')).data.targets[0].delivered).toBe(1);
    const listed = await call('list_webhook_targets');
    expect(listed.data.targets[0]).toMatchObject({ name: 'assistant-out', mode: 'push', enabled: true, pending: 0 });
    expect(listed.data.targets[0].url).toMatch(/\/hook\/…\/…\/…$/);
    expect(JSON.stringify(listed.result)).not.toContain(secret);
    expect(JSON.stringify(listed.result)).not.toMatch(/abcdefgh12345678ijkl|T0123ABCD|B0456EFGH/);
  });

  it('delivers subscription matches to a named target as signed webhooks', async () => {
    const r = await receiver();
    const { secret } = await addTarget(core, { name: 'sub-hook', url: r.url });
    const unknown = await call('subscribe_to_events', { sources: ['mcp'], callback_description: 'x', target: 'nope' });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.text).toMatch(/no outbound target "nope"/);
    const { data } = await call('subscribe_to_events', { sources: ['mcp'], filters: { types: ['build'] }, callback_description: 'relay builds', target: 'sub-hook' });
    expect(data.subscription.target).toBe('sub-hook');
    await call('publish_event', { channel: 'ci', event_data: { type: 'build.finished', message: 'green' } });
    await call('publish_event', { channel: 'ci', event_data: { type: 'chat', message: 'ignored' } });
    const [got] = await r.waitFor(1);
    const body = new Webhook(secret).verify(got!.body.toString(), got!.headers as Record<string, string>) as {
      type: string;
      subscription_id: number;
      event: EventRecord;
    };
    expect(body).toMatchObject({ type: 'tidings.event', subscription_id: data.subscription.id });
    expect(body.event).toMatchObject({ source: 'mcp', type: 'build.finished', subject: 'ci' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.received).toHaveLength(1);
  });
});
