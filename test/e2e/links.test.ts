// Provider links through the dashboard, end to end: `tidings serve` with a public URL (a
// reverse proxy on loopback), fake GitHub and Stripe APIs, Debian's Chromium. A person
// connects both providers in the Sources view; the fakes then send signed deliveries back
// through the proxy, and the cards show them verified. Screenshots go to test-artifacts/.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import examples from '@octokit/webhooks-examples';
import { artifactsDir, launchBrowser, newContext } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { tempDir } from '../helpers/core';
import { startFakeGithub } from '../helpers/fake-github';
import type { FakeGithub } from '../helpers/fake-github';
import { startFakeStripe } from '../helpers/fake-stripe';
import type { FakeStripe } from '../helpers/fake-stripe';
import { startReverseProxy } from '../helpers/reverse-proxy';
import type { ReverseProxy } from '../helpers/reverse-proxy';

const GITHUB_TOKEN = 'github_pat_e2e_token_value';
const STRIPE_KEY = 'sk_test_e2ekey123456789';

let serve: Awaited<ReturnType<typeof startServe>>;
let github: FakeGithub;
let stripe: FakeStripe;
let proxy: ReverseProxy;
let browser: Browser;
let context: BrowserContext;
let page: Page;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  github = await startFakeGithub({ repos: ['octo/hello'], tokens: { [GITHUB_TOKEN]: 'admin' } });
  stripe = await startFakeStripe({ keys: [STRIPE_KEY] });
  const ingestPort = await freePort();
  proxy = await startReverseProxy(`http://127.0.0.1:${ingestPort}`);
  serve = await startServe(tempDir('tidings-e2e-links-'), ['--port', String(ingestPort)], {
    HOME: tempDir('tidings-e2e-home-'),
    TIDINGS_PUBLIC_URL: proxy.url,
    TIDINGS_GITHUB_API_URL: github.url,
    TIDINGS_STRIPE_API_URL: stripe.url,
  });
  const link = /Dashboard:\s+(\S+)/.exec(serve.stdout())![1]!;
  browser = await launchBrowser();
  context = await newContext(browser, 'light');
  page = await context.newPage();
  await page.goto(link);
  await page.getByTestId('nav-sources').click();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await proxy?.close();
  await github?.close();
  await stripe?.close();
});

describe('provider links in the dashboard', () => {
  it('connects GitHub with a token that is never shown back, and a delivery from the hook shows as verified', async () => {
    const card = page.locator('[data-testid="source-card"][data-source="github"]');
    await card.getByTestId('connect-github').click();
    await card.getByTestId('link-token').fill(GITHUB_TOKEN);
    await card.getByTestId('link-target').fill('octo/hello');
    await card.getByTestId('link-events').fill('push, pull_request');
    await card.getByTestId('link-submit').click();
    await card.getByTestId('link-result').waitFor();
    expect(await card.getByTestId('link-result').textContent()).toMatch(/Linked octo\/hello: created hook \d+/);
    expect(await card.getByTestId('link-token').inputValue()).toBe('');
    expect(await page.content()).not.toContain(GITHUB_TOKEN);

    const [hook] = [...github.hooks.values()];
    expect(hook!.config.url).toBe(`${proxy.url}/webhooks/github`);
    expect(hook!.events).toEqual(['push', 'pull_request']);
    const push = examples.find((g) => g.name === 'push')!.examples[0];
    expect((await github.deliver('repo:octo/hello', 'push', push))[0]!.status).toBe(200);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => card.getByTestId('provider-link-delivery').textContent(), { timeout: 15_000 }).toMatch(/push, verified/);
    await expect.poll(() => card.getByTestId('secret-state').textContent()).toMatch(/1 secret/);
  });

  it('connects Stripe with a secret key, and a signed event shows as verified', async () => {
    const card = page.locator('[data-testid="source-card"][data-source="stripe"]');
    await card.getByTestId('connect-stripe').click();
    await card.getByTestId('link-token').fill(STRIPE_KEY);
    await card.getByTestId('link-submit').click();
    await card.getByTestId('link-result').waitFor();
    expect(await card.getByTestId('link-result').textContent()).toMatch(/Linked Stripe \(test mode\): created endpoint we_/);
    expect((await stripe.deliver('invoice.paid', { id: 'in_e2e', object: 'invoice', customer: 'cus_e2e', amount_paid: 4200, currency: 'usd' }))[0]!.status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => card.getByTestId('provider-link-delivery').textContent(), { timeout: 15_000 }).toMatch(/invoice\.paid, verified/);
  });

  it('a bad token gets the provider\'s reason on the card and links nothing', async () => {
    const card = page.locator('[data-testid="source-card"][data-source="github"]');
    await card.getByTestId('link-token').fill('ghp_not_a_real_token');
    await card.getByTestId('link-target').fill('octo/hello');
    await card.getByTestId('link-submit').click();
    await expect.poll(() => card.getByRole('alert').last().textContent(), { timeout: 15_000 }).toMatch(/GitHub rejected the token \(Bad credentials\)/);
    expect(github.hooks.size).toBe(1);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifactsDir(), 'sources-provider-links.png'), fullPage: true });
  });
});
