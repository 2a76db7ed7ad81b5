// Dashboard sessions over real HTTP: the cookie is a random session, not the token; it opens
// the dashboard's API but never /mcp and never hands out the token; sign-out and revocation end
// it; it survives a core restart; and it ends after 12 hours unused or 7 days in all.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionStore, SESSION_IDLE_MS, SESSION_MAX_MS } from '../../../../src/main/core/api/sessions';
import { SESSION_COOKIE } from '../../../../src/main/core/api/guard';
import { startTestCore, tempDir } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core.close();
});

async function signIn(c: TestCore = core): Promise<string> {
  const res = await fetch(c.dashboardLink(), { redirect: 'manual' });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const get = (pathname: string, headers: Record<string, string>, c: TestCore = core) => fetch(`${c.controlUrl}${pathname}`, { headers });

const mcpInit = (headers: Record<string, string>) =>
  fetch(`${core.controlUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });

describe('the dashboard session cookie', () => {
  it('holds a random session value, not the token, and lasts at most 7 days', async () => {
    const res = await fetch(core.dashboardLink(), { redirect: 'manual' });
    const header = res.headers.get('set-cookie')!;
    const value = decodeURIComponent(header.split(';')[0]!.slice(`${SESSION_COOKIE}=`.length));
    expect(value).not.toBe(core.token);
    expect(value).not.toContain(core.token);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(header)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(SESSION_MAX_MS / 1000);
    // The file keeps only a hash of it.
    const stored = fs.readFileSync(path.join(core.config.dataDir, 'sessions.json'), 'utf8');
    expect(stored).not.toContain(value);
    expect(fs.statSync(path.join(core.config.dataDir, 'sessions.json')).mode & 0o777).toBe(0o600);
  });

  it('opens the dashboard API but not /mcp, which answers 401 and says the token is needed', async () => {
    const cookie = await signIn();
    expect((await get('/api/health', { cookie })).status).toBe(200);
    const mcp = await mcpInit({ cookie });
    expect(mcp.status).toBe(401);
    expect(((await mcp.json()) as { error: string }).error).toMatch(/dashboard's sign-in does not open this endpoint/);
    expect((await mcpInit({ authorization: `Bearer ${core.token}` })).status).toBe(200);
  });

  it('does not open /mcp in the 2026-07-28 revision either (stateless requests, no handshake)', async () => {
    const cookie = await signIn();
    const discover = (headers: Record<string, string>) =>
      fetch(`${core.controlUrl}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/list',
          ...headers,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }),
      });
    const byCookie = await discover({ cookie });
    expect(byCookie.status).toBe(401);
    expect(((await byCookie.json()) as { error: string }).error).toMatch(/dashboard's sign-in does not open this endpoint/);
    expect((await discover({})).status).toBe(401);
    expect((await discover({ authorization: `Bearer ${core.token}` })).status).toBe(200);
  });

  it('is never a way to the token: /api/clients names the token file instead', async () => {
    const cookie = await signIn();
    const bySession = (await (await get('/api/clients', { cookie })).json()) as { token: string | null; token_file: string };
    expect(bySession.token).toBeNull();
    expect(bySession.token_file).toBe(path.join(core.config.dataDir, 'token'));
    const byToken = (await (await get('/api/clients', { authorization: `Bearer ${core.token}` })).json()) as { token: string | null };
    expect(byToken.token).toBe(core.token);
  });

  it('a malformed or old-style cookie (one that held the token) is refused with 401 and cleared', async () => {
    expect((await get('/api/health', { cookie: `${SESSION_COOKIE}=%zz` })).status).toBe(401);
    const old = await get('/api/health', { cookie: `${SESSION_COOKIE}=${core.token}` });
    expect(old.status).toBe(401);
    expect(old.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
  });

  it('cannot mint sign-in links, so it cannot renew itself past its 7 days', async () => {
    const cookie = await signIn();
    const res = await fetch(`${core.controlUrl}/api/dashboard-link`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/made with the token/);
    const byToken = await fetch(`${core.controlUrl}/api/dashboard-link`, { method: 'POST', headers: { authorization: `Bearer ${core.token}` } });
    expect(((await byToken.json()) as { url: string }).url).toMatch(/\/login\?code=/);
  });

  it('ends at sign-out, which clears the cookie; the same cookie then gets 401', async () => {
    const cookie = await signIn();
    const out = await fetch(`${core.controlUrl}/api/session/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ signed_out: true, ended_session: true });
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`));
    const after = await get('/api/health', { cookie });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: string }).error).toMatch(/session has ended/);
  });

  it('sign-out from another site is refused by the Origin check', async () => {
    const cookie = await signIn();
    const res = await fetch(`${core.controlUrl}/api/session/logout`, { method: 'POST', headers: { cookie, origin: 'http://127.0.0.1:9' } });
    expect(res.status).toBe(403);
    expect((await get('/api/health', { cookie })).status).toBe(200);
  });

  it('ends for every browser when revoked, and the token is unaffected', async () => {
    const a = await signIn();
    const b = await signIn();
    const res = await fetch(`${core.controlUrl}/api/sessions/revoke`, { method: 'POST', headers: { authorization: `Bearer ${core.token}` } });
    expect(((await res.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(2);
    expect((await get('/api/health', { cookie: a })).status).toBe(401);
    expect((await get('/api/health', { cookie: b })).status).toBe(401);
    expect((await get('/api/health', { authorization: `Bearer ${core.token}` })).status).toBe(200);
  });

  it('survives a restart of the core, and a revocation with no core running holds', async () => {
    const dir = tempDir();
    const first = await startTestCore({ dataDir: dir });
    const cookie = await signIn(first);
    await first.close();
    const second = await startTestCore({ dataDir: dir });
    try {
      expect((await get('/api/health', { cookie }, second)).status).toBe(200);
    } finally {
      await second.close();
    }
    fs.rmSync(path.join(dir, 'sessions.json')); // what `tidings status --revoke-sessions` does with no core
    const third = await startTestCore({ dataDir: dir });
    try {
      expect((await get('/api/health', { cookie }, third)).status).toBe(401);
    } finally {
      await third.close();
    }
  });
});

describe('createSessionStore', () => {
  const clock = () => {
    let t = Date.UTC(2026, 0, 1);
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('slides: each use within 12 hours keeps it, 12 hours unused ends it', () => {
    const c = clock();
    const store = createSessionStore({ file: null, now: c.now });
    const s = store.issue();
    for (let i = 0; i < 3; i++) {
      c.advance(SESSION_IDLE_MS - 1000);
      expect(store.touch(s)).toBe(true);
    }
    c.advance(SESSION_IDLE_MS + 1);
    expect(store.touch(s)).toBe(false);
    expect(store.count()).toBe(0);
  });

  it('ends 7 days after sign-in however often it is used', () => {
    const c = clock();
    const store = createSessionStore({ file: null, now: c.now });
    const s = store.issue();
    for (let used = 0; used < SESSION_MAX_MS - 3_600_000; used += 3_600_000) {
      c.advance(3_600_000);
      expect(store.touch(s)).toBe(true);
    }
    c.advance(3_600_001);
    expect(store.touch(s)).toBe(false);
  });

  it('keeps hashes only, reloads them, and drops expired ones on load', () => {
    const c = clock();
    const file = path.join(tempDir(), 'sessions.json');
    const store = createSessionStore({ file, now: c.now });
    const keep = store.issue();
    c.advance(SESSION_IDLE_MS + 1);
    const fresh = store.issue();
    expect(fs.readFileSync(file, 'utf8')).not.toContain(keep);
    const reloaded = createSessionStore({ file, now: c.now });
    expect(reloaded.count()).toBe(1);
    expect(reloaded.touch(fresh)).toBe(true);
    expect(reloaded.touch(keep)).toBe(false);
  });

  it('starts empty, with a message, from a file that is not its format', () => {
    const file = path.join(tempDir(), 'sessions.json');
    fs.writeFileSync(file, '{"nope":1}', { mode: 0o600 });
    const problems: string[] = [];
    const store = createSessionStore({ file, onProblem: (m) => problems.push(m) });
    expect(store.count()).toBe(0);
    expect(problems[0]).toMatch(/not in the expected format/);
  });
});
