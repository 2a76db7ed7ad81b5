// Both MCP revisions on one /mcp: three real SDK v2 clients against the real core on free
// ports, one per way a client may negotiate (2025 only, auto, pinned to 2026-07-28). In
// each, every tool answers, wait_for_event wakes and can be cancelled, and resource updates
// arrive the way that revision delivers them.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import Stripe from 'stripe';
import { api, post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { startReceiver } from '../../../helpers/receiver';
import type { Receiver } from '../../../helpers/receiver';

const GITHUB_SECRET = 'eras-github-secret';
const STRIPE_SECRET = 'whsec_eras_secret';
const VERCEL_SECRET = 'eras-vercel-secret';
const HEAD_SHA = 'feedface1234567890abcdef1234567890abcdef';
const stripe = new Stripe('sk_test_unused');

/** The tools of the contract, in the order every server instance lists them. */
const TOOLS = [
  'get_recent_events', 'get_event_by_id', 'get_events_since', 'replay_events', 'get_event_sources', 'search_events', 'wait_for_event',
  'subscribe_to_events', 'unsubscribe_from_events', 'list_tracked_repos', 'get_repo_activity', 'summarize_commits', 'get_pr_activity',
  'get_pending_actions', 'mark_action_complete', 'get_recent_stripe_events', 'get_event_summary', 'get_recent_pushes',
  'get_recent_deployments', 'get_deployment_status', 'correlate_push_to_deployment', 'publish_event', 'push_webhook',
  'list_webhook_targets', 'get_channel_stats', 'health_check',
];

let core: TestCore;
let receiver: Receiver;

async function github(event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return post(`${core.ingestUrl}/webhooks/github`, body, {
    'x-github-event': event,
    'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': await sign(GITHUB_SECRET, body),
  });
}

async function vercel(project: string, type: string) {
  const body = JSON.stringify({
    id: `evt_${crypto.randomUUID()}`,
    type,
    createdAt: Date.now(),
    payload: { deployment: { id: `dpl_${crypto.randomUUID()}`, name: project, url: `${project}.vercel.app`, meta: { githubCommitSha: HEAD_SHA } }, project: { id: 'prj_1' }, target: 'production' },
  });
  return post(`${core.ingestUrl}/webhooks/vercel`, body, { 'x-vercel-signature': crypto.createHmac('sha1', VERCEL_SECRET).update(body).digest('hex') });
}

async function checkout(email: string) {
  const payload = JSON.stringify({
    id: `evt_${crypto.randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: `cs_${crypto.randomUUID()}`, object: 'checkout.session', customer: 'cus_1', customer_email: email, amount_total: 4900, currency: 'usd' } },
  });
  return post(`${core.ingestUrl}/webhooks/stripe`, payload, { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) });
}

const plain = (source: string, body: Record<string, unknown>) => post(`${core.ingestUrl}/webhooks/${source}`, JSON.stringify({ nonce: crypto.randomUUID(), ...body }));

function example(name: string, action?: string): Record<string, any> {
  const group = examples.find((g) => g.name === name)!;
  return structuredClone(group.examples.find((e: any) => action === undefined || e.action === action)) as Record<string, any>;
}

async function connect(mode: 'legacy' | 'auto' | { pin: string }): Promise<Client> {
  const c = new Client({ name: 'tidings-eras', version: '1.0.0' }, { versionNegotiation: { mode } });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
  return c;
}

async function call(c: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await c.callTool({ name, arguments: args })) as CallToolResult;
  const text = (result.content[0] as { text: string } | undefined)?.text ?? '';
  expect(result.isError, `${name}: ${text}`).toBeFalsy();
  return { data: result.structuredContent as Record<string, any>, text };
}

beforeAll(async () => {
  core = await startTestCore(
    // Secrets are set, and this suite also posts to unsigned names: accept them all.
    { rateLimit: { perSecond: 10_000, burst: 10_000 }, sources: { accept: 'any' } },
    { TIDINGS_SECRET_GITHUB: GITHUB_SECRET, TIDINGS_SECRET_STRIPE: STRIPE_SECRET, TIDINGS_SECRET_VERCEL: VERCEL_SECRET },
  );
  const push = example('push');
  push.repository.full_name = 'octo/app';
  push.after = HEAD_SHA;
  push.commits = [{ ...push.head_commit, id: HEAD_SHA, message: 'Fix the login redirect' }];
  push.head_commit = push.commits[0];
  expect((await github('push', push)).status).toBe(200);
  const pr = example('pull_request', 'opened');
  pr.repository.full_name = 'octo/app';
  expect((await github('pull_request', pr)).status).toBe(200);
  expect((await vercel('site', 'deployment.succeeded')).status).toBe(200);
  for (const who of ['a', 'b', 'c']) expect((await checkout(`${who}@example.com`)).status).toBe(200);
  receiver = await startReceiver();
  const target = await api(core, 'POST', '/api/targets', { name: 'eras-push', url: receiver.url, allow_private: true });
  expect(target.status).toBe(201);
});

afterAll(async () => {
  await receiver?.close();
  await core?.close();
});

describe.each([
  { name: 'legacy (2025-11-25 only)', mode: 'legacy' as const, era: 'legacy', version: '2025-11-25' },
  { name: 'auto', mode: 'auto' as const, era: 'modern', version: '2026-07-28' },
  { name: 'pinned to 2026-07-28', mode: { pin: '2026-07-28' }, era: 'modern', version: '2026-07-28' },
])('an SDK v2 client, version negotiation $name', ({ name, mode, era, version }) => {
  let client: Client;
  const tag = crypto.createHash('sha256').update(name).digest('hex').slice(0, 8);

  beforeAll(async () => {
    client = await connect(mode);
  });
  afterAll(async () => {
    await client?.close();
  });

  it('lands on the revision it asked for', () => {
    expect(client.getProtocolEra()).toBe(era);
    expect(client.getNegotiatedProtocolVersion()).toBe(version);
  });

  it('lists every tool of the contract, in the same order each time', async () => {
    const first = (await client.listTools()).tools.map((t) => t.name);
    expect(first).toEqual(TOOLS);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(first);
  });

  it('answers every tool', async () => {
    const called = new Set<string>();
    const run = async (tool: string, args: Record<string, unknown> = {}) => {
      called.add(tool);
      return call(client, tool, args);
    };
    const first = core.store.list({ order: 'asc', limit: 1 })[0]!;
    expect((await run('get_recent_events', { source: 'github' })).data.events.length).toBeGreaterThan(0);
    expect((await run('get_event_by_id', { id: first.id })).data.event.id).toBe(first.id);
    expect((await run('get_events_since', { cursor: 0, limit: 2 })).data.events).toHaveLength(2);
    expect((await run('replay_events', { after_cursor: 0, limit: 2 })).data.events).toHaveLength(2);
    expect((await run('get_event_sources')).data.sources.map((s: any) => s.source)).toEqual(expect.arrayContaining(['github', 'stripe', 'vercel']));
    expect((await run('search_events', { query: 'login' })).data.events.length).toBeGreaterThan(0);
    expect((await run('wait_for_event', { after_cursor: 0, timeout_seconds: 5 })).data.event.id).toBe(first.id);
    const sub = await run('subscribe_to_events', { sources: [`sub-${tag}`], callback_description: 'watch one source' });
    expect((await run('unsubscribe_from_events', { subscription_id: sub.data.subscription.id })).data.subscription.active).toBe(false);
    expect((await run('list_tracked_repos')).data.repos.map((r: any) => r.repo)).toContain('octo/app');
    expect((await run('get_repo_activity', { repo: 'octo/app' })).data.total_events).toBeGreaterThan(0);
    expect((await run('summarize_commits', { repo: 'octo/app' })).data.total_commits).toBeGreaterThan(0);
    expect((await run('get_pr_activity', { repo: 'octo/app' })).data.total_pr_events).toBe(1);
    const pending = (await run('get_pending_actions')).data.actions;
    expect(pending.length).toBeGreaterThan(0);
    expect((await run('mark_action_complete', { action_id: pending[0].id, details: `done by the ${name} client` })).data.action.status).toBe('completed');
    expect((await run('get_recent_stripe_events')).data.events[0].type).toBe('checkout.session.completed');
    expect((await run('get_event_summary', { hours: 1 })).data.by_type['checkout.session.completed']).toBeGreaterThanOrEqual(3);
    expect((await run('get_recent_pushes', { repo: 'octo/app' })).data.pushes).toHaveLength(1);
    expect((await run('get_recent_deployments', { project: 'site' })).data.deployments.length).toBeGreaterThan(0);
    expect((await run('get_deployment_status', { project: 'site' })).data.latest.state).toBe('succeeded');
    expect((await run('correlate_push_to_deployment', { commit_sha: HEAD_SHA.slice(0, 8) })).data.push.repo).toBe('octo/app');
    expect((await run('publish_event', { channel: `eras-${tag}`, event_data: { type: 'note', n: 1 } })).data.status).toBe('published');
    expect((await run('push_webhook', { message: `hello from the ${name} client` })).data).toMatchObject({ status: 'queued', webhooks_notified: 1 });
    expect((await run('list_webhook_targets')).data.targets.map((t: any) => t.name)).toContain('eras-push');
    expect((await run('get_channel_stats')).data.channels).toContainEqual(expect.objectContaining({ channel: `eras-${tag}`, count: 1 }));
    expect((await run('health_check')).data.status).toBe('ok');
    expect([...called].sort()).toEqual([...TOOLS].sort());
  });

  it('wakes wait_for_event the moment a matching webhook is committed', async () => {
    const after = core.store.maxId();
    const waiting = call(client, 'wait_for_event', { source: `wake-${tag}`, after_cursor: after, timeout_seconds: 60 });
    const sent = await plain(`wake-${tag}`, { type: 'ping' });
    const { data } = await waiting;
    expect(data).toMatchObject({ timed_out: false, cursor: sent.body.id });
    expect(data.event.source).toBe(`wake-${tag}`);
  });

  it('reports progress on a wait and stops waiting when the client cancels it', async () => {
    const listeners = core.bus.size();
    const controller = new AbortController();
    let progressed!: () => void;
    const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
    const waiting = client.callTool({ name: 'wait_for_event', arguments: { source: `never-${tag}`, timeout_seconds: 120 } }, {
      onprogress: () => progressed(),
      signal: controller.signal,
      resetTimeoutOnProgress: true,
    });
    await firstProgress;
    expect(core.bus.size()).toBe(listeners + 1);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    // The server saw the cancellation (a 2025 notifications/cancelled, or the 2026 stream
    // closing) and stopped listening for the event.
    await expect.poll(() => core.bus.size()).toBe(listeners);
  });

  it('delivers resource updates for the URIs it asked about, and only those', async () => {
    const source = `upd-${tag}`;
    const updates: string[] = [];
    let heard!: () => void;
    const sub = await call(client, 'subscribe_to_events', { sources: [source], filters: { types: ['order'] }, callback_description: 'orders' });
    const subscriptionUri: string = sub.data.subscription.resource_uri;
    const wanted = [`tidings://sources/${source}/recent`, subscriptionUri, 'tidings://stripe/actions/pending', `tidings://deployments/${source}`];
    const all = new Promise<void>((resolve) => (heard = resolve));
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updates.push(n.params.uri);
      if (wanted.every((u) => updates.includes(u))) heard();
    });
    let closeListen = async () => undefined as void;
    if (era === 'legacy') {
      // 2025: resources/subscribe, delivered on the session's GET stream. The subscription's
      // own URI needs no resources/subscribe: making it was the request to be told.
      for (const uri of wanted) if (uri !== subscriptionUri) await client.subscribeResource({ uri });
    } else {
      const listen = await client.listen({ resourceSubscriptions: wanted });
      expect(listen.honoredFilter.resourceSubscriptions).toEqual(wanted);
      closeListen = () => listen.close();
    }
    try {
      await plain(`other-${tag}`, { type: 'order.created' });
      await plain(source, { type: 'order.created' });
      await checkout(`upd-${tag}@example.com`);
      await vercel(source, 'deployment.created');
      await all;
      expect(new Set(updates)).toEqual(new Set(wanted));
      expect(core.subscriptions.get(sub.data.subscription.id)?.matched).toBe(1);
    } finally {
      await closeListen();
      await call(client, 'unsubscribe_from_events', { subscription_id: sub.data.subscription.id });
    }
  });
});
