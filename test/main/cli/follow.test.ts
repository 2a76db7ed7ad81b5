// `tidings events --follow` as a person runs it: a real child process tailing a real core,
// across a core restart on the same data directory, then stopped with Ctrl+C.
import { describe, expect, it } from 'vitest';
import { followLine, parseSse } from '../../../src/main/cli/follow';
import type { EventRecord } from '../../../src/shared/events';
import { spawnCli } from '../../helpers/cli';
import { post, startTestCore, tempDir } from '../../helpers/core';

/** Resolves once `read()` satisfies `done`; the test's own timeout is the only clock. */
function until(read: () => string, done: (text: string) => boolean, onData: (cb: () => void) => void): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      if (done(read())) resolve(read());
    };
    onData(check);
    check();
  });
}

async function send(ingestUrl: string, type: string): Promise<number> {
  const res = await post(`${ingestUrl}/webhooks/app`, JSON.stringify({ type, subject: 'octo/hello' }), { 'webhook-id': `msg_${type}` });
  expect(res.status).toBe(200);
  return res.body.id as number;
}

describe('tidings events --follow', () => {
  it('prints every event once, in order, across a core restart, and exits 0 on Ctrl+C', async () => {
    const dataDir = tempDir();
    let core = await startTestCore({ dataDir });
    await send(core.ingestUrl, 'before.follow'); // history: not part of a tail that starts now

    const child = spawnCli(['events', '--follow', '--json', '--data-dir', dataDir]);
    let stdout = '';
    let stderr = '';
    const listeners: Array<() => void> = [];
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const l of listeners) l();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const l of listeners) l();
    });
    const onData = (cb: () => void) => listeners.push(cb);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = () => stdout.split('\n').filter((l) => l !== '');
    try {
      await until(() => stderr, (t) => t.includes('following events'), onData);
      const first = [await send(core.ingestUrl, 'one'), await send(core.ingestUrl, 'two')];
      await until(() => stdout, () => lines().length >= 2, onData);

      // Stop the core; nothing is sent while it is down; a new core on the same directory
      // takes events straight away, whether or not the tail has found it yet.
      await core.close();
      core = await startTestCore({ dataDir });
      const second = [await send(core.ingestUrl, 'three'), await send(core.ingestUrl, 'four')];
      await until(() => stdout, () => lines().length >= 4, onData);
      const third = [await send(core.ingestUrl, 'five')];
      await until(() => stdout, () => lines().length >= 5, onData);

      const printed = lines().map((l) => JSON.parse(l) as EventRecord);
      expect(printed.map((e) => e.id)).toEqual([...first, ...second, ...third]);
      expect(printed.map((e) => e.type)).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(stderr).toMatch(/reconnecting after #\d+/);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(lines()).toHaveLength(5);
    } finally {
      child.kill('SIGKILL');
      await core.close();
    }
  }, 120_000);

  it('keeps only the chosen source and type, and waits for a core that is not running yet', async () => {
    const dataDir = tempDir();
    const child = spawnCli(['events', '--follow', '--source', 'app', '--type', 'order', '--data-dir', dataDir]);
    let stdout = '';
    let stderr = '';
    const listeners: Array<() => void> = [];
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), listeners.forEach((l) => l())));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), listeners.forEach((l) => l())));
    const onData = (cb: () => void) => listeners.push(cb);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until(() => stderr, (t) => t.includes('waiting for a Tidings core'), onData);
    const core = await startTestCore({ dataDir });
    try {
      await until(() => stderr, (t) => t.includes('following events'), onData);
      await send(core.ingestUrl, 'invoice.paid');
      await post(`${core.ingestUrl}/webhooks/other`, JSON.stringify({ type: 'order.created' }), { 'webhook-id': 'msg_other' });
      const wanted = await send(core.ingestUrl, 'order.created');
      await until(() => stdout, (t) => t.includes(`#${wanted}`), onData);
      const printed = stdout.trim().split('\n');
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(/! app\s+order\.created\s+octo\/hello\s+#\d+$/);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await core.close();
    }
  }, 120_000);
});

describe('the SSE parser and the tail line', () => {
  it('splits complete messages, keeps the unfinished rest, and skips keep-alive comments', () => {
    const { messages, rest } = parseSse('retry: 2000\n\n: keep-alive\n\nid: 7\nevent: event\ndata: {"a":1}\n\nid: 8\nevent: ev');
    expect(messages).toEqual([{ id: '7', event: 'event', data: '{"a":1}' }]);
    expect(rest).toBe('id: 8\nevent: ev');
  });

  it('marks verified events with a tick and unverified ones with "!"', () => {
    const base = { id: 42, source: 'github', type: 'push', received_at: '2026-01-02T03:04:05.000Z', occurred_at: null, subject: 'octo/hello', summary: 's', delivery_id: 'd', fields: {} };
    expect(followLine({ ...base, verified: true })).toMatch(/^2026-01-02 03:04:05 ✓ github\s+push\s+octo\/hello\s+#42$/);
    expect(followLine({ ...base, verified: false, subject: null })).toMatch(/ ! github\s+push\s+-\s+#42$/);
  });
});
