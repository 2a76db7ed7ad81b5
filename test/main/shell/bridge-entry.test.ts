// dist/bridge.cjs, bundled as the build bundles it and laid out as in an installed app, run
// by plain Node standing in for Electron's Node mode (ELECTRON_RUN_AS_NODE=1 turns the app's
// binary into exactly that), with the command lines bridgeLaunch gives Claude Desktop: the
// script path (macOS, Windows, .deb) and the AppImage's `-e` loader with `--no-sandbox`.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { bridgeLaunch } from '../../../src/main/shell/bridge-launch';
import { post, startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';

const root = path.resolve(__dirname, '../../..');
let core: TestCore;
let installed: string;
let imports: string[] = [];
let marker = 0;

/** Lay out an app: <dir>/<binary> and <dir>/resources/app.asar.unpacked/dist/bridge.cjs. */
function fakeInstall(dir: string, binaryName: string, code: string): { binary: string; appPath: string } {
  const dist = path.join(dir, 'resources', 'app.asar.unpacked', 'dist');
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(path.join(dist, 'bridge.cjs'), code);
  const binary = path.join(dir, binaryName);
  // A hard link keeps process.execPath at this name (the AppImage loader relies on it).
  try {
    fs.linkSync(process.execPath, binary);
  } catch {
    fs.copyFileSync(process.execPath, binary);
    fs.chmodSync(binary, 0o755);
  }
  return { binary, appPath: path.join(dir, 'resources', 'app.asar') };
}

beforeAll(async () => {
  const out = await build({
    entryPoints: [path.join(root, 'src/main/shell/bridge-entry.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['better-sqlite3', 'electron'],
    metafile: true,
    logLevel: 'silent',
    logOverride: { 'empty-import-meta': 'silent' },
  });
  imports = Object.values(out.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  installed = out.outputFiles[0]!.text;
  core = await startTestCore();
  // An event only this core has: finding it through the bridge proves which core answered.
  const sent = await post(`${core.ingestUrl}/webhooks/acme`, JSON.stringify({ hello: 'bridge' }), { 'webhook-id': 'msg_bridge' });
  marker = sent.body.id as number;
});

afterAll(async () => {
  await core?.close();
});

async function talk(launch: { command: string; args: string[]; env?: Record<string, string> | undefined }) {
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: launch.command,
    args: launch.args,
    // Claude Desktop passes the entry's env on top of a minimal environment of its own.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...launch.env },
    stderr: 'pipe',
  });
  await client.connect(transport);
  try {
    const result = (await client.callTool({ name: 'get_recent_events', arguments: { limit: 5 } })) as CallToolResult;
    return (result.structuredContent as { events: Array<{ id: number; source: string }> }).events;
  } finally {
    await client.close();
  }
}

describe('the bridge bundle', () => {
  it('pulls in neither electron nor a native module', () => {
    expect(imports.filter((p) => p === 'electron' || p.startsWith('electron/') || p === 'better-sqlite3')).toEqual([]);
  });

  it('serves MCP from the running core, launched as on macOS, Windows or a .deb', async () => {
    const dir = tempDir('tidings-install-');
    const { binary, appPath } = fakeInstall(dir, 'tidings', installed);
    const launch = bridgeLaunch({ platform: 'linux', packaged: true, execPath: binary, appPath, dataDir: core.config.dataDir });
    expect(launch.args[0]).toBe(path.join(dir, 'resources', 'app.asar.unpacked', 'dist', 'bridge.cjs'));
    const events = await talk(launch);
    expect(events.map((e) => e.id)).toContain(marker);
  });

  it('serves MCP through the AppImage form: -e loader, then --no-sandbox as a plain argument', async () => {
    const dir = tempDir('tidings-appimage-');
    const { binary, appPath } = fakeInstall(dir, 'tidings', installed);
    // $APPIMAGE would be the AppImage file, whose AppRun execs the binary inside the mount
    // with the same arguments; here the binary stands in for both.
    const launch = bridgeLaunch({ platform: 'linux', packaged: true, execPath: binary, appImage: binary, appPath, dataDir: core.config.dataDir });
    expect(launch.args.slice(0, 4)).toEqual(['-e', expect.any(String), '--', '--no-sandbox']);
    const events = await talk(launch);
    expect(events.map((e) => e.id)).toContain(marker);
  });
});
