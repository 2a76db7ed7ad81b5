// Provider links end to end, nothing leaving the machine: a real core, the real
// @octokit/rest and stripe clients pointed at fake GitHub and Stripe APIs on loopback, and
// a reverse proxy standing in for the public URL. Every link is proven by a delivery the
// fake provider sends back, signed with the secret it was given, arriving verified.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import examples from '@octokit/webhooks-examples';
import { api, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { startFakeGithub } from '../../../helpers/fake-github';
import type { FakeGithub } from '../../../helpers/fake-github';
import { startFakeStripe } from '../../../helpers/fake-stripe';
import type { FakeStripe } from '../../../helpers/fake-stripe';
import { startReverseProxy } from '../../../helpers/reverse-proxy';
import type { ReverseProxy } from '../../../helpers/reverse-proxy';
import { movablePublicUrl } from '../../../helpers/public-url';
import type { MovablePublicUrl } from '../../../helpers/public-url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { LinkInfo } from '../../../../src/shared/api';
import type { EventRecord } from '../../../../src/shared/events';

const TOKEN = 'ghp_admin';
const STRIPE_KEY = 'sk_test_fakekey12345678';
const push = examples.find((g) => g.name === 'push')!.examples[0]!;

let github: FakeGithub;
let stripe: FakeStripe;
let core: TestCore;
let publicUrl: MovablePublicUrl;
let proxy: ReverseProxy;
let extraProxies: ReverseProxy[] = [];

beforeAll(async () => {
  github = await startFakeGithub({ repos: ['octo/hello', 'octo/other'], orgs: ['octo-org'], tokens: { [TOKEN]: 'admin', ghp_readonly: 'read-only' } });
  stripe = await startFakeStripe({ keys: [STRIPE_KEY] });
});
afterAll(async () => {
  await github.close();
  await stripe.close();
});

async function freshCore(withUrl = true) {
  publicUrl = movablePublicUrl();
  core = await startTestCore({}, { TIDINGS_GITHUB_API_URL: github.url, TIDINGS_STRIPE_API_URL: stripe.url }, { publicUrl });
  proxy = await startReverseProxy(core.ingestUrl);
  if (withUrl) publicUrl.set(proxy.url);
  await core.links.settled();
}

afterEach(async () => {
  await core?.close();
  await proxy?.close();
  for (const p of extraProxies) await p.close();
  extraProxies = [];
  github.hooks.clear();
  stripe.endpoints.clear();
});

const links = async () => (await api<{ links: LinkInfo[] }>(core, 'GET', '/api/links')).body.links;
const secretsOf = async (source: string) =>
  (await api<{ secrets: Array<{ source: string; fingerprints: string[] }> }>(core, 'GET', '/api/secrets')).body.secrets.find((s) => s.source === source)?.fingerprints ?? [];
const lastEvent = async (source: string) => (await api<{ events: EventRecord[] }>(core, 'GET', `/api/events?source=${source}&limit=1`)).body.events[0];

describe('tidings link github', () => {
  it('creates a JSON webhook at the public URL with a new secret, and a delivery signed with it arrives verified', async () => {
    await freshCore();
    const res = await api<{ link: LinkInfo; created: boolean }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' });
    expect(res.status).toBe(201);
    const { link } = res.body;
    expect(link).toMatchObject({ provider: 'github', scope: 'repo', target: 'octo/hello', source: 'github', url: `${proxy.url}/webhooks/github`, events: ['*'], state: 'active' });
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);

    const hook = github.hooks.get(Number(link.hook_id))!;
    expect(hook.owner).toBe('repo:octo/hello');
    expect(hook.config).toMatchObject({ url: `${proxy.url}/webhooks/github`, content_type: 'json' });
    expect(hook.events).toEqual(['*']);
    // The secret GitHub was given is the github source's newest one.
    expect((await secretsOf('github'))[0]).toBe(link.secret_fingerprint);

    const answers = await github.deliver('repo:octo/hello', 'push', push);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.status).toBe(200);
    expect(proxy.seen).toContain('/webhooks/github');
    const event = await lastEvent('github');
    expect(event).toMatchObject({ source: 'github', type: 'push', verified: true });
    expect((await links())[0]!.last_delivery).toMatchObject({ outcome: 'verified', detail: 'push' });
  });

  it('links an organization with --org and its deliveries arrive verified', async () => {
    await freshCore();
    const res = await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, org: 'octo-org', events: ['push', 'pull_request'] });
    expect(res.status).toBe(201);
    const hook = github.hooks.get(Number(res.body.link.hook_id))!;
    expect(hook.owner).toBe('org:octo-org');
    expect(hook.events).toEqual(['push', 'pull_request']);
    const [answer] = await github.deliver('org:octo-org', 'push', push);
    expect(answer!.status).toBe(200);
    expect(await lastEvent('github')).toMatchObject({ verified: true });
  });

  it('linking again updates the hook it made, with a new secret that replaces only its own old one', async () => {
    await freshCore();
    await api(core, 'POST', '/api/secrets/github/rotate', { value: 'a-secret-the-person-set' });
    const first = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' })).body.link;
    const again = await api<{ link: LinkInfo; created: boolean }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello', events: ['push'] });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(again.body.link.hook_id).toBe(first.hook_id);
    expect(github.hooks.size).toBe(1);
    expect(github.hooks.get(Number(first.hook_id))!.events).toEqual(['push']);
    const fps = await secretsOf('github');
    expect(fps[0]).toBe(again.body.link.secret_fingerprint);
    expect(fps).not.toContain(first.secret_fingerprint);
    expect(fps).toHaveLength(2); // the link's and the person's own
    expect((await github.deliver('repo:octo/hello', 'push', push))[0]!.status).toBe(200);
    expect(await lastEvent('github')).toMatchObject({ verified: true });
  });

  it('takes over a hook that already points at the URL (GitHub: 422 "Hook already exists") instead of failing', async () => {
    await freshCore();
    github.hooks.set(77, { id: 77, owner: 'repo:octo/hello', name: 'web', active: true, events: ['push'], config: { url: `${proxy.url}/webhooks/github`, content_type: 'form', secret: 'stale' } });
    const res = await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' });
    expect(res.status).toBe(201);
    expect(res.body.link.hook_id).toBe('77');
    expect(res.body.link.last_result).toMatch(/took over hook 77/);
    expect(github.hooks.get(77)!.config.content_type).toBe('json');
    expect((await github.deliver('repo:octo/hello', 'push', push))[0]!.status).toBe(200);
    expect(await lastEvent('github')).toMatchObject({ verified: true });
  });
});

describe('a link request that cannot succeed gets a clear error and changes nothing', () => {
  async function expectNothingChanged() {
    expect(github.hooks.size).toBe(0);
    expect(await links()).toEqual([]);
    expect(await secretsOf('github')).toEqual([]);
    const file = path.join(core.config.dataDir, 'secrets.json');
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '{}').not.toMatch(/credential:/);
  }

  it('a bad token: GitHub says Bad credentials, and the answer says to make a new token', async () => {
    await freshCore();
    const res = await api<{ status: number; error: string }>(core, 'POST', '/api/links/github', { token: 'ghp_wrong', repo: 'octo/hello' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/GitHub rejected the token \(Bad credentials\)/);
    await expectNothingChanged();
  });

  it('a token without the permission: the answer names "Webhooks: read and write" for a repository and admin:org_hook for an organization', async () => {
    await freshCore();
    const repo = await api<{ error: string }>(core, 'POST', '/api/links/github', { token: 'ghp_readonly', repo: 'octo/hello' });
    expect(repo.status).toBe(403);
    expect(repo.body.error).toContain('"Webhooks: read and write"');
    expect(repo.body.error).toContain('Resource not accessible by personal access token');
    const org = await api<{ error: string }>(core, 'POST', '/api/links/github', { token: 'ghp_readonly', org: 'octo-org' });
    expect(org.status).toBe(403);
    expect(org.body.error).toContain('admin:org_hook');
    await expectNothingChanged();
  });

  it('a refused link keeps every secret the source had, even with the store full (five)', async () => {
    await freshCore();
    for (let i = 1; i <= 5; i++) await api(core, 'POST', '/api/secrets/github/rotate', { value: `person-secret-${i}` });
    const before = await secretsOf('github');
    expect(before).toHaveLength(5);
    const res = await api(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/nope' });
    expect(res.status).toBe(404);
    expect(await secretsOf('github')).toEqual(before);
  });

  it('a repository that does not exist: 404 naming it', async () => {
    await freshCore();
    const res = await api<{ error: string }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/nope' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/the repository octo\/nope was not found/);
    await expectNothingChanged();
  });

  it('GitHub rate-limiting: 429 with its Retry-After passed on', async () => {
    await freshCore();
    github.rateLimitNext(42);
    const res = await fetch(`${core.controlUrl}/api/links/github`, {
      method: 'POST',
      headers: { authorization: `Bearer ${core.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN, repo: 'octo/hello' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('42');
    expect(((await res.json()) as { error: string }).error).toMatch(/rate-limiting.*42 s/);
    await expectNothingChanged();
  });

  it('no public URL yet: 409 saying how to get one, and GitHub is not asked', async () => {
    await freshCore(false);
    const before = github.calls.length;
    const res = await api<{ error: string }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/tidings tunnel ngrok/);
    expect(github.calls.length).toBe(before);
    await expectNothingChanged();
  });

  it('malformed requests: 400 before any provider is asked', async () => {
    await freshCore();
    const before = github.calls.length + stripe.calls.length;
    for (const body of [{ token: TOKEN }, { token: TOKEN, repo: 'octo/hello', org: 'octo-org' }, { token: TOKEN, repo: 'not a repo' }, { token: TOKEN, repo: 'octo/hello', events: [] }]) {
      const res = await api<{ error: string }>(core, 'POST', '/api/links/github', body);
      expect(res.status).toBe(400);
    }
    expect((await api(core, 'POST', '/api/links/stripe', { key: 'pk_test_publishable' })).status).toBe(400);
    expect(github.calls.length + stripe.calls.length).toBe(before);
  });
});

describe('tidings link stripe', () => {
  it('creates an endpoint, keeps the secret Stripe returns as the newest stripe secret, and a signed event arrives verified', async () => {
    await freshCore();
    const res = await api<{ link: LinkInfo; created: boolean }>(core, 'POST', '/api/links/stripe', { key: STRIPE_KEY });
    expect(res.status).toBe(201);
    const { link } = res.body;
    expect(link).toMatchObject({ provider: 'stripe', scope: 'account', target: 'test', url: `${proxy.url}/webhooks/stripe`, events: ['*'] });
    expect(JSON.stringify(res.body)).not.toContain(STRIPE_KEY);
    const endpoint = stripe.endpoints.get(link.hook_id)!;
    expect(endpoint.url).toBe(`${proxy.url}/webhooks/stripe`);
    expect(endpoint.enabled_events).toEqual(['*']);
    expect((await secretsOf('stripe'))[0]).toBe(link.secret_fingerprint);

    const [answer] = await stripe.deliver('invoice.paid', { id: 'in_1', object: 'invoice', customer: 'cus_1', amount_paid: 900, currency: 'usd' });
    expect(answer!.status).toBe(200);
    expect(await lastEvent('stripe')).toMatchObject({ source: 'stripe', type: 'invoice.paid', verified: true });
  });

  it('--events narrows what Stripe sends', async () => {
    await freshCore();
    const { link } = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/stripe', { key: STRIPE_KEY, events: ['invoice.paid'] })).body;
    expect(stripe.endpoints.get(link.hook_id)!.enabled_events).toEqual(['invoice.paid']);
    expect(await stripe.deliver('customer.created', { id: 'cus_2', object: 'customer' })).toEqual([]);
  });

  it('a bad key: Stripe\'s own message, 400, and nothing changed', async () => {
    await freshCore();
    const res = await api<{ error: string }>(core, 'POST', '/api/links/stripe', { key: 'sk_test_notarealkey0000' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/Stripe rejected the key \(Invalid API Key provided: sk_test_/);
    expect(stripe.endpoints.size).toBe(0);
    expect(await links()).toEqual([]);
    expect(await secretsOf('stripe')).toEqual([]);
  });
});

describe('when the public URL changes', () => {
  it('every link is updated at its provider, keeping its secret, and deliveries through the new URL arrive verified', async () => {
    await freshCore();
    const gh = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' })).body.link;
    const org = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, org: 'octo-org' })).body.link;
    const st = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/stripe', { key: STRIPE_KEY })).body.link;

    const moved = await startReverseProxy(core.ingestUrl);
    extraProxies.push(moved);
    publicUrl.set(moved.url);
    await core.links.settled();

    expect(github.hooks.get(Number(gh.hook_id))!.config.url).toBe(`${moved.url}/webhooks/github`);
    expect(github.hooks.get(Number(org.hook_id))!.config.url).toBe(`${moved.url}/webhooks/github`);
    expect(stripe.endpoints.get(st.hook_id)!.url).toBe(`${moved.url}/webhooks/stripe`);
    for (const l of await links()) expect(l).toMatchObject({ state: 'active', error: null, url: expect.stringContaining(moved.url) });
    expect((await secretsOf('github'))).toContain(gh.secret_fingerprint);

    await proxy.close(); // the old URL is gone
    expect((await github.deliver('repo:octo/hello', 'push', push))[0]!.status).toBe(200);
    expect(await lastEvent('github')).toMatchObject({ verified: true });
    expect((await stripe.deliver('invoice.paid', { id: 'in_2', object: 'invoice' }))[0]!.status).toBe(200);
    expect(await lastEvent('stripe')).toMatchObject({ verified: true });
    expect(moved.seen).toEqual(expect.arrayContaining(['/webhooks/github', '/webhooks/stripe']));
  });

  it('a link that cannot be updated is shown broken with the reason, and the others still move', async () => {
    await freshCore();
    const gone = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' })).body.link;
    const kept = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/other' })).body.link;
    github.hooks.delete(Number(gone.hook_id)); // deleted by hand at GitHub

    publicUrl.set('https://elsewhere.example');
    await core.links.settled();
    const after = await links();
    expect(after.find((l) => l.id === gone.id)).toMatchObject({ state: 'broken', error: expect.stringMatching(/hook .* is gone.*link again/) });
    expect(after.find((l) => l.id === kept.id)).toMatchObject({ state: 'active', url: 'https://elsewhere.example/webhooks/github' });
  });

  it('a core that starts with a different public URL than its links moves them at once', async () => {
    await freshCore();
    const { link } = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/stripe', { key: STRIPE_KEY })).body;
    const dataDir = core.config.dataDir;
    await core.close();
    publicUrl = movablePublicUrl('https://after-restart.example');
    core = await startTestCore({ dataDir }, { TIDINGS_GITHUB_API_URL: github.url, TIDINGS_STRIPE_API_URL: stripe.url }, { publicUrl });
    await core.links.settled();
    expect(stripe.endpoints.get(link.hook_id)!.url).toBe('https://after-restart.example/webhooks/stripe');
  });
});

describe('tidings unlink', () => {
  it('deletes the hook at GitHub and only the secret and token the link added', async () => {
    await freshCore();
    await api(core, 'POST', '/api/secrets/github/rotate', { value: 'a-secret-the-person-set' });
    const mine = await secretsOf('github');
    const { link } = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' })).body;
    const res = await api<{ provider_deleted: boolean; removed: LinkInfo }>(core, 'DELETE', `/api/links/${link.id}`);
    expect(res.status).toBe(200);
    expect(res.body.provider_deleted).toBe(true);
    expect(github.hooks.size).toBe(0);
    expect(await secretsOf('github')).toEqual(mine);
    expect(await links()).toEqual([]);
    expect(fs.readFileSync(path.join(core.config.dataDir, 'secrets.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('deletes the Stripe endpoint and its secret; an unknown link id is a 404', async () => {
    await freshCore();
    const { link } = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/stripe', { key: STRIPE_KEY })).body;
    expect((await api(core, 'DELETE', `/api/links/${link.id}`)).status).toBe(200);
    expect(stripe.endpoints.size).toBe(0);
    expect(await secretsOf('stripe')).toEqual([]);
    const missing = await api<{ error: string }>(core, 'DELETE', `/api/links/${link.id}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no link/);
  });

  it('a refused delete (the token lost its permission) keeps the link, its secret and its hook', async () => {
    await freshCore();
    const { link } = (await api<{ link: LinkInfo }>(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' })).body;
    github.tokens.set(TOKEN, 'read-only');
    try {
      const res = await api<{ error: string }>(core, 'DELETE', `/api/links/${link.id}`);
      expect(res.status).toBe(403);
      expect(github.hooks.size).toBe(1);
      expect(await links()).toHaveLength(1);
      expect(await secretsOf('github')).toContain(link.secret_fingerprint);
    } finally {
      github.tokens.set(TOKEN, 'admin');
    }
  });
});

describe('an assistant and the links', () => {
  it('no MCP tool can make or change a link, and what an assistant can read never holds a token, key or link secret', async () => {
    await freshCore();
    await api(core, 'POST', '/api/links/github', { token: TOKEN, repo: 'octo/hello' });
    await api(core, 'POST', '/api/links/stripe', { key: STRIPE_KEY });
    const client = new Client({ name: 'links-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(10);
      expect(tools.filter((t) => /link|token|credential/i.test(`${t.name} ${t.description ?? ''}`)).map((t) => t.name)).toEqual([]);
      const said = JSON.stringify([
        await client.callTool({ name: 'health_check', arguments: {} }),
        await client.callTool({ name: 'get_event_sources', arguments: {} }),
      ]);
      expect(said).not.toContain(TOKEN);
      expect(said).not.toContain(STRIPE_KEY);
      expect(said).not.toContain('credential:');
      for (const h of github.hooks.values()) expect(said).not.toContain(h.config.secret!);
      for (const e of stripe.endpoints.values()) expect(said).not.toContain(e.secret);
    } finally {
      await client.close();
    }
  });
});
