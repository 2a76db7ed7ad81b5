// Clients send the token only to a loopback core that proves it is the process runtime.json
// names: a real core passes; an impostor on another port (a stale or forged runtime.json) and
// a non-loopback URL are refused, and the impostor never sees an Authorization header. The
// CLI (findCore), the bridge and the app (connectCore) all go through verifyCoreIdentity.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreIdentityError, loopbackProblem, verifyCoreIdentity } from '../../../src/main/core/core-identity';
import type { RuntimeInfo } from '../../../src/main/core/data-dir';
import { findCore } from '../../../src/main/cli/client';
import { connectCore } from '../../../src/main/shell/core-link';
import { loadConfig } from '../../../src/main/core/config';
import { startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';

let core: TestCore;
let impostor: http.Server;
let impostorUrl: string;
const seen: Array<{ url: string; authorization: string | undefined }> = [];

beforeAll(async () => {
  core = await startTestCore();
  // Answers like a core would, pid and all, but does not hold the token.
  impostor = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.url?.startsWith('/api/identify') ? { pid: process.pid, proof: 'f'.repeat(64) } : { status: 'ok' }));
  });
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
  impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await core.close();
  await new Promise<void>((r) => impostor.close(() => r()));
});

const pointedAt = (base: string, runtime: RuntimeInfo = core.runtime): RuntimeInfo => ({
  ...runtime,
  control_url: base,
  mcp_url: `${base}/mcp`,
});

describe('loopbackProblem', () => {
  it.each([
    ['http://127.0.0.1:8788', null],
    ['http://localhost:8788', null],
    ['http://[::1]:8788', null],
    ['http://192.168.1.5:8788', /not a loopback address/],
    ['https://127.0.0.1:8788', /not a loopback address/],
    ['http://user:pw@127.0.0.1:8788', /not a loopback address/],
    ['http://127.0.0.1.evil.example:8788', /not a loopback address/],
    ['not a url', /is not a URL/],
  ])('%s', (url, problem) => {
    const found = loopbackProblem('control_url', url);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

describe('verifyCoreIdentity', () => {
  it('accepts the real core without sending it the token', async () => {
    await expect(verifyCoreIdentity(core.runtime, core.token)).resolves.toBeUndefined();
  });

  it('refuses a process that answers at the URL but cannot prove it holds the token', async () => {
    seen.length = 0;
    await expect(verifyCoreIdentity(pointedAt(impostorUrl), core.token)).rejects.toThrow(/could not prove it holds this data directory's token; the token was not sent/);
    expect(seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('refuses when the process answering is not the pid runtime.json names', async () => {
    await expect(verifyCoreIdentity({ ...core.runtime, pid: process.pid + 1 }, core.token)).rejects.toThrow(/is process \d+, not the core's process/);
  });

  it('refuses a runtime.json that points off this machine before any request', async () => {
    const err = await verifyCoreIdentity(pointedAt('http://10.0.0.9:8788'), core.token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreIdentityError);
    expect((err as Error).message).toMatch(/not a loopback address/);
  });

  it('answers a malformed challenge with 400 and a sentence', async () => {
    const res = await fetch(`${core.controlUrl}/api/identify?challenge=xyz`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/64 lowercase hex/);
  });
});

/** A data directory of our own whose runtime.json names the impostor (a core that died, its port taken). */
function staleDir(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'token'), `${core.token}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'runtime.json'), JSON.stringify({ ...pointedAt(impostorUrl), data_dir: dir }), { mode: 0o600 });
  return dir;
}

describe('clients that read runtime.json', () => {
  it('the CLI refuses to send the token to an impostor on the named port', async () => {
    seen.length = 0;
    const client = findCore(staleDir())!;
    await expect(client.request('GET', '/api/health')).rejects.toThrow(/the token was not sent/);
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(seen.some((s) => s.url === '/api/health')).toBe(false);
  });

  it('the app refuses to attach to an impostor', async () => {
    seen.length = 0;
    const dir = staleDir();
    await expect(
      connectCore({ config: loadConfig({ dataDir: dir }, {}), attachOnly: true, startOwned: () => Promise.reject(new Error('not here')), waitMs: 1 }),
    ).rejects.toThrow(/the token was not sent/);
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
  });

  it('the CLI talks to the real core as before', async () => {
    const health = await findCore(core.config.dataDir)!.request<{ pid: number }>('GET', '/api/health');
    expect(health.pid).toBe(process.pid);
  });
});
