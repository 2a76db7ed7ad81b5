// The real main-process bundle (src/main/index.ts, bundled as the build bundles it) run under
// plain Node with a recording stand-in for 'electron' (fake-electron.cjs). Electron itself
// cannot run here; this shows the wiring does what the pure parts promise: the core starts
// in-process (or is attached to), the tray and the hardened window come up, the window signs
// in with a one-time link, secrets go through safeStorage, and a quit closes the core cleanly.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readRuntime } from '../../../src/main/core/data-dir';
import { post, startTestCore, tempDir } from '../../helpers/core';

const root = path.resolve(__dirname, '../../..');
let bundleDir = '';
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // Inside the checkout, so that better-sqlite3 resolves from node_modules as it does from dist/main.
  bundleDir = fs.mkdtempSync(path.join(root, 'node_modules', '.cache', 'tidings-main-'));
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['better-sqlite3', '@ngrok/ngrok', 'electron'], logLevel: 'silent', logOverride: { 'empty-import-meta': 'silent' } };
  // The writer thread is loaded from beside the bundle, as in dist/main.
  await build({ ...common, entryPoints: [path.join(root, 'src/main/index.ts')], outfile: path.join(bundleDir, 'index.cjs') });
  await build({ ...common, entryPoints: [path.join(root, 'src/main/core/store/writer-worker.ts')], outfile: path.join(bundleDir, 'writer-worker.cjs') });
}, 60_000);

afterAll(() => {
  fs.rmSync(bundleDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

interface Run {
  child: ChildProcess;
  dataDir: string;
  events: () => Array<Record<string, unknown> & { what: string }>;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runApp(args: string[], env: Record<string, string> = {}, dataDir = tempDir()): Run {
  const logFile = path.join(tempDir(), 'electron.jsonl');
  const child = spawn(process.execPath, ['--require', path.join(__dirname, 'fake-electron.cjs'), path.join(bundleDir, 'index.cjs'), '--data-dir', dataDir, ...args], {
    cwd: root,
    env: { ...process.env, FAKE_ELECTRON_LOG: logFile, FAKE_ELECTRON_LOGS: path.join(dataDir, 'logs'), FAKE_ELECTRON_APP_PATH: root, TIDINGS_PORT: '0', TIDINGS_CONTROL_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const events = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  return { child, dataDir, events, stderr: () => stderr, exited };
}

async function waitFor<T>(fn: () => T | undefined | null | false, what: string, run?: Run, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${run ? `\nstderr: ${run.stderr()}\nevents: ${JSON.stringify(run.events().map((e) => e.what))}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the main process', () => {
  it('starts its own core, shows the tray and a signed-in window, and closes the core on quit', async () => {
    const run = runApp([]);
    const runtime = await waitFor(() => readRuntime(run.dataDir), 'runtime.json', run);
    expect(runtime.mode).toBe('app');
    expect(runtime.pid).toBe(run.child.pid);
    const load = await waitFor(() => run.events().find((e) => e.what === 'window.loadURL'), 'the window to load', run);
    expect(load.url).toMatch(new RegExp(`^${runtime.control_url}/login\\?code=`));
    expect(load).toMatchObject({ status: 303, location: '/', cookie: true });
    const events = run.events();
    const names = events.map((e) => e.what);
    // Electron's own files go beside the data they belong to, before anything uses them.
    expect(events.find((e) => e.what === 'app.setPath')).toEqual({ what: 'app.setPath', name: 'userData', value: path.join(run.dataDir, 'app') });
    expect(names.indexOf('app.setPath')).toBeLessThan(names.indexOf('app.requestSingleInstanceLock'));
    expect(events.find((e) => e.what === 'window.new')!.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: path.join(root, 'dist/preload/index.cjs') });
    expect(names).toEqual(expect.arrayContaining(['session.setPermissionRequestHandler', 'session.onBeforeRequest', 'session.onHeadersReceived', 'webContents.setWindowOpenHandler', 'tray.new', 'window.show']));
    expect(events.filter((e) => e.what === 'ipcMain.handle').map((e) => e.channel).sort()).toEqual(['tidings:get-notification-prefs', 'tidings:get-shell-info', 'tidings:open-logs', 'tidings:set-notification-prefs']);
    const tray = events.find((e) => e.what === 'tray.new')!;
    expect(tray).toMatchObject({ image: path.join(root, 'resources/tray', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'), exists: true });

    // A webhook reaches the tray's recent list; a secret goes through safeStorage.
    const token = fs.readFileSync(path.join(run.dataDir, 'token'), 'utf8').trim();
    await post(`${runtime.ingest_url}/webhooks/acme`, '{"hi":1}', { 'webhook-id': 'via-app' });
    const put = await fetch(`${runtime.control_url}/api/secrets/github`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ value: 'a-github-secret-value' }) });
    expect(put.status).toBe(200);
    expect(fs.existsSync(path.join(run.dataDir, 'secrets.enc'))).toBe(true);
    expect(fs.readFileSync(path.join(run.dataDir, 'secrets.enc'), 'utf8')).not.toContain('a-github-secret-value');
    await waitFor(() => run.events().some((e) => e.what === 'tray.setContextMenu' && (e.labels as string[]).includes('Recent events (1 unseen)')), 'the tray to list the event', run);

    // Quit: the window goes, then the core closes its database and removes runtime.json.
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(readRuntime(run.dataDir)).toBeNull();
    expect(fs.existsSync(path.join(run.dataDir, 'runtime.json'))).toBe(false);
    expect(fs.existsSync(path.join(run.dataDir, 'core.lock'))).toBe(false);
    const after = run.events().map((e) => e.what);
    expect(after.indexOf('window.destroy')).toBeGreaterThan(-1);
    expect(after.at(-1)).toBe('app.exit');
    const log = fs.readFileSync(path.join(run.dataDir, 'logs', 'tidings.log'), 'utf8');
    expect(log).toMatch(/"msg":"core stopped"/);
    expect(log).toMatch(/"msg":"app stopped"/);
  }, 60_000);

  it('attaches to a headless core that owns the data directory, and leaves it running on quit', async () => {
    const headless = await startTestCore();
    cleanups.push(() => headless.close());
    const run = runApp(['--hidden'], {}, headless.config.dataDir);
    const trayUp = await waitFor(() => run.events().find((e) => e.what === 'tray.setToolTip' && String(e.tooltip).includes('(headless core)')), 'the tray to show the attached core', run);
    expect(trayUp.tooltip).toContain(headless.ingestUrl.replace('http://', ''));
    // Started hidden: no window until asked.
    expect(run.events().some((e) => e.what === 'window.new')).toBe(false);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(readRuntime(headless.config.dataDir)?.pid).toBe(process.pid);
    expect((await fetch(`${headless.ingestUrl}/health`)).ok).toBe(true);
  }, 60_000);

  it('a second instance quits at once and starts nothing', async () => {
    const run = runApp([], { FAKE_ELECTRON_LOCKED: '1' });
    expect(await run.exited).toBe(0);
    expect(run.events().map((e) => e.what)).toEqual(['app.setPath', 'app.requestSingleInstanceLock', 'app.quit', 'app.exit']);
    expect(fs.existsSync(path.join(run.dataDir, 'runtime.json'))).toBe(false);
  }, 30_000);

  it('says why when the core cannot start, and keeps the tray for the logs', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'config.json'), '{ "port": "not a port" }');
    const run = runApp([], {}, dataDir);
    const box = await waitFor(() => run.events().find((e) => e.what === 'dialog.showErrorBox'), 'the error dialog', run);
    expect(box.content).toMatch(/config\.json has invalid settings/);
    expect(run.events().some((e) => e.what === 'tray.new')).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 30_000);
});
