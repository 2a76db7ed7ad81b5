// `tidings status` against data directories it must not trust, and `--revoke-sessions`.
// The attack from issue 11: another user owns the data directory and points runtime.json at
// a server of theirs; status used to send that server the bearer token.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { startTestCore, tempDir } from '../../helpers/core';
import { SESSION_COOKIE } from '../../../src/main/core/api/guard';

const OTHER = 4242;
const root = process.getuid?.() === 0;

describe('tidings status', () => {
  it.skipIf(!root || !fs.existsSync('/usr/bin/setpriv'))(
    'refuses a data directory another user owns, says how to fix it, and sends their server nothing',
    async () => {
      const heard: Array<string | undefined> = [];
      const trap = http.createServer((req, res) => {
        heard.push(req.headers.authorization);
        res.end('{}');
      });
      await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
      try {
        const parent = tempDir('tidings-foreign-');
        fs.chmodSync(parent, 0o1777);
        const dir = path.join(parent, 'data');
        // The other user makes the directory and plants runtime.json (naming a live pid: ours).
        const runtime = JSON.stringify({
          pid: process.pid, version: '0', started_at: new Date().toISOString(), data_dir: dir, host: '127.0.0.1',
          ingest_port: 1, control_port: 2, ingest_url: url, control_url: url, mcp_url: `${url}/mcp`, dashboard_url: `${url}/`, mode: 'serve',
        });
        execFileSync('setpriv', [`--reuid=${OTHER}`, `--regid=${OTHER}`, '--clear-groups', 'sh', '-c', `umask 000; mkdir '${dir}' && printf '%s' '${runtime}' > '${dir}/runtime.json'`]);
        // The victim's token, as their own core would have left it there.
        fs.writeFileSync(path.join(dir, 'token'), `${'t'.repeat(43)}\n`, { mode: 0o600 });
        const result = await runCli(['status', '--data-dir', dir]);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/belongs to another user \(uid 4242; you are uid 0\)/);
        expect(result.stderr).toMatch(/chown -R 0/);
        expect(result.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack
        expect(heard).toEqual([]);
      } finally {
        await new Promise<void>((r) => trap.close(() => r()));
      }
    },
    60_000,
  );

  it('--revoke-sessions signs every browser out of a running core, and the token keeps working', async () => {
    const core = await startTestCore();
    try {
      const login = await fetch(core.dashboardLink(), { redirect: 'manual' });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${core.controlUrl}/api/health`, { headers: { cookie } })).status).toBe(200);
      const result = await runCli(['status', '--revoke-sessions', '--data-dir', core.config.dataDir]);
      expect(result.stderr).toMatch(/Dashboard sessions revoked: 1/);
      expect(result.code).toBe(0);
      expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
      expect((await fetch(`${core.controlUrl}/api/health`, { headers: { cookie } })).status).toBe(401);
      expect((await fetch(`${core.controlUrl}/api/health`, { headers: { authorization: `Bearer ${core.token}` } })).status).toBe(200);
    } finally {
      await core.close();
    }
  }, 60_000);
});
