// The Public URL panel end to end: `tidings serve`, Debian's Chromium through playwright-core,
// and a local reverse proxy standing in for the public URL. Set through the dashboard, the
// URL is checked against this core, every source card then shows the public webhook URL, and
// a URL that reaches nothing is refused with the reason. Screenshots go to test-artifacts/.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, launchBrowser, newContext } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { tempDir } from '../helpers/core';
import { closedPort, startProxy } from '../helpers/proxy';
import type { Proxy } from '../helpers/proxy';
import { readRuntime } from '../../src/main/core/data-dir';

let serve: Awaited<ReturnType<typeof startServe>>;
let proxy: Proxy;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const dir = tempDir('tidings-e2e-tunnel-');
  serve = await startServe(dir, [], { HOME: tempDir('tidings-e2e-home-') });
  proxy = await startProxy(readRuntime(dir)!.ingest_port);
  browser = await launchBrowser();
  page = await (await newContext(browser, 'light')).newPage();
  await page.goto(/Dashboard:\s+(\S+)/.exec(serve.stdout())![1]!);
  await page.getByTestId('nav-sources').click();
  await page.getByTestId('public-url').waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('the Public URL panel in Chromium', () => {
  it('starts off and says the inbox cannot be reached from the internet', async () => {
    await expect.poll(() => page.getByTestId('public-url-state').textContent()).toBe('off');
    expect(await page.getByTestId('public-url-sentence').textContent()).toMatch(/Providers on the internet cannot reach this inbox/);
    const github = page.locator('[data-testid="source-card"][data-source="github"]');
    expect(await github.locator('code.url').textContent()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/github$/);
    expect(await github.getByTestId('local-only').count()).toBe(1);
  });

  it('refuses a URL that reaches nothing, with the reason, and changes nothing', async () => {
    const gone = `http://127.0.0.1:${await closedPort()}`;
    await page.getByTestId('public-url-choice-url').check();
    await page.getByTestId('public-url-input').fill(gone);
    await page.getByTestId('public-url-start').click();
    const error = page.locator('[data-testid="public-url"] .inline-error');
    await expect.poll(() => error.textContent()).toMatch(/Not changed: .*could not be reached \(ECONNREFUSED\)/);
    expect(await page.getByTestId('public-url-state').textContent()).toBe('off');
  });

  it('uses a URL that reaches this core, and every source card shows the public webhook URL', async () => {
    await page.getByTestId('public-url-input').fill(proxy.url);
    await page.getByTestId('public-url-start').click();
    await expect.poll(() => page.getByTestId('public-url-state').textContent(), { timeout: 15_000 }).toBe('reachable');
    expect(await page.getByTestId('public-url-value').textContent()).toBe(proxy.url);
    const github = page.locator('[data-testid="source-card"][data-source="github"]');
    await expect.poll(() => github.locator('code.url').textContent(), { timeout: 15_000 }).toBe(`${proxy.url}/webhooks/github`);
    expect(await github.getByTestId('local-only').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="public-url"] .warn-text').textContent()).toMatch(/is not HTTPS/);
    await page.screenshot({ path: path.join(artifactsDir(), 'sources-public-url-light.png'), fullPage: false });
  });

  it('stops: the webhook URLs are local again', async () => {
    await page.getByTestId('public-url-stop').click();
    await expect.poll(() => page.getByTestId('public-url-state').textContent()).toBe('off');
    const github = page.locator('[data-testid="source-card"][data-source="github"]');
    await expect.poll(() => github.locator('code.url').textContent(), { timeout: 15_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/github$/);
    // The ngrok choice: a write-only authtoken field, and what happens without one.
    await page.getByTestId('public-url-choice-ngrok').check();
    expect(await page.getByTestId('public-url-authtoken').getAttribute('type')).toBe('password');
    await page.getByTestId('public-url-start').click();
    const error = page.locator('[data-testid="public-url"] .inline-error');
    await expect.poll(() => error.textContent()).toMatch(/Not changed: no ngrok authtoken: set NGROK_AUTHTOKEN/);
    expect(await page.getByTestId('public-url-state').textContent()).toBe('off');
    await page.screenshot({ path: path.join(artifactsDir(), 'sources-public-url-ngrok-light.png'), fullPage: false });
  });
});
