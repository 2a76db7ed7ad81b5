// Starting or attaching to a core, against real cores on temporary data directories: a
// headless core that owns the directory is attached to (its events arrive over SSE), none
// means the app starts its own, and a core that is still starting is waited for.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/main/core/config';
import { createLogger } from '../../../src/main/core/logger';
import { DataDirBusyError } from '../../../src/main/core/data-dir';
import type { RuntimeInfo } from '../../../src/main/core/data-dir';
import { startCore } from '../../../src/main/core/start-core';
import { connectCore, coreFailureMessage, planCore } from '../../../src/main/shell/core-link';
import type { CoreLink } from '../../../src/main/shell/core-link';
import { createSseParser } from '../../../src/main/shell/sse';
import type { SseMessage } from '../../../src/main/shell/sse';
import type { EventRecord } from '../../../src/shared/events';
import { post, startTestCore, tempDir } from '../../helpers/core';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const runtime = { pid: 1, data_dir: '/d' } as RuntimeInfo;

describe('planCore', () => {
  it.each([
    ['a running core with its token: attach', { runtime, token: 't', attachOnly: false }, 'attach'],
    ['a running core, attach-only launch: attach', { runtime, token: 't', attachOnly: true }, 'attach'],
    ['a running core whose token is unreadable: fail', { runtime, token: null, attachOnly: false }, 'fail'],
    ['no core: start one here', { runtime: null, token: 't', attachOnly: false }, 'start'],
    ['no core, attach-only (npm start in a checkout): wait', { runtime: null, token: null, attachOnly: true }, 'wait'],
  ] as const)('%s', (_name, input, kind) => {
    expect(planCore(input).kind).toBe(kind);
  });
});

describe('coreFailureMessage', () => {
  const abi = Object.assign(new Error("The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 143."), { code: 'ERR_DLOPEN_FAILED' });
  it.each([
    [abi, false, /npm start/],
    [abi, true, /Reinstall Tidings/],
    [new DataDirBusyError('core: the data directory /d is in use by Tidings (serve, control http://127.0.0.1:8788), process 7.', 7), true, /in use by Tidings/],
    [new Error('core: the ingest port 8787 on 127.0.0.1 is already in use by another program; choose another with --port or TIDINGS_PORT'), true, /already in use/],
    ['a string', true, /a string/],
  ])('%s (packaged: %s)', (err, packaged, message) => {
    expect(coreFailureMessage(err, packaged)).toMatch(message);
  });
});

describe('the SSE parser', () => {
  it.each<[string, string[], SseMessage[]]>([
    ['one event', ['id: 3\nevent: event\ndata: {"a":1}\n\n'], [{ id: '3', event: 'event', data: '{"a":1}' }]],
    ['split anywhere', ['id: 3\nev', 'ent: event\nda', 'ta: {"a"', ':1}\n', '\n'], [{ id: '3', event: 'event', data: '{"a":1}' }]],
    ['CRLF lines', ['id: 4\r\nevent: event\r\ndata: x\r\n\r\n'], [{ id: '4', event: 'event', data: 'x' }]],
    ['comments and retry are skipped', ['retry: 2000\n\n: keep-alive\n\ndata: y\n\n'], [{ id: null, event: 'message', data: 'y' }]],
    ['multi-line data', ['data: a\ndata: b\n\n'], [{ id: null, event: 'message', data: 'a\nb' }]],
    ['an incomplete message waits', ['data: a\n'], []],
  ])('%s', (_name, chunks, messages) => {
    const got: SseMessage[] = [];
    const feed = createSseParser((m) => got.push(m));
    for (const c of chunks) feed(c);
    expect(got).toEqual(messages);
  });
});

async function waitFor<T>(fn: () => T | undefined | null, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('connectCore', () => {
  const quiet = createLogger({ stderr: false });

  it('attaches to a headless core that owns the directory, and follows its events over SSE', async () => {
    const headless = await startTestCore();
    cleanups.push(() => headless.close());
    // An event from before the app came: history, not news.
    await post(`${headless.ingestUrl}/webhooks/acme`, '{"n":0}', { 'webhook-id': 'old' });
    let started = false;
    const link: CoreLink = await connectCore({
      config: loadConfig({ dataDir: headless.config.dataDir }, {}),
      attachOnly: false,
      startOwned: async () => {
        started = true;
        throw new Error('must not start a second core');
      },
    });
    cleanups.push(() => link.close());
    expect(started).toBe(false);
    expect(link.mode).toBe('attached');
    expect(link.runtime.control_url).toBe(headless.controlUrl);
    expect((await link.client.health()).status).toBe('ok');
    expect((await link.client.sources()).map((s) => s.source)).toEqual(expect.arrayContaining(['github', 'stripe', 'acme']));
    expect(await link.client.signInUrl()).toMatch(new RegExp(`^${headless.controlUrl}/login\\?code=`));

    const seen: EventRecord[] = [];
    const statuses: string[] = [];
    link.subscribe((e) => seen.push(e), (s) => statuses.push(s));
    await waitFor(() => statuses.includes('live'));
    const sent = await post(`${headless.ingestUrl}/webhooks/acme`, '{"n":1}', { 'webhook-id': 'new' });
    await waitFor(() => seen.find((e) => e.id === sent.body.id));
    expect(seen.map((e) => e.delivery_id)).toEqual(['new']);
    const recent = await link.client.recentEvents(5);
    expect(recent.map((e) => e.delivery_id)).toEqual(['new', 'old']);

    // Letting go of an attached core leaves it running.
    await link.close();
    expect((await fetch(`${headless.ingestUrl}/health`)).ok).toBe(true);
  });

  it('starts its own core when none runs, and closing the link stops it', async () => {
    const dir = tempDir();
    const config = loadConfig({ dataDir: dir, port: 0, controlPort: 0 }, {});
    const link = await connectCore({ config, attachOnly: false, startOwned: () => startCore({ config, mode: 'app', env: {}, logger: quiet }) });
    cleanups.push(() => link.close());
    expect(link.mode).toBe('owned');
    expect(link.runtime.mode).toBe('app');
    const seen: EventRecord[] = [];
    link.subscribe((e) => seen.push(e));
    await post(`${link.runtime.ingest_url}/webhooks/acme`, '{"n":1}', { 'webhook-id': 'owned' });
    await waitFor(() => seen.length === 1);
    await link.close();
    await expect(fetch(`${link.runtime.ingest_url}/health`)).rejects.toThrow();
  });

  it('waits for a core that took the directory first and attaches once it is up', async () => {
    const dir = tempDir();
    const config = loadConfig({ dataDir: dir, port: 0, controlPort: 0 }, {});
    let other: Awaited<ReturnType<typeof startTestCore>> | null = null;
    const link = await connectCore({
      config,
      attachOnly: false,
      startOwned: async () => {
        // Someone else wins the race and is still starting.
        setTimeout(() => void startTestCore({ dataDir: dir }).then((c) => (other = c)), 300);
        throw new DataDirBusyError('core: the data directory is in use', 1);
      },
    });
    cleanups.push(async () => {
      await link.close();
      await (other as { close(): Promise<void> } | null)?.close();
    });
    expect(link.mode).toBe('attached');
  });

  it('gives up when an attach-only launch finds no core in time', async () => {
    const config = loadConfig({ dataDir: tempDir(), port: 0, controlPort: 0 }, {});
    await expect(connectCore({ config, attachOnly: true, waitMs: 300, startOwned: () => Promise.reject(new Error('no')) })).rejects.toThrow(/no Tidings core came up/);
  });
});
