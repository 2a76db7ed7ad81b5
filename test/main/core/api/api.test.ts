// The local API the dashboard uses, against a real core: action queue, activity views,
// the hourly chart, SSE with resumption, the browser sign-in, client set-up and resend.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { sign } from '@octokit/webhooks-methods';
import { api, post, startTestCore, tempDir } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { actionDetailSchema, clientsSchema, correlationSchema, hourlySchema, sourcesSchema } from '../../../../src/shared/api';
import type { EventRecord } from '../../../../src/shared/events';

const STRIPE_SECRET = 'whsec_api_test';
const GITHUB_SECRET = 'api-test-github';
const stripe = new Stripe('sk_test_unused');
let core: TestCore;
let home: string;

async function stripeEvent(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({ id: `evt_${crypto.randomUUID().replace(/-/g, '')}`, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } });
  const res = await post(`${core.ingestUrl}/webhooks/stripe`, payload, { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) });
  expect(res.status).toBe(200);
  return res.body.id as number;
}

/** Reads server-sent events from a fetch response until `count` arrive or time runs out. */
async function readSse(res: Response, count: number, ms = 5000): Promise<Array<{ id: string; event: string; data: string }>> {
  const reader = res.body!.getReader();
  const out: Array<{ id: string; event: string; data: string }> = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  while (out.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    buffer += new TextDecoder().decode(chunk.value);
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
      if (fields.data) out.push({ id: fields.id ?? '', event: fields.event ?? '', data: fields.data });
    }
  }
  await reader.cancel();
  return out;
}

const authed = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${core.token}`, ...extra });

beforeAll(async () => {
  home = tempDir('tidings-home-');
  // Secrets are set, so the unsigned names posted to below must be configured.
  core = await startTestCore(
    { sources: { allow: ['sse', 'other', 'replayed'] } },
    { TIDINGS_SECRET_STRIPE: STRIPE_SECRET, TIDINGS_SECRET_GITHUB: GITHUB_SECRET, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
  );
});
afterAll(async () => {
  await core.close();
});

describe('Stripe actions', () => {
  it('completes, refuses a second completion, reopens and dismisses, each with a note in the history', async () => {
    await stripeEvent('invoice.payment_failed', { id: 'in_1', object: 'invoice', customer: 'cus_9', amount_due: 1200, currency: 'eur' });
    const list = await api<{ actions: Array<{ id: number; action_type: string }> }>(core, 'GET', '/api/actions');
    const action = list.body.actions.find((a) => a.action_type === 'send_payment_failed_email')!;
    const done = await api(core, 'POST', `/api/actions/${action.id}/complete`, { note: 'emailed them' });
    expect(done.status).toBe(200);
    expect(actionDetailSchema.parse(done.body).status).toBe('completed');
    const again = await api<{ error: string }>(core, 'POST', `/api/actions/${action.id}/complete`, { note: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already completed/);
    expect((await api(core, 'POST', `/api/actions/${action.id}/reopen`, { note: 'they wrote back' })).status).toBe(200);
    const dismissed = actionDetailSchema.parse((await api(core, 'POST', `/api/actions/${action.id}/dismiss`, {})).body);
    expect(dismissed.history.map((h) => [h.status, h.note, h.actor])).toEqual([
      ['pending', 'created from invoice.payment_failed', 'tidings'],
      ['completed', 'emailed them', 'dashboard'],
      ['pending', 'they wrote back', 'dashboard'],
      ['dismissed', null, 'dashboard'],
    ]);
    expect((await api(core, 'POST', '/api/actions/99999/complete', {})).status).toBe(404);
    expect((await api(core, 'POST', `/api/actions/${action.id}/explode`, {})).status).toBe(400);
  });
});

describe('activity views', () => {
  it('serves pushes, deployments, correlation and events per hour', async () => {
    const sha = 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12';
    const push = JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { full_name: 'octo/site' }, pusher: { name: 'ada' }, commits: [{ id: sha, message: 'Ship it', author: { name: 'Ada' }, timestamp: new Date().toISOString() }], head_commit: { id: sha, message: 'Ship it', timestamp: new Date().toISOString() } });
    expect((await post(`${core.ingestUrl}/webhooks/github`, push, { 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': await sign(GITHUB_SECRET, push) })).status).toBe(200);
    const deployment = JSON.stringify({ id: 'evt_v1', type: 'deployment.succeeded', createdAt: Date.now(), payload: { deployment: { id: 'dpl_9', name: 'site', url: 'site.vercel.app', meta: { githubCommitSha: sha } }, target: 'production' } });
    expect((await post(`${core.ingestUrl}/webhooks/vercel`, deployment)).status).toBe(200);
    const pushes = await api<{ pushes: Array<{ head_sha: string }> }>(core, 'GET', '/api/pushes?repo=octo/site');
    expect(pushes.body.pushes[0]!.head_sha).toBe(sha);
    const deployments = await api<{ deployments: Array<{ commit_sha: string }> }>(core, 'GET', '/api/deployments?project=site');
    expect(deployments.body.deployments[0]!.commit_sha).toBe(sha);
    const c = correlationSchema.parse((await api(core, 'GET', `/api/correlate/${sha.slice(0, 8)}`)).body);
    expect(c.push?.repo).toBe('octo/site');
    expect(c.deployments).toHaveLength(1);
    expect((await api(core, 'GET', '/api/correlate/zz')).status).toBe(400);
    const hourly = hourlySchema.parse((await api(core, 'GET', '/api/stats/hourly?hours=3')).body);
    expect(hourly.hours).toHaveLength(3);
    expect(hourly.series.find((s) => s.source === 'github')!.counts.at(-1)).toBeGreaterThanOrEqual(1);
    const sources = sourcesSchema.parse((await api(core, 'GET', '/api/sources')).body);
    expect(sources.sources.find((s) => s.source === 'vercel')).toMatchObject({ provider: 'vercel', secret: null });
    expect(sources.sources.find((s) => s.source === 'github')!.secret?.origin).toBe('env');
  });

  it('rejects bad filters with 400 and a message', async () => {
    const bad = await api<{ error: string }>(core, 'GET', '/api/events?limit=lots');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/limit/);
    const unknown = await api<{ error: string }>(core, 'GET', '/api/events?colour=blue');
    expect(unknown.body.error).toMatch(/unknown query parameter colour/);
  });
});

describe('the live stream (SSE)', () => {
  it('delivers committed events live and resumes after a disconnect without duplicates or gaps', async () => {
    const start = core.store.maxId();
    const live = await fetch(`${core.controlUrl}/api/events/stream?source=sse`, { headers: authed() });
    expect(live.headers.get('content-type')).toMatch(/text\/event-stream/);
    const first = await post(`${core.ingestUrl}/webhooks/sse`, '{"n":1}');
    const got = await readSse(live, 1);
    expect(got.map((e) => Number(e.id))).toEqual([first.body.id]);
    expect((JSON.parse(got[0]!.data) as EventRecord).source).toBe('sse');

    // Disconnected: three more arrive (and one for another source), then the client resumes.
    const missed = [];
    for (let i = 2; i <= 4; i++) missed.push((await post(`${core.ingestUrl}/webhooks/sse`, JSON.stringify({ n: i }))).body.id);
    await post(`${core.ingestUrl}/webhooks/other`, '{}');
    const resumed = await fetch(`${core.controlUrl}/api/events/stream?source=sse`, { headers: authed({ 'last-event-id': String(first.body.id) }) });
    const later = post(`${core.ingestUrl}/webhooks/sse`, '{"n":5}');
    const events = await readSse(resumed, 4);
    expect(events.map((e) => Number(e.id))).toEqual([...missed, (await later).body.id]);
    expect(start).toBeLessThan(first.body.id as number);
  });

  it('replays from a timestamp and then continues live', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const a = await post(`${core.ingestUrl}/webhooks/replayed`, '{"a":1}');
    const res = await fetch(`${core.controlUrl}/api/events/replay/${encodeURIComponent(since)}?source=replayed`, { headers: authed() });
    const b = post(`${core.ingestUrl}/webhooks/replayed`, '{"b":1}');
    const events = await readSse(res, 2);
    expect(events.map((e) => Number(e.id))).toEqual([a.body.id, (await b).body.id]);
  });

  it('answers bad filters with 400 before streaming', async () => {
    const res = await fetch(`${core.controlUrl}/api/events/stream?source=Not%20Valid`, { headers: authed() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/source/);
  });
});

describe('browser sign-in', () => {
  it('turns a one-time link into an HttpOnly SameSite=Strict cookie, once', async () => {
    const link = new URL(core.dashboardLink());
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${core.controlUrl}/api/health`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(403);
    expect((await fetch(`${core.controlUrl}/api/health`)).status).toBe(401);
    const foreign = await fetch(`${core.controlUrl}/api/health`, { headers: { cookie: session, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});

describe('client set-up and resend', () => {
  it('connects Claude Desktop through the same writer as the CLI', async () => {
    const before = clientsSchema.parse((await api(core, 'GET', '/api/clients')).body);
    expect(before.clients.find((c) => c.client === 'claude')).toMatchObject({ connected: false });
    expect(before.token).toBe(core.token);
    const res = await api<{ error: string }>(core, 'POST', '/api/clients/claude/connect');
    // The test core was started without a launch command, as an embedding might be.
    expect(res.status).toBe(501);
    const vscode = await api<{ path: string; changed: boolean }>(core, 'POST', '/api/clients/vscode/connect');
    expect(vscode.status).toBe(200);
    expect(vscode.body.changed).toBe(true);
    const written = JSON.parse(fs.readFileSync(vscode.body.path, 'utf8')) as { servers: { tidings: { type: string } } };
    expect(written.servers.tidings.type).toBe('http');
    expect(vscode.body.path.startsWith(home)).toBe(true);
  });

  it('resends the stored request, byte for byte with its signature, to a local server', async () => {
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-hub-signature-256'] as string | undefined });
        res.end('thanks');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const body = JSON.stringify({ zen: 'Approachable is better than simple.', hook_id: 1 });
      const signature = await sign(GITHUB_SECRET, body);
      const sent = await post(`${core.ingestUrl}/webhooks/github`, body, { 'x-github-event': 'ping', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': signature });
      const port = (server.address() as AddressInfo).port;
      const res = await api<{ status: number; body: string }>(core, 'POST', `/api/events/${sent.body.id}/resend`, { url: `http://127.0.0.1:${port}/hook` });
      expect(res.body).toEqual({ status: 200, body: 'thanks' });
      expect(received).toEqual([{ body, signature }]);
    } finally {
      server.close();
    }
  });
});

describe('the stream router on its own', () => {
  it('sends keep-alive comments while idle', async () => {
    const express = (await import('express')).default;
    const { createStreamRouter } = await import('../../../../src/main/core/api/stream');
    const app = express().use('/api', createStreamRouter({ store: core.store, bus: core.bus, keepAliveMs: 50 }));
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events/stream`);
      const reader = res.body!.getReader();
      let text = '';
      const deadline = Date.now() + 2000;
      while (!/: keep-alive[^\n]*\n\n[\s\S]*: keep-alive/.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      expect(text.match(/^: keep-alive /gm)?.length).toBeGreaterThanOrEqual(2);
      expect(text).toMatch(/^retry: \d+/m);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
