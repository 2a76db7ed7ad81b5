// completion/complete in both revisions: resource template variables and prompt arguments
// complete from what the store holds, through the SDK v2 client against the real core.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

const GITHUB_SECRET = 'completions-github-secret';
const VERCEL_SECRET = 'completions-vercel-secret';
let core: TestCore;
let subscriptionId: number;

beforeAll(async () => {
  // Secrets are set, so the unsigned 'orders' source has to be accepted by name.
  core = await startTestCore({ sources: { accept: 'any' } }, { TIDINGS_SECRET_GITHUB: GITHUB_SECRET, TIDINGS_SECRET_VERCEL: VERCEL_SECRET });
  for (const repo of ['octo/app', 'octo/api', 'other/site']) {
    const push = structuredClone(examples.find((g) => g.name === 'push')!.examples[0]) as Record<string, any>;
    push.repository.full_name = repo;
    const body = JSON.stringify(push);
    const res = await post(`${core.ingestUrl}/webhooks/github`, body, { 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': await sign(GITHUB_SECRET, body) });
    expect(res.status).toBe(200);
  }
  for (const project of ['site', 'shop']) {
    const body = JSON.stringify({ id: `evt_${crypto.randomUUID()}`, type: 'deployment.succeeded', createdAt: Date.now(), payload: { deployment: { id: `dpl_${project}`, name: project, url: `${project}.vercel.app` }, project: { id: 'prj' } } });
    expect((await post(`${core.ingestUrl}/webhooks/vercel`, body, { 'x-vercel-signature': crypto.createHmac('sha1', VERCEL_SECRET).update(body).digest('hex') })).status).toBe(200);
  }
  expect((await post(`${core.ingestUrl}/webhooks/orders`, '{"type":"order.created"}')).status).toBe(200);
  subscriptionId = (await core.subscriptions.create(null, { sources: ['orders'], filters: {}, callback_description: 'orders' })).id;
});
afterAll(async () => {
  await core?.close();
});

describe.each([
  { name: '2025-11-25', mode: 'legacy' as const },
  { name: '2026-07-28', mode: { pin: '2026-07-28' } },
])('completions over $name', ({ mode }) => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ name: 'completions', version: '1' }, { versionNegotiation: { mode } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
  });
  afterAll(async () => {
    await client?.close();
  });

  const template = (uri: string, name: string, value: string) => client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value } }).then((r) => r.completion.values);
  const prompt = (promptName: string, name: string, value: string) => client.complete({ ref: { type: 'ref/prompt', name: promptName }, argument: { name, value } }).then((r) => r.completion.values);

  it('says it can complete', () => {
    expect(client.getServerCapabilities()?.completions).toBeDefined();
  });

  it('completes the variables of the resource templates from stored events', async () => {
    expect((await template('tidings://sources/{source}/recent', 'source', 'g')).sort()).toEqual(['github']);
    expect((await template('tidings://sources/{source}/recent', 'source', '')).sort()).toEqual(['github', 'orders', 'vercel']);
    expect((await template('tidings://deployments/{project}', 'project', 's')).sort()).toEqual(['shop', 'site']);
    expect(await template('tidings://subscriptions/{id}', 'id', '')).toEqual([String(subscriptionId)]);
    const newest = String(core.store.maxId());
    expect(await template('tidings://events/{id}', 'id', newest)).toEqual([newest]);
  });

  it('completes the prompts’ arguments', async () => {
    expect((await prompt('summarize_activity', 'repo', 'octo/')).sort()).toEqual(['octo/api', 'octo/app']);
    expect(await prompt('summarize_activity', 'hours', '2')).toEqual(['24']);
    expect((await prompt('deployment_report', 'project', 'sh'))).toEqual(['shop']);
  });
});
