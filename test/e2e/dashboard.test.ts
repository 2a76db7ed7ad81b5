// The dashboard end to end: `tidings serve` on a temporary data directory, Debian's
// Chromium through playwright-core, real signed webhooks sent while the page is open.
// Screenshots of every view, light and dark, go to test-artifacts/ (git ignores it).
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { sign } from '@octokit/webhooks-methods';
import { artifactsDir, launchBrowser, newContext } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { post, tempDir } from '../helpers/core';
import { readRuntime, readToken } from '../../src/main/core/data-dir';

const GITHUB_SECRET = 'e2e-github-secret';
const STRIPE_SECRET = 'whsec_e2e_stripe';
const SHA = '5eed5eed1234567890abcdef1234567890abcdef';
const stripe = new Stripe('sk_test_unused');

let dir: string;
let controlPort: number;
let ingestPort: number;
let serve: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const env = { TIDINGS_SECRET_STRIPE: STRIPE_SECRET, HOME: '' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startCore() {
  serve = await startServe(dir, ['--port', String(ingestPort), '--control-port', String(controlPort)], env);
  const link = /Dashboard:\s+(\S+)/.exec(serve.stdout())![1]!;
  return link;
}

const ingest = (source: string) => `http://127.0.0.1:${ingestPort}/webhooks/${source}`;

async function sendGithub(event: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await post(ingest('github'), body, {
    'x-github-event': event,
    'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': await sign(GITHUB_SECRET, body),
  });
  expect(res.status).toBe(200);
  return res.body.id as number;
}

async function apiGet<T>(pathname: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${controlPort}${pathname}`, { headers: { authorization: `Bearer ${readToken(dir)}` } });
  return (await res.json()) as T;
}

async function shoot(name: string) {
  await page.screenshot({ path: path.join(artifactsDir(), `${name}.png`), fullPage: false });
}

beforeAll(async () => {
  dir = tempDir('tidings-e2e-');
  env.HOME = tempDir('tidings-e2e-home-');
  [controlPort, ingestPort] = [await freePort(), await freePort()];
  const link = await startCore();
  browser = await launchBrowser();
  context = await newContext(browser, 'light');
  page = await context.newPage();
  await page.goto(link);
  await page.getByTestId('nav-events').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('the dashboard in Chromium', () => {
  it('starts empty and says what to do next', async () => {
    await page.getByTestId('nav-events').click();
    await expect.poll(() => page.textContent('body')).toMatch(/No events yet/);
    await shoot('events-empty-light');
  });

  it('shows a signed webhook sent during the test in the live list without a reload', async () => {
    await page.getByTestId('nav-sources').click();
    // Set the GitHub secret through the UI first, so the webhook below is verified.
    const card = page.locator('[data-testid="source-card"][data-source="github"]');
    await card.getByTestId('secret-input').fill(GITHUB_SECRET);
    await card.getByTestId('secret-set').click();
    await expect.poll(() => card.getByTestId('secret-state').textContent()).toMatch(/1 secret/);
    await page.getByTestId('nav-events').click();
    await page.getByTestId('live-status').waitFor();
    const push = { ref: 'refs/heads/main', after: SHA, repository: { full_name: 'octo/site' }, pusher: { name: 'ada' }, commits: [{ id: SHA, message: 'Make the header sticky', author: { name: 'Ada' }, timestamp: new Date().toISOString() }], head_commit: { id: SHA, message: 'Make the header sticky', timestamp: new Date().toISOString() } };
    const id = await sendGithub('push', push);
    const row = page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    // The header's count and the chart follow the stream, not only their slow polls
    // (health is polled every 5 s; this waits at most 4 s).
    await expect.poll(() => page.getByTestId('health').textContent(), { timeout: 4_000 }).toMatch(/(^|\D)1 event\b/);
    await expect.poll(() => page.textContent('body'), { timeout: 4_000 }).not.toMatch(/No events in the last 24 hours/);
    await row.click();
    await expect.poll(() => page.getByTestId('event-detail').textContent()).toMatch(/Make the header sticky/);
    await shoot('events-detail-light');
  });

  it('sets and rotates a secret without ever showing it again', async () => {
    await page.getByTestId('nav-sources').click();
    const card = page.locator('[data-testid="source-card"][data-source="github"]');
    const next = 'rotated-secret-value-123';
    await card.getByTestId('secret-input').fill(next);
    await card.getByTestId('secret-rotate').click();
    await expect.poll(() => card.getByTestId('secret-state').textContent()).toMatch(/2 secrets/);
    const secrets = await apiGet<{ secrets: Array<{ source: string; count: number }> }>('/api/secrets');
    expect(secrets.secrets.find((s) => s.source === 'github')?.count).toBe(2);
    const html = await page.content();
    expect(html).not.toContain(next);
    expect(html).not.toContain(GITHUB_SECRET);
    await shoot('sources-light');
  });

  it('completes a pending Stripe action with a note', async () => {
    const payload = JSON.stringify({ id: `evt_${crypto.randomUUID().replace(/-/g, '')}`, object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cs_1', object: 'checkout.session', customer: 'cus_1', customer_email: 'grace@example.com', amount_total: 9900, currency: 'usd' } } });
    expect((await post(ingest('stripe'), payload, { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) })).status).toBe(200);
    await page.getByTestId('nav-actions').click();
    const row = page.getByTestId('action-row').first();
    await row.waitFor();
    await shoot('actions-light');
    // Signed by Stripe's library: no unverified flag, no notice.
    expect(await row.getAttribute('data-verified')).toBe('true');
    expect(await row.getByTestId('action-unverified').count()).toBe(0);
    expect(await page.getByTestId('actions-unverified-notice').count()).toBe(0);
    const actionId = Number(await row.getAttribute('data-action-id'));
    await row.getByTestId('action-note').fill('sent the welcome email');
    await row.getByTestId('action-complete').click();
    await expect
      .poll(async () => (await apiGet<{ status: string; history: Array<{ note: string | null }> }>(`/api/actions/${actionId}`)).status)
      .toBe('completed');
    const detail = await apiGet<{ history: Array<{ note: string | null; actor: string }> }>(`/api/actions/${actionId}`);
    expect(detail.history.at(-1)).toMatchObject({ note: 'sent the welcome email', actor: 'dashboard' });
  });

  it('shows a push next to the deployment built from it', async () => {
    const body = JSON.stringify({ id: `evt_${crypto.randomUUID()}`, type: 'deployment.succeeded', createdAt: Date.now(), payload: { deployment: { id: 'dpl_1', name: 'site', url: 'site-e2e.vercel.app', meta: { githubCommitSha: SHA } }, target: 'production' } });
    expect((await post(ingest('vercel'), body)).status).toBe(200);
    await page.getByTestId('nav-deployments').click();
    const pushRow = page.locator(`[data-testid="push-row"][data-sha="${SHA}"]`);
    const deploymentRow = page.locator(`[data-testid="deployment-row"][data-sha="${SHA}"]`);
    await pushRow.waitFor();
    await deploymentRow.waitFor();
    // Vercel has no secret here, so its report is flagged; the signed push is not.
    expect(await deploymentRow.getAttribute('data-verified')).toBe('false');
    expect(await deploymentRow.getByTestId('row-unverified').isVisible()).toBe(true);
    expect(await pushRow.getAttribute('data-verified')).toBe('true');
    expect(await pushRow.getByTestId('row-unverified').count()).toBe(0);
    await expect.poll(() => page.getByTestId('deployments-unverified-notice').textContent()).toMatch(/1 deployment here came from unsigned webhooks/);
    await pushRow.click();
    await expect.poll(() => page.getByTestId('correlation-verdict').textContent()).toMatch(/succeeded/);
    expect(await page.getByTestId('correlation-verdict').textContent()).toMatch(/\[UNVERIFIED: the deployment report came from a source without a signing secret\]/);
    await shoot('deployments-light');
  });

  it('resumes the live stream after the core restarts, without duplicates or gaps', async () => {
    await page.getByTestId('nav-events').click();
    await page.getByTestId('live-status').waitFor();
    const before = await sendGithub('ping', { zen: 'before the restart', hook_id: 1 });
    await page.locator(`[data-testid="event-row"][data-event-id="${before}"]`).waitFor();
    const pid = readRuntime(dir)!.pid;
    serve.child.kill('SIGTERM');
    await serve.exited;
    expect(readRuntime(dir)).toBeNull();
    await startCore();
    expect(readRuntime(dir)!.pid).not.toBe(pid);
    // These arrive before the page has reconnected: it must catch up on them.
    const missed: number[] = [];
    for (let i = 0; i < 3; i++) missed.push(await sendGithub('ping', { zen: `while away ${i}`, hook_id: 2 + i }));
    for (const id of missed) await page.locator(`[data-testid="event-row"][data-event-id="${id}"]`).waitFor({ timeout: 15_000 });
    const after = await sendGithub('ping', { zen: 'after reconnecting', hook_id: 9 });
    await page.locator(`[data-testid="event-row"][data-event-id="${after}"]`).waitFor({ timeout: 10_000 });
    const ids = (await page.locator('[data-testid="event-row"]').evaluateAll((rows) => rows.map((r) => Number((r as { getAttribute(n: string): string | null }).getAttribute('data-event-id'))))).filter((id) => id >= before);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual([before, ...missed, after]);
  }, 60_000);

  it('opens the event a notification points at (#/events/<id>)', async () => {
    const id = await sendGithub('ping', { zen: 'open me from a notification', hook_id: 42 });
    await page.getByTestId('nav-deployments').click();
    await page.evaluate(`window.location.hash = '#/events/${id}'`);
    await expect.poll(() => page.getByTestId('event-detail').textContent()).toMatch(/open me from a notification/);
  });

  it('looks right in both themes (screenshots)', async () => {
    await page.getByTestId('nav-connect').click();
    await page.getByTestId('client-card').first().waitFor();
    await shoot('connect-light');
    const dark = await newContext(browser, 'dark');
    const darkPage = await dark.newPage();
    await dark.addCookies(await context.cookies());
    await darkPage.goto(`http://127.0.0.1:${controlPort}/`);
    for (const view of ['events', 'actions', 'deployments', 'sources', 'connect']) {
      await darkPage.getByTestId(`nav-${view}`).click();
      await darkPage.waitForTimeout(300);
      await darkPage.screenshot({ path: path.join(artifactsDir(), `${view}-dark.png`) });
    }
    const background = await darkPage.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(background).not.toBe('rgb(255, 255, 255)');
    await dark.close();
  });
});
