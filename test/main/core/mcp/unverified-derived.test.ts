// Derived views (Stripe actions, deployments, pushes, commits, PRs) built from unsigned
// webhooks say so: through the real receiver, read by the MCP SDK's own client and over
// the local API. The same kinds of rows from signed webhooks say they are verified.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import Stripe from 'stripe';
import { api, post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { actionsSchema, correlationSchema, deploymentsSchema, pushesSchema } from '../../../../src/shared/api';

const GITHUB_SECRET = 'derived-github-secret';
const STRIPE_SECRET = 'whsec_derived_stripe_secret';
const VERCEL_SECRET = 'derived-vercel-secret';
const FORGED_SHA = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0';
const REAL_SHA = 'c0ffee1234567890abcdef1234567890abcdef12';
const stripe = new Stripe('sk_test_unused');

let core: TestCore;
let client: Client;

async function call(name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError ?? false).toBe(false);
  return { data: result.structuredContent as Record<string, any>, text: (result.content[0] as { text: string }).text };
}

function pushPayload(sha: string, pusher: string, message: string): string {
  const push = structuredClone(examples.find((g) => g.name === 'push')!.examples[0]) as Record<string, any>;
  push.repository.full_name = 'octo/app';
  push.after = sha;
  push.pusher = { name: pusher, email: `${pusher}@example.com` };
  push.commits = [{ ...push.head_commit, id: sha, message }];
  push.head_commit = push.commits[0];
  return JSON.stringify(push);
}

function vercelBody(id: string, sha: string, type: string): string {
  return JSON.stringify({
    id: `evt_${crypto.randomUUID()}`,
    type,
    createdAt: Date.now(),
    payload: {
      deployment: { id, name: 'prod-site', url: id === 'dpl_forged' ? 'https://evil.example/login' : 'prod-site.vercel.app', meta: { githubCommitSha: sha } },
      project: { id: 'prj_1' },
      target: 'production',
    },
  });
}

function checkoutBody(email: string, cents: number): string {
  return JSON.stringify({
    id: `evt_${crypto.randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: `cs_${email}`, object: 'checkout.session', amount_total: cents, currency: 'usd', customer: 'cus_1', customer_email: email } },
  });
}

beforeAll(async () => {
  core = await startTestCore();
  // The attack from issue 11: no secrets yet, so anyone can post these.
  const ghHeaders = () => ({ 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID() });
  expect((await post(`${core.ingestUrl}/webhooks/stripe`, checkoutBody('ceo@victim-corp.example', 99_900))).status).toBe(200);
  expect((await post(`${core.ingestUrl}/webhooks/vercel`, vercelBody('dpl_forged', FORGED_SHA, 'deployment.error'))).status).toBe(200);
  expect((await post(`${core.ingestUrl}/webhooks/github`, pushPayload(FORGED_SHA, 'mallory', 'Forged'), ghHeaders())).status).toBe(200);

  // Then the person sets secrets, and the real providers' signed deliveries arrive.
  for (const [source, value] of [['github', GITHUB_SECRET], ['stripe', STRIPE_SECRET], ['vercel', VERCEL_SECRET]] as const) {
    expect((await api(core, 'PUT', `/api/secrets/${source}`, { value })).status).toBe(200);
  }
  const checkout = checkoutBody('ada@example.com', 4_900);
  const stripeSig = stripe.webhooks.generateTestHeaderString({ payload: checkout, secret: STRIPE_SECRET });
  expect((await post(`${core.ingestUrl}/webhooks/stripe`, checkout, { 'stripe-signature': stripeSig })).status).toBe(200);
  const deploy = vercelBody('dpl_real', REAL_SHA, 'deployment.succeeded');
  const vercelSig = crypto.createHmac('sha1', VERCEL_SECRET).update(deploy).digest('hex');
  expect((await post(`${core.ingestUrl}/webhooks/vercel`, deploy, { 'x-vercel-signature': vercelSig })).status).toBe(200);
  const push = pushPayload(REAL_SHA, 'ada', 'Real');
  expect((await post(`${core.ingestUrl}/webhooks/github`, push, { ...ghHeaders(), 'x-hub-signature-256': await sign(GITHUB_SECRET, push) })).status).toBe(200);

  client = new Client({ name: 'tidings-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }),
  );
});

afterAll(async () => {
  await client?.close();
  await core?.close();
});

describe('derived views over MCP', () => {
  it('get_pending_actions marks the forged action unverified, warns, and marks the signed one verified', async () => {
    const { data, text } = await call('get_pending_actions');
    const forged = data.actions.find((a: any) => a.customer_email === 'ceo@victim-corp.example');
    const real = data.actions.find((a: any) => a.customer_email === 'ada@example.com');
    expect(forged).toMatchObject({ verified: false, amount: 999 });
    expect(real).toMatchObject({ verified: true });
    expect(data.warning).toMatch(/^WARNING: 1 action\(s\) came from deliveries whose source has no signing secret/);
    expect(text.split('\n')[0]).toBe(data.warning);
    const forgedLine = text.split('\n').find((l) => l.includes('ceo@victim-corp.example'))!;
    const realLine = text.split('\n').find((l) => l.includes('ada@example.com'))!;
    // The mark comes after the id, before any of the sender's text.
    expect(forgedLine).toMatch(/^#\d+ \[UNVERIFIED\] /);
    expect(realLine).not.toContain('UNVERIFIED');
  });

  it('get_event_summary counts the unsigned events, actions and amounts', async () => {
    const { data, text } = await call('get_event_summary', { hours: 24 });
    expect(data).toMatchObject({ total_events: 2, unverified_events: 1, pending_actions: 2, unverified_pending_actions: 1 });
    expect(data.amounts).toEqual([{ currency: 'usd', type: 'checkout.session.completed', total: 1048, unverified: 999 }]);
    expect(data.warning).toMatch(/^WARNING: 2 of these events and pending actions came from deliveries/);
    expect(text).toContain('1048.00 USD (999.00 UNVERIFIED)');
  });

  it('get_recent_deployments and get_deployment_status mark the forged deployment', async () => {
    const recent = await call('get_recent_deployments', { limit: 10 });
    const byId = Object.fromEntries(recent.data.deployments.map((d: any) => [d.deployment_id, d.verified]));
    expect(byId).toEqual({ dpl_forged: false, dpl_real: true });
    expect(recent.data.warning).toMatch(/^WARNING: 1 deployment report\(s\)/);
    expect(recent.text.split('\n').find((l) => l.includes('evil.example'))).toMatch(/^\S+ \[UNVERIFIED\] prod-site /);
    expect(recent.text.split('\n').find((l) => l.includes('prod-site.vercel.app'))).not.toContain('UNVERIFIED');

    // The newest report of prod-site is the signed one: no warning.
    const status = await call('get_deployment_status', { project: 'prod-site' });
    expect(status.data.latest).toMatchObject({ deployment_id: 'dpl_real', verified: true });
    expect(status.data.warning).toBeNull();
    expect(status.text).not.toContain('UNVERIFIED');
  });

  it('pushes, commits, repos and the correlation verdict carry the mark', async () => {
    const pushes = await call('get_recent_pushes');
    expect(pushes.data.pushes.map((p: any) => [p.pusher, p.verified])).toEqual([
      ['ada', true],
      ['mallory', false],
    ]);
    expect(pushes.text).toMatch(/^\S+ \[UNVERIFIED\] octo\/app@\S+ f0f0f0f by mallory \(1 commits\): Forged$/m);
    expect(pushes.data.warning).toMatch(/1 push\(es\)/);

    const commits = await call('summarize_commits', { repo: 'octo/app' });
    expect(commits.data.unverified_pushes).toBe(1);
    expect(commits.data.recent_messages.find((m: any) => m.message === 'Forged').verified).toBe(false);
    expect(commits.data.recent_messages.find((m: any) => m.message === 'Real').verified).toBe(true);

    const repos = await call('list_tracked_repos');
    expect(repos.data.repos[0]).toMatchObject({ repo: 'octo/app', unverified_events: 1 });
    expect(repos.text).toContain('(1 [UNVERIFIED])');

    const forged = await call('correlate_push_to_deployment', { commit_sha: FORGED_SHA });
    expect(forged.data.push.verified).toBe(false);
    expect(forged.data.deployments.map((d: any) => d.verified)).toEqual([false]);
    expect(forged.data.verdict).toMatch(/\[UNVERIFIED: the push and the deployment report came from a source without a signing secret\]$/);
    expect(forged.data.warning).not.toBeNull();
    const real = await call('correlate_push_to_deployment', { commit_sha: REAL_SHA });
    expect(real.data.push.verified).toBe(true);
    expect(real.data.warning).toBeNull();
    expect(real.text).not.toContain('UNVERIFIED');
  });

  it('declares verified in the output schemas of the derived tools', async () => {
    const { tools } = await client.listTools();
    const schema = (name: string) => JSON.stringify(tools.find((t) => t.name === name)!.outputSchema);
    for (const name of ['get_pending_actions', 'get_recent_deployments', 'get_deployment_status', 'get_recent_pushes', 'correlate_push_to_deployment', 'get_pr_activity', 'summarize_commits']) {
      expect(schema(name), name).toContain('"verified"');
    }
    expect(schema('get_event_summary')).toContain('"unverified_events"');
    expect(schema('list_tracked_repos')).toContain('"unverified_events"');
  });
});

describe('derived views over the local API', () => {
  it('carries verified on actions, pushes, deployments and correlations, as the shared schemas require', async () => {
    const actions = actionsSchema.parse((await api(core, 'GET', '/api/actions')).body);
    expect(actions.actions.map((a) => [a.customer_email, a.verified])).toEqual([
      ['ada@example.com', true],
      ['ceo@victim-corp.example', false],
    ]);
    const pushes = pushesSchema.parse((await api(core, 'GET', '/api/pushes')).body);
    expect(pushes.pushes.map((p) => p.verified)).toEqual([true, false]);
    const deployments = deploymentsSchema.parse((await api(core, 'GET', '/api/deployments')).body);
    expect(deployments.deployments.map((d) => d.verified)).toEqual([true, false]);
    const correlation = correlationSchema.parse((await api(core, 'GET', `/api/correlate/${FORGED_SHA}`)).body);
    expect(correlation.push?.verified).toBe(false);
  });
});
