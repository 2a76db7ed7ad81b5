// `npm start` without a usable Electron binary (as on the build machines): it says why and
// runs the headless core with its dashboard link, which a browser can open.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/core';

const root = path.resolve(__dirname, '../../..');

describe('npm start', () => {
  it('falls back to the headless core, saying why, and prints a working dashboard link', async () => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      cwd: root,
      // electron/index.js resolves the binary under this folder, so no machine has it there.
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(tempDir(), 'no-electron'), TIDINGS_DATA_DIR: tempDir(), TIDINGS_PORT: '0', TIDINGS_CONTROL_PORT: '0', TIDINGS_HEADLESS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!/Dashboard:\s+(\S+)/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no dashboard link; stdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(err).toMatch(/Starting Tidings headless \(tidings serve\): Electron's binary is not at .*no-electron/);
      expect(err).toMatch(/node node_modules\/electron\/install\.js/);
      const link = /Dashboard:\s+(\S+)/.exec(out)![1]!;
      const res = await fetch(link, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
