// `tidings mcp`, the stdio bridge, driven by the SDK's own stdio client exactly as Claude
// Desktop launches it: it starts a core when none runs, forwards requests and
// notifications, survives a core restart, and exits when stdin closes.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { readRuntime } from '../../../src/main/core/data-dir';
import { post, tempDir } from '../../helpers/core';
import { moduleGraph } from '../../helpers/bundle';

const root = path.resolve(__dirname, '../../..');
const started: number[] = [];

function bridge(dataDir: string, umask?: string) {
  const node = [process.execPath, '--import', 'tsx', path.join(root, 'src/main/cli/index.ts'), 'mcp', '--data-dir', dataDir];
  return new StdioClientTransport({
    // With a umask, through a shell that sets it first, as a desktop session's launcher would.
    command: umask ? 'sh' : process.execPath,
    args: umask ? ['-c', `umask ${umask}; exec "$@"`, 'sh', ...node] : node.slice(1),
    cwd: root,
    env: { ...process.env, TIDINGS_DATA_DIR: '', TIDINGS_PORT: '0', TIDINGS_CONTROL_PORT: '0' } as Record<string, string>,
    stderr: 'pipe',
  });
}

async function waitFor<T>(fn: () => T | null, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopCore(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  return waitFor(() => {
    try {
      process.kill(pid, 0);
      return null;
    } catch {
      return true;
    }
  }).then(() => undefined);
}

afterEach(async () => {
  for (const pid of started.splice(0)) await stopCore(pid).catch(() => undefined);
});

describe('tidings mcp (stdio bridge)', () => {
  it('starts a core when none runs, forwards tools and notifications, and survives a core restart', async () => {
    const dir = tempDir();
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    const transport = bridge(dir);
    await client.connect(transport);
    const first = readRuntime(dir)!;
    started.push(first.pid);
    expect(first.mode).toBe('serve');

    const health = (await client.callTool({ name: 'health_check', arguments: {} })) as CallToolResult;
    expect((health.structuredContent as { status: string }).status).toBe('ok');

    const updated = new Promise<string>((resolve) =>
      client.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri)),
    );
    await client.subscribeResource({ uri: 'tidings://events/recent' });
    await post(`${first.ingest_url}/webhooks/demo`, '{"hello":1}');
    expect(await updated).toBe('tidings://events/recent');

    // The core goes away and another takes its place: the bridge reconnects on its own.
    await stopCore(first.pid);
    started.splice(started.indexOf(first.pid), 1);
    const recent = (await client.callTool({ name: 'get_recent_events', arguments: { limit: 5 } })) as CallToolResult;
    expect(recent.isError).toBeFalsy();
    const second = readRuntime(dir)!;
    started.push(second.pid);
    expect(second.pid).not.toBe(first.pid);
    expect((recent.structuredContent as { events: unknown[] }).events).toHaveLength(1);

    // The resource subscription was replayed to the new core.
    const again = new Promise<string>((resolve) =>
      client.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri)),
    );
    await post(`${second.ingest_url}/webhooks/demo`, '{"hello":2}');
    expect(await again).toBe('tidings://events/recent');

    const stderr: string[] = [];
    transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    await client.close();
    expect(stderr.join('')).not.toMatch(/^\{"jsonrpc"/m);
  }, 60_000);

  it('started from a 022 umask, creates the data directory 0700 and the database, WAL, SHM, token and logs for its user only', async () => {
    const dir = path.join(tempDir(), 'claude-desktop-first');
    const client = new Client({ name: 'umask-test', version: '1.0.0' });
    await client.connect(bridge(dir, '022'));
    const runtime = readRuntime(dir)!;
    started.push(runtime.pid);
    await post(`${runtime.ingest_url}/webhooks/demo`, '{"private":true}');
    await client.callTool({ name: 'get_recent_events', arguments: { limit: 1 } });
    const mode = (f: string) => (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8);
    expect(mode('.')).toBe('700');
    expect(mode('logs')).toBe('700');
    for (const f of ['tidings.db', 'tidings.db-wal', 'tidings.db-shm', 'token', 'runtime.json', 'logs/tidings.log', 'logs/serve-from-bridge.log']) {
      expect({ f, mode: mode(f) }).toEqual({ f, mode: '600' });
    }
    await client.close();
  }, 60_000);

  it('has no native module or server framework in its module graph', async () => {
    const { inputs, imports } = await moduleGraph(path.join(root, 'src/main/cli/bridge.ts'));
    expect(inputs.some((f) => f.includes('@modelcontextprotocol/client'))).toBe(true);
    expect(imports).not.toContain('better-sqlite3');
    expect(inputs.filter((f) => /node_modules\/(express|better-sqlite3)\//.test(f))).toEqual([]);
  });
});
