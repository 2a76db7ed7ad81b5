// The Outbound view end to end: a real core (quick local retries), real HTTP receivers on
// loopback ports, Debian's Chromium through playwright-core. Targets are added through the
// form, messages pushed from the page, and what the receivers get is checked against what
// the page shows. A second core with a short give-up time plays the dead-letter story.
// Screenshots, light and dark, go to test-artifacts/.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { artifactsDir, launchBrowser, newContext } from '../helpers/browser';
import { api, startTestCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { startReceiver } from '../helpers/receiver';
import type { Receiver } from '../helpers/receiver';
import type { TargetInfo } from '../../src/shared/outbound';

const WAIT = { timeout: 15_000 };

let core: TestCore;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const receivers: Receiver[] = [];
const cores: TestCore[] = [];
const contexts: BrowserContext[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

/** A fresh browser context signed in to `c`, on the Outbound view. Each context has its own cookies. */
async function openOutbound(c: TestCore, scheme: 'light' | 'dark' = 'light'): Promise<{ ctx: BrowserContext; p: Page }> {
  const ctx = await newContext(browser, scheme);
  contexts.push(ctx);
  const p = await ctx.newPage();
  await p.goto(c.dashboardLink());
  await p.getByTestId('nav-outbound').click();
  await p.getByTestId('target-form').waitFor();
  return { ctx, p };
}

const card = (p: Page, name: string): Locator => p.locator(`[data-testid="target-card"][data-target="${name}"]`);
const deliveryRows = (p: Page, target: string): Locator => p.locator(`[data-testid="delivery-row"][data-target="${target}"]`);

async function addTarget(p: Page, spec: { name: string; url: string; allowLocal: boolean }) {
  await p.getByTestId('target-name').fill(spec.name);
  await p.getByTestId('target-url').fill(spec.url);
  await p.getByTestId('target-mode').selectOption('push');
  await p.getByTestId('target-allow-private').setChecked(spec.allowLocal);
  await p.getByTestId('target-add').click();
}

async function shoot(p: Page, name: string) {
  await p.screenshot({ path: path.join(artifactsDir(), `${name}.png`), fullPage: false });
}

beforeAll(async () => {
  core = await startTestCore({ outbound: { policy: { localSchedule: [50], jitter: 0 } } });
  cores.push(core);
  browser = await launchBrowser();
  ({ ctx: context, p: page } = await openOutbound(core));
  // Tall enough that the targets and the delivery log are in one screenshot.
  await page.setViewportSize({ width: 1280, height: 1500 });
}, 60_000);

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => undefined);
  await browser?.close();
  await Promise.all(receivers.map((r) => r.close()));
  for (const c of cores) await c.close();
});

describe('the Outbound view in Chromium', () => {
  let dev: Receiver;
  let devSecret = '';

  it('starts with no targets and says what to add', async () => {
    await expect.poll(() => page.textContent('body'), WAIT).toMatch(/No targets yet/);
    await expect.poll(() => page.getByTestId('deliveries-empty').textContent(), WAIT).toMatch(/No deliveries yet/);
  });

  it('refuses a loopback URL unless a local address is allowed, in the server\'s own words', async () => {
    dev = await receiver();
    await addTarget(page, { name: 'dev', url: dev.url, allowLocal: false });
    // The same sentence the API gives, shown as it came.
    const direct = await api<{ error: string }>(core, 'POST', '/api/targets', { name: 'probe', url: dev.url, mode: 'push' });
    expect(direct.status).toBe(400);
    expect(direct.body.error).toBe(
      `${dev.url} points at 127.0.0.1 is a loopback address (this machine). If this is your own dev server, allow a local address for this target (--allow-private, or "Allow local address" in the app).`,
    );
    await expect.poll(() => page.getByTestId('target-form-error').textContent(), WAIT).toContain(direct.body.error);
    expect((await api<{ targets: TargetInfo[] }>(core, 'GET', '/api/targets')).body.targets).toEqual([]);
  });

  it('adds a push target with "Allow local address" and shows its secret once', async () => {
    // The form kept what was typed; only the checkbox changes.
    expect(await page.getByTestId('target-name').inputValue()).toBe('dev');
    await page.getByTestId('target-allow-private').check();
    await page.getByTestId('target-add').click();
    const shown = page.locator('[data-testid="target-secret"][data-target="dev"]');
    await shown.waitFor(WAIT);
    devSecret = (await shown.getByTestId('target-secret-value').textContent()) ?? '';
    expect(devSecret).toMatch(/^whsec_/);
    expect(await shown.textContent()).toMatch(/will not be shown again/);
    await shown.getByTestId('target-secret-copy').waitFor();
    const revealed = await api<{ secret: string }>(core, 'POST', '/api/targets/dev/secret');
    expect(revealed.body.secret).toBe(devSecret);
    // The error from the refused attempt is gone, the form is clear, the card is there.
    expect(await page.getByTestId('target-form-error').textContent()).toBe('');
    expect(await page.getByTestId('target-name').inputValue()).toBe('');
    await card(page, 'dev').waitFor(WAIT);
    expect(await card(page, 'dev').getAttribute('data-state')).toBe('enabled');
    expect(await card(page, 'dev').getByTestId('target-mode-badge').textContent()).toBe('push');
    // Dismissed, the secret leaves the page.
    await shown.getByTestId('target-secret-done').click();
    await expect.poll(() => page.content()).not.toContain(devSecret);
  });

  it('pushes a test message: the receiver gets it signed, and the delivery shows delivered', async () => {
    await page.getByTestId('push-message').fill('hello from the e2e test');
    await page.getByTestId('push-send').click();
    await expect.poll(() => page.getByTestId('push-result').textContent(), WAIT).toBe('Queued for 1 push target.');
    const [got] = await dev.waitFor(1);
    const body = got!.body.toString();
    expect(JSON.parse(body)).toMatchObject({ message: 'hello from the e2e test' });
    // Signed with the secret the page showed.
    expect(new Webhook(devSecret).verify(body, got!.headers as Record<string, string>)).toMatchObject({ message: 'hello from the e2e test' });

    const row = deliveryRows(page, 'dev').first();
    await page.locator('[data-testid="delivery-row"][data-target="dev"][data-state="delivered"]').waitFor(WAIT);
    expect(await row.getByTestId('delivery-state').textContent()).toBe('delivered');
    expect(await row.getByTestId('delivery-last').textContent()).toBe('HTTP 200');
    await expect.poll(() => card(page, 'dev').getByTestId('target-delivered').textContent(), WAIT).toBe('1');
    await expect.poll(() => card(page, 'dev').getByTestId('target-last').textContent(), WAIT).toMatch(/^HTTP 200/);

    // Its attempts log: one attempt, 200, with the receiver's answer.
    await row.click();
    const detail = page.getByTestId('delivery-detail');
    await detail.locator('[data-testid="attempt-row"][data-status="200"]').waitFor(WAIT);
    expect(await detail.getByTestId('attempt-row').count()).toBe(1);
    expect(await detail.textContent()).toMatch(/hello from the e2e test/);
    await detail.getByTestId('delivery-close').click();
    await detail.waitFor({ state: 'detached' });
  });

  it('shows why Tidings disabled a target that answered 410, and resumes when it is enabled again', async () => {
    let gone = true;
    const goneReceiver = await receiver(0, () => (gone ? { status: 410, body: 'this hook is gone' } : { status: 200, body: 'back' }));
    await addTarget(page, { name: 'gone-away', url: goneReceiver.url, allowLocal: true });
    await page.locator('[data-testid="target-secret"][data-target="gone-away"]').waitFor(WAIT);
    await page.getByTestId('target-secret-done').click();

    await page.getByTestId('push-message').fill('are you there?');
    await page.getByTestId('push-send').click();
    await expect.poll(() => page.getByTestId('push-result').textContent(), WAIT).toBe('Queued for 2 push targets.');
    await goneReceiver.waitFor(1);

    const goneCard = card(page, 'gone-away');
    await page.locator('[data-testid="target-card"][data-target="gone-away"][data-state="disabled-by-tidings"]').waitFor(WAIT);
    expect(await goneCard.getByTestId('target-status').textContent()).toBe('Disabled by Tidings');
    const reason = (await api<TargetInfo>(core, 'GET', '/api/targets/gone-away')).body.disabled_reason;
    expect(reason).toMatch(/410 Gone/);
    const shownReason = await goneCard.getByTestId('target-state-detail').textContent();
    expect(shownReason).toContain(reason!);
    expect(await goneCard.getByTestId('target-enabled').isChecked()).toBe(false);
    // The message is held, not lost.
    const held = deliveryRows(page, 'gone-away').first();
    await expect.poll(() => held.getByTestId('delivery-next').textContent(), WAIT).toBe('when the target is enabled');
    expect(await held.getAttribute('data-state')).toBe('pending');
    expect(await held.getByTestId('delivery-state').textContent()).toBe('held');
    expect(await held.getByTestId('delivery-retry').count()).toBe(0);
    // The other target got it as usual.
    await dev.waitFor(2);

    await shoot(page, 'outbound-light');

    gone = false;
    await goneCard.getByTestId('target-enabled').check();
    await page.locator('[data-testid="target-card"][data-target="gone-away"][data-state="enabled"]').waitFor(WAIT);
    await page.locator('[data-testid="delivery-row"][data-target="gone-away"][data-state="delivered"]').waitFor(WAIT);
    expect(goneReceiver.received).toHaveLength(2);
    expect(await goneCard.getByTestId('target-state-detail').count()).toBe(0);
  });

  it('filters the delivery log by target and state', async () => {
    await page.getByTestId('delivery-filter-target').selectOption('gone-away');
    await expect.poll(async () => new Set(await page.getByTestId('delivery-row').evaluateAll((rows) => rows.map((r) => (r as { getAttribute(n: string): string | null }).getAttribute('data-target')))), WAIT).toEqual(
      new Set(['gone-away']),
    );
    await page.getByTestId('delivery-filter-state').selectOption('dead');
    await page.getByTestId('deliveries-empty').waitFor(WAIT);
    expect(await page.getByTestId('deliveries-empty').textContent()).toBe('No deliveries match.');
    await page.getByTestId('delivery-filter-target').selectOption('');
    await page.getByTestId('delivery-filter-state').selectOption('');
    await expect.poll(() => page.getByTestId('delivery-row').count(), WAIT).toBe(3);
  });

  it('dead-letters a delivery to a failing receiver, and "Retry" delivers it once the receiver is back', async () => {
    const short = await startTestCore({ outbound: { policy: { localSchedule: [30], localMaxAgeMs: 300, jitter: 0 } } });
    cores.push(short);
    let up = false;
    const down = await receiver(0, () => (up ? { status: 200, body: 'ok' } : { status: 500, body: 'database on fire' }));
    const { p } = await openOutbound(short);
    await p.setViewportSize({ width: 1280, height: 1200 });
    await addTarget(p, { name: 'down', url: down.url, allowLocal: true });
    await p.locator('[data-testid="target-secret"][data-target="down"]').waitFor(WAIT);
    await p.getByTestId('target-secret-done').click();
    await p.getByTestId('push-message').fill('anyone home?');
    await p.getByTestId('push-send').click();

    const deadRow = p.locator('[data-testid="delivery-row"][data-target="down"][data-state="dead"]');
    await deadRow.waitFor(WAIT);
    expect(await deadRow.getByTestId('delivery-state').textContent()).toBe('dead-lettered');
    expect(await deadRow.getByTestId('delivery-last').textContent()).toMatch(/^HTTP 500/);
    await expect.poll(() => card(p, 'down').getByTestId('target-dead').textContent(), WAIT).toBe('1');
    await expect.poll(() => p.getByTestId('deliveries-retry-all').textContent(), WAIT).toBe('Retry all dead (1)');
    const attempts = down.received.length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    // Its attempts log shows each 500 with the receiver's answer.
    await deadRow.click();
    await p.locator('[data-testid="delivery-detail"] [data-testid="attempt-row"][data-status="500"]').first().waitFor(WAIT);
    expect(await p.getByTestId('delivery-detail').textContent()).toMatch(/database on fire/);
    await shoot(p, 'outbound-dead-light');

    up = true;
    const id = await deadRow.getAttribute('data-delivery-id');
    await deadRow.getByTestId('delivery-retry').click();
    await p.locator(`[data-testid="delivery-row"][data-delivery-id="${id}"][data-state="delivered"]`).waitFor(WAIT);
    await expect.poll(() => card(p, 'down').getByTestId('target-dead').textContent(), WAIT).toBe('0');
    await expect.poll(() => card(p, 'down').getByTestId('target-delivered').textContent(), WAIT).toBe('1');
    expect(await p.getByTestId('deliveries-retry-all').isDisabled()).toBe(true);
    await p.locator('[data-testid="delivery-detail"] [data-testid="attempt-row"][data-status="200"]').waitFor(WAIT);
    expect(down.received.length).toBe(attempts + 1);
  });

  it('looks right in the dark theme too (screenshot)', async () => {
    const { p } = await openOutbound(core, 'dark');
    await p.setViewportSize({ width: 1280, height: 1500 });
    await card(p, 'gone-away').waitFor(WAIT);
    await p.locator('[data-testid="delivery-row"]').first().waitFor(WAIT);
    await shoot(p, 'outbound-dark');
    const background = await p.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(background).not.toBe('rgb(255, 255, 255)');
  });

  it('reveals and rotates a secret, and removes a target after a confirmation', async () => {
    const devCard = card(page, 'dev');
    await devCard.getByTestId('target-reveal').click();
    await expect.poll(() => devCard.getByTestId('target-secret-value').textContent(), WAIT).toBe(devSecret);
    await devCard.getByTestId('target-secret-done').click();

    await devCard.getByTestId('target-rotate').click();
    await devCard.getByTestId('target-rotate-confirm').click();
    await devCard.getByTestId('target-secret').waitFor(WAIT);
    const rotated = (await devCard.getByTestId('target-secret-value').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(devSecret);
    expect((await api<{ secret: string }>(core, 'POST', '/api/targets/dev/secret')).body.secret).toBe(rotated);
    await devCard.getByTestId('target-secret-done').click();

    const goneCard = card(page, 'gone-away');
    await goneCard.getByTestId('target-remove').click();
    // Nothing happens before the confirmation.
    expect((await api<{ targets: TargetInfo[] }>(core, 'GET', '/api/targets')).body.targets.map((t) => t.name)).toEqual(['dev', 'gone-away']);
    await goneCard.getByTestId('target-remove-confirm').click();
    await goneCard.waitFor({ state: 'detached', ...WAIT });
    expect((await api<{ targets: TargetInfo[] }>(core, 'GET', '/api/targets')).body.targets.map((t) => t.name)).toEqual(['dev']);
  });
});
