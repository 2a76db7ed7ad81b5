// `tidings mcp` in both protocol revisions: the bridge spawned as a stdio server and driven
// by the SDK v2 client in each negotiation mode, against a core in this process (so its
// event bus can be watched). Tools answer, a cancelled wait stops in the core, and resource
// updates keep coming when the core is replaced under the bridge.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { post, startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';

const root = path.resolve(__dirname, '../../..');
const cores: TestCore[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const c of cores.splice(0)) await c.close().catch(() => undefined);
});

async function core(dataDir: string): Promise<TestCore> {
  const c = await startTestCore({ dataDir, rateLimit: { perSecond: 10_000, burst: 10_000 } });
  cores.push(c);
  return c;
}

async function connect(dataDir: string, mode: 'legacy' | 'auto' | { pin: string }): Promise<Client> {
  const client = new Client({ name: 'bridge-eras', version: '1.0.0' }, { versionNegotiation: { mode } });
  clients.push(client);
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', path.join(root, 'src/main/cli/index.ts'), 'mcp', '--no-start', '--data-dir', dataDir],
      cwd: root,
      env: { ...process.env, TIDINGS_DATA_DIR: '' } as Record<string, string>,
      stderr: 'pipe',
    }),
  );
  return client;
}

describe.each([
  { name: 'legacy', mode: 'legacy' as const, era: 'legacy' },
  { name: 'auto', mode: 'auto' as const, era: 'modern' },
  { name: 'pinned to 2026-07-28', mode: { pin: '2026-07-28' }, era: 'modern' },
])('tidings mcp with an SDK v2 client, version negotiation $name', ({ mode, era }) => {
  it('serves tools, wakes a wait, and stops a wait in the core when the client cancels it', async () => {
    const dir = tempDir();
    const live = await core(dir);
    const client = await connect(dir, mode);
    expect(client.getProtocolEra()).toBe(era);

    const health = (await client.callTool({ name: 'health_check', arguments: {} })) as CallToolResult;
    expect((health.structuredContent as { status: string }).status).toBe('ok');

    const waiting = client.callTool({ name: 'wait_for_event', arguments: { source: 'wake', after_cursor: live.store.maxId(), timeout_seconds: 60 } });
    const sent = await post(`${live.ingestUrl}/webhooks/wake`, '{"n":1}');
    expect(((await waiting) as CallToolResult).structuredContent).toMatchObject({ timed_out: false, cursor: sent.body.id });

    const listeners = live.bus.size();
    const controller = new AbortController();
    let progressed!: () => void;
    const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
    const cancelled = client.callTool({ name: 'wait_for_event', arguments: { source: 'never', timeout_seconds: 120 } }, {
      onprogress: () => progressed(),
      signal: controller.signal,
      resetTimeoutOnProgress: true,
    });
    await firstProgress;
    expect(live.bus.size()).toBe(listeners + 1);
    controller.abort();
    await expect(cancelled).rejects.toThrow();
    // notifications/cancelled reached the bridge, which aborted the forwarded request.
    await expect.poll(() => live.bus.size()).toBe(listeners);
  }, 60_000);

  it('delivers resource updates, and keeps delivering them after the core is replaced', async () => {
    const dir = tempDir();
    const first = await core(dir);
    const client = await connect(dir, mode);
    const uri = 'tidings://sources/demo/recent';
    let next: (() => void) | null = null;
    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updates.push(n.params.uri);
      next?.();
    });
    const update = () => new Promise<void>((resolve) => (next = resolve));

    let listenClosed: Promise<string> | null = null;
    if (era === 'legacy') await client.subscribeResource({ uri });
    else listenClosed = (await client.listen({ resourceSubscriptions: [uri] })).closed;

    let arrived = update();
    await post(`${first.ingestUrl}/webhooks/demo`, '{"n":1}');
    await arrived;

    // The core stops and another starts on the same data directory: the bridge notices the
    // broken stream, reconnects, and replays the 2025 handshake and subscription, or re-sends
    // the open 2026 listen request.
    await first.close();
    cores.splice(cores.indexOf(first), 1);
    const second = await core(dir);
    arrived = update();
    // Until the bridge has re-subscribed, events are not news to it: keep sending until one is.
    for (let n = 2; ; n++) {
      await post(`${second.ingestUrl}/webhooks/demo`, JSON.stringify({ n }));
      const heard = await Promise.race([arrived.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 500))]);
      if (heard) break;
      expect(n).toBeLessThan(60);
    }
    expect(new Set(updates)).toEqual(new Set([uri]));
    if (listenClosed) expect(await Promise.race([listenClosed, Promise.resolve('open')])).toBe('open');
  }, 90_000);
});
