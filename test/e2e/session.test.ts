// The dashboard's sign-in in Chromium (Debian's, through playwright-core): the cookie the
// browser keeps is not the token, cannot open /mcp, and ends at the Sign out button and at
// `tidings status --revoke-sessions`. The core runs in this process on free ports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext } from '../helpers/browser';
import { runCli } from '../helpers/cli';
import { startTestCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { SESSION_COOKIE } from '../../src/main/core/api/guard';

let core: TestCore;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  core = await startTestCore();
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await core?.close();
});

async function signIn(): Promise<string> {
  await page.goto(core.dashboardLink());
  await page.getByTestId('nav-events').waitFor();
  const cookie = (await context.cookies(core.controlUrl)).find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toBeDefined();
  return cookie!.value;
}

/** A request from the page itself: same origin, the browser's cookie, no token. */
const fromPage = (pathname: string, init: { method?: string; body?: string } = {}) =>
  page.evaluate(
    async ([p, i]) => {
      const res = await fetch(p, { method: i.method ?? 'GET', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, ...(i.body ? { body: i.body } : {}) });
      return { status: res.status, text: await res.text() };
    },
    [pathname, init] as const,
  );

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'page', version: '1' } } });

describe('the dashboard session in Chromium', () => {
  it('keeps a cookie that is not the token, which opens the API but not /mcp and never shows the token', async () => {
    const value = await signIn();
    expect(value).not.toBe(core.token);
    expect(value).not.toContain(core.token);
    expect((await fromPage('/api/health')).status).toBe(200);
    const mcp = await fromPage('/mcp', { method: 'POST', body: initialize });
    expect(mcp.status).toBe(401);
    expect(mcp.text).toMatch(/does not open this endpoint/);
    await page.getByTestId('nav-connect').click();
    await page.getByTestId('mcp-token-file').waitFor();
    expect(await page.content()).not.toContain(core.token);
  });

  it('ends at Sign out: the page says so and the old cookie no longer works', async () => {
    const value = await signIn();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login\?signed_out=1$/);
    expect(await page.textContent('h1')).toMatch(/You are signed out/);
    expect((await context.cookies(core.controlUrl)).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    const replayed = await fetch(`${core.controlUrl}/api/health`, { headers: { cookie: `${SESSION_COOKIE}=${value}` } });
    expect(replayed.status).toBe(401);
  });

  it('ends when `tidings status --revoke-sessions` runs', async () => {
    const value = await signIn();
    expect((await fromPage('/api/health')).status).toBe(200);
    const cli = await runCli(['status', '--revoke-sessions', '--data-dir', core.config.dataDir]);
    expect(cli.stderr).toMatch(/Dashboard sessions revoked: [1-9]/);
    // The page's own health poll may get the 401 first and drop the cookie; either way it is out.
    expect((await fromPage('/api/health')).status).toBe(401);
    const replayed = await fetch(`${core.controlUrl}/api/health`, { headers: { cookie: `${SESSION_COOKIE}=${value}` } });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: string }).error).toMatch(/session has ended/);
  }, 60_000);
});
