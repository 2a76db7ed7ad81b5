// `tidings targets …` against a real core (found through runtime.json, as a person's shell
// would) and a real receiver: add, list, push, the delivery log, retry, update, remove.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { runCli } from '../../helpers/cli';
import { startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';
import { startReceiver } from '../../helpers/receiver';
import type { Receiver } from '../../helpers/receiver';

let core: TestCore;
let dir: string;
let hook: Receiver;
let up = true;
const cli = (...args: string[]) => runCli(['targets', ...args, '--data-dir', dir]);

beforeAll(async () => {
  dir = tempDir();
  core = await startTestCore({ dataDir: dir, outbound: { policy: { localSchedule: [30], localMaxAgeMs: 400, jitter: 0 } } });
  hook = await startReceiver(0, () => (up ? { status: 200 } : { status: 500 }));
});
afterAll(async () => {
  await hook.close();
  await core.close();
});

describe('tidings targets', () => {
  it('adds a target, prints its secret once, pushes, and shows the log', async () => {
    const refused = await cli('add', 'dev', hook.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/loopback address.*--allow-private/s);

    const added = await cli('add', 'dev', hook.url, '--allow-private');
    expect(added.code, added.stderr).toBe(0);
    const secret = added.stdout.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(added.stderr).toMatch(/Added push target dev/);

    const list = await cli('list');
    expect(list.stdout).toMatch(/dev\s+push\s+http:\/\/127\.0\.0\.1:\d+\/hook/);
    expect(list.stdout).not.toContain(secret);
    expect((await cli('secret', 'dev')).stdout.trim()).toBe(secret);

    const pushed = await cli('push', 'hello from the shell');
    expect(pushed.stderr).toMatch(/for 1 of 1 push target/);
    const [got] = await hook.waitFor(1);
    expect(new Webhook(secret).verify(got!.body.toString(), got!.headers as Record<string, string>)).toMatchObject({ message: 'hello from the shell' });
    await expect.poll(async () => (await cli('deliveries')).stdout).toMatch(/delivered\s+dev\s+push\s+1 attempt\(s\) last 200/);
  });

  it('shows dead letters with their attempts and retries them', async () => {
    up = false;
    await cli('push', 'this one fails');
    await expect.poll(async () => (await cli('deliveries', '--state', 'dead')).stdout, { timeout: 5000 }).toMatch(/dead\s+dev/);
    const dead = (await cli('deliveries', '--state', 'dead', '--json')).stdout;
    const id = (JSON.parse(dead) as Array<{ id: number }>)[0]!.id;
    const attempts = await cli('deliveries', '--attempts', String(id));
    expect(attempts.stdout).toMatch(/500/);
    up = true;
    const retried = await cli('retry', 'dev');
    expect(retried.stderr).toMatch(/Retrying 1 delivery now/);
    await expect.poll(async () => (await cli('deliveries', '--state', 'dead')).stdout).toMatch(/No deliveries/);
  });

  it('updates and removes', async () => {
    const rotated = await cli('update', 'dev', '--rotate-secret', '--disable');
    expect(rotated.stdout.trim()).toMatch(/^whsec_/);
    expect(rotated.stderr).toMatch(/disabled/);
    const removed = await cli('remove', 'dev');
    expect(removed.code).toBe(0);
    expect((await cli('list')).stdout).toMatch(/No targets/);
  });

  it.each([
    [['add', 'Bad Name', 'http://example.com'], /target name/],
    [['add', 'ok', 'ftp://example.com'], /http:\/\/ or https:\/\//],
    [['deliveries', '--state', 'lost'], /one of pending, delivered, dead/],
    [['update', 'ok'], /say what to change/],
    [['retry', '--delivery', 'x'], /delivery id/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('lists a Slack-style target URL with its ids and token masked', async () => {
    const url = 'http://127.0.0.1:9/services/T0123ABCD/B0456EFGH/abcdefgh12345678ijkl';
    const added = await cli('add', 'slack-out', url, '--allow-private', '--disabled');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('http://127.0.0.1:9/services/…/…/…');
    const list = await cli('list');
    expect(list.stdout).toMatch(/slack-out\s+push\s+http:\/\/127\.0\.0\.1:9\/services\/…\/…\/…\n/);
    expect(list.stdout + added.stderr).not.toMatch(/T0123ABCD|B0456EFGH|abcdefgh12345678ijkl/);
    await cli('remove', 'slack-out');
  });

  it('says when no core is running', async () => {
    const r = await runCli(['targets', 'list', '--data-dir', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Tidings core is running/);
  });
});
