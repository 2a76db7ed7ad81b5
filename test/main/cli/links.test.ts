// `tidings link`, `links` and `unlink` as a person runs them: the real CLI against a real
// core (found through runtime.json), the core against fake GitHub and Stripe APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import examples from '@octokit/webhooks-examples';
import { runCli } from '../../helpers/cli';
import { startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';
import { startFakeGithub } from '../../helpers/fake-github';
import type { FakeGithub } from '../../helpers/fake-github';
import { startFakeStripe } from '../../helpers/fake-stripe';
import type { FakeStripe } from '../../helpers/fake-stripe';
import { startReverseProxy } from '../../helpers/reverse-proxy';
import type { ReverseProxy } from '../../helpers/reverse-proxy';
import { movablePublicUrl } from '../../helpers/public-url';
import type { LinkInfo } from '../../../src/shared/api';

let core: TestCore;
let dir: string;
let github: FakeGithub;
let stripe: FakeStripe;
let proxy: ReverseProxy;
const cli = (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) => runCli([...args, '--data-dir', dir], options);

beforeAll(async () => {
  dir = tempDir();
  github = await startFakeGithub({ repos: ['octo/hello'], tokens: { ghp_admin: 'admin' } });
  stripe = await startFakeStripe({ keys: ['sk_test_clikey12345678'] });
  const publicUrl = movablePublicUrl();
  core = await startTestCore({ dataDir: dir }, { TIDINGS_GITHUB_API_URL: github.url, TIDINGS_STRIPE_API_URL: stripe.url }, { publicUrl });
  proxy = await startReverseProxy(core.ingestUrl);
  publicUrl.set(proxy.url);
});
afterAll(async () => {
  await core.close();
  await proxy.close();
  await github.close();
  await stripe.close();
});

describe('tidings link / links / unlink', () => {
  it('links a repository with the token from TIDINGS_GITHUB_TOKEN, and the hook delivers verified events', async () => {
    const r = await cli(['link', 'github', 'octo/hello'], { env: { TIDINGS_GITHUB_TOKEN: 'ghp_admin' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Linked octo\/hello: created hook \d+/);
    expect(r.stdout).toContain(`${proxy.url}/webhooks/github`);
    expect(r.stdout + r.stderr).not.toContain('ghp_admin');
    const push = examples.find((g) => g.name === 'push')!.examples[0];
    expect((await github.deliver('repo:octo/hello', 'push', push))[0]!.status).toBe(200);
  });

  it('links Stripe with the key on stdin and narrowed events', async () => {
    const r = await cli(['link', 'stripe', '--events', 'invoice.paid,customer.subscription.deleted'], { input: 'sk_test_clikey12345678\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Linked Stripe \(test mode\): created endpoint we_/);
    expect([...stripe.endpoints.values()][0]!.enabled_events).toEqual(['invoice.paid', 'customer.subscription.deleted']);
  });

  it('lists links as text and JSON, without tokens', async () => {
    const text = await cli(['links']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/#\d+ github octo\/hello \(repository\)\s+hook \d+\s+active/);
    expect(text.stdout).toMatch(/last delivery .* verified \(push\)/);
    expect(text.stdout).toMatch(/stripe \(test mode\)\s+endpoint we_\w+\s+active/);
    const json = await cli(['links', '--json']);
    const list = JSON.parse(json.stdout) as LinkInfo[];
    expect(list.map((l) => l.provider).sort()).toEqual(['github', 'stripe']);
    expect(json.stdout).not.toMatch(/ghp_admin|sk_test_clikey/);
  });

  it('a bad token fails with GitHub\'s reason and exit code 1; missing arguments exit 2', async () => {
    const bad = await cli(['link', 'github', 'octo/hello'], { env: { TIDINGS_GITHUB_TOKEN: 'ghp_nope' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/GitHub rejected the token \(Bad credentials\)/);
    expect((await cli(['link', 'github'], { env: { TIDINGS_GITHUB_TOKEN: 'ghp_admin' } })).code).toBe(2);
    expect((await cli(['link', 'github', 'not-a-repo'], { env: { TIDINGS_GITHUB_TOKEN: 'ghp_admin' } })).code).toBe(2);
  });

  it('unlinks GitHub and Stripe: the hook and endpoint are deleted at the providers', async () => {
    const gh = await cli(['unlink', 'github', 'octo/hello']);
    expect(gh.code, gh.stderr).toBe(0);
    expect(gh.stderr).toMatch(/deleted hook \d+ and the secret it added/);
    expect(github.hooks.size).toBe(0);
    const st = await cli(['unlink', 'stripe']);
    expect(st.code, st.stderr).toBe(0);
    expect(stripe.endpoints.size).toBe(0);
    expect((await cli(['links'])).stdout).toMatch(/No links/);
    const again = await cli(['unlink', 'stripe']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no link for Stripe/);
  });
});
