// Floods through invented source names, over real HTTP into real cores: which names are
// accepted (configured sources only, once any source has a secret), how many new unsigned
// names may appear per hour, and the global rate limit beside the per-source one.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { api, post, startTestCore, tempDir } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

const cores: TestCore[] = [];
async function core(...args: Parameters<typeof startTestCore>): Promise<TestCore> {
  const c = await startTestCore(...args);
  cores.push(c);
  return c;
}
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

const send = (c: TestCore, source: string, body: unknown = { type: 'ping' }) => post(`${c.ingestUrl}/webhooks/${source}`, JSON.stringify(body));

describe('accepting only configured sources', () => {
  it('accepts any name while no source has a secret (the "auto" default)', async () => {
    const c = await core();
    expect((await send(c, 'my-app')).status).toBe(200);
  });

  it('refuses unknown names with 404 once a secret is set, and says how to add one', async () => {
    const c = await core({ sources: { allow: ['ci-bot'] } });
    expect((await send(c, 'before-secret')).status).toBe(200);
    expect((await api(c, 'PUT', '/api/secrets/github', { value: 'gate-github-secret' })).status).toBe(200);

    const unknown = await send(c, 'invented-name');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      status: 404,
      error: expect.stringMatching(/^there is no source "invented-name": a source has a signing secret, and then Tidings accepts only configured sources/),
    });
    expect(String(unknown.body.error)).toContain('tidings secret set invented-name');
    expect(String(unknown.body.error)).toContain('"invented-name" to sources.allow in config.json');
    // A name stored before the secret is not configured either: it is refused the same way.
    expect((await send(c, 'before-secret')).status).toBe(404);

    // Configured: listed in sources.allow, a built-in provider, or a name with its own secret.
    expect((await send(c, 'ci-bot')).status).toBe(200);
    const stripe = await send(c, 'stripe', { id: 'evt_unsigned', object: 'event', type: 'customer.created', created: 1, data: { object: {} } });
    expect(stripe.status).toBe(200);
    const key = `whsec_${Buffer.from('gate-standard-secret-0123456789').toString('base64')}`;
    expect((await api(c, 'PUT', '/api/secrets/billing', { value: key })).status).toBe(200);
    const body = JSON.stringify({ type: 'invoice.paid' });
    const id = `msg_${crypto.randomUUID()}`;
    const now = new Date();
    const signed = await post(`${c.ingestUrl}/webhooks/billing`, body, {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(key).sign(id, now, body),
    });
    expect(signed.status).toBe(200);

    // Nothing from the refused names was stored.
    const sources = await api<{ sources: Array<{ source: string; stats: { count: number } | null }> }>(c, 'GET', '/api/sources');
    expect(sources.body.sources.find((s) => s.source === 'invented-name')).toBeUndefined();
    expect(sources.body.sources.find((s) => s.source === 'before-secret')?.stats?.count).toBe(1);
  });

  it('refuses unknown names with no secret at all when sources.accept is "configured", from config.json', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ sources: { accept: 'configured', allow: ['ci-bot'] } }));
    const c = await core({ dataDir });
    const refused = await send(c, 'my-app');
    expect(refused.status).toBe(404);
    expect(String(refused.body.error)).toMatch(/config\.json sets sources\.accept to "configured"/);
    expect((await send(c, 'ci-bot')).status).toBe(200);
    expect((await send(c, 'github', {})).status).not.toBe(404);
  });

  it('accepts every name with secrets set when sources.accept is "any"', async () => {
    const c = await core({ sources: { accept: 'any' } }, { TIDINGS_SECRET_GITHUB: 'gate-github-secret' });
    expect((await send(c, 'anything-goes')).status).toBe(200);
    const push = JSON.stringify({ zen: 'hi', hook_id: 1 });
    const signed = await post(`${c.ingestUrl}/webhooks/github`, push, {
      'x-github-event': 'ping',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': await sign('gate-github-secret', push),
    });
    expect(signed.status).toBe(200);
  });

  it('refuses a bad config value with a message naming the setting', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ sources: { accept: 'some' } }));
    await expect(startTestCore({ dataDir })).rejects.toThrow(/sources\.accept/);
  });
});

describe('new unsigned source names per hour', () => {
  it('admits only rateLimit.newSourcesPerHour new names, answers 429 with why and how, and keeps serving known names', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ rateLimit: { newSourcesPerHour: 3 }, sources: { allow: ['ci-bot'] } }));
    const c = await core({ dataDir });
    // A request to a new name that stores nothing does not use up a slot.
    expect((await post(`${c.ingestUrl}/webhooks/typo-name`, '{"broken":')).status).toBe(400);
    for (const name of ['one', 'two', 'three']) expect((await send(c, name)).status, name).toBe(200);

    const fourth = await send(c, 'four');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(String(fourth.body.error)).toMatch(/^too many new source names: 3 unconfigured names appeared in the last hour \(limit 3, rateLimit.newSourcesPerHour\)/);
    expect(String(fourth.body.error)).toContain('tidings secret set four');

    // Names already seen, configured names and the built-in providers still get through.
    expect((await send(c, 'one')).status).toBe(200);
    expect((await send(c, 'ci-bot')).status).toBe(200);
    expect((await send(c, 'vercel', { id: 'v1', type: 'deployment.created', payload: {} })).status).toBe(200);
    // Once a secret is set for it, the refused name is configured and accepted at once.
    expect((await api(c, 'PUT', '/api/secrets/four', { value: `whsec_${Buffer.from('four-secret-0123456789').toString('base64')}` })).status).toBe(200);
    expect((await send(c, 'four')).status).toBe(401);
  });

  it('stores 20 of 1,300 invented names by default, and the sources list stays small', async () => {
    const c = await core({ rateLimit: { perSecond: 10_000, burst: 10_000 } });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1300; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => send(c, `invented-${i + j}`)));
      for (const r of batch) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 20, 429: 1280 });
    const sources = await api<{ sources: unknown[] }>(c, 'GET', '/api/sources');
    // The four built-in providers are always listed, with the 20 names that got in.
    expect(sources.body.sources).toHaveLength(24);
    // 1,300 requests: a budget for a busy machine, not a speed check.
  }, 180_000);
});

describe('the global rate limit', () => {
  it('answers 429 naming the global limit once all sources together exceed it', async () => {
    const c = await core({ rateLimit: { perSecond: 1000, burst: 1000, globalPerSecond: 0.001, globalBurst: 5 } });
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof send>> | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await send(c, i % 2 ? 'stripe-ish' : 'github-ish', { i });
      statuses.push(r.status);
      if (r.status === 429) refused ??= r;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(refused!.body.error).toMatch(/too many deliveries to this Tidings from all sources together \(rateLimit.globalPerSecond\); retry in \d+ s/);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('defaults to no lower ceiling than the per-source limit', async () => {
    const c = await core({ rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } });
    expect(c.config.rateLimit).toMatchObject({ globalPerSecond: 1_000_000, globalBurst: 1_000_000, newSourcesPerHour: 20 });
    const d = await core();
    expect(d.config.rateLimit).toMatchObject({ perSecond: 100, burst: 1000, globalPerSecond: 1000, globalBurst: 5000 });
    expect(d.config.sources).toEqual({ accept: 'auto', allow: [] });
  });
});
