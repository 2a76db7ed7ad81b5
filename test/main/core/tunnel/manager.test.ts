// The tunnel manager's lifecycle through its interface (start, drop, reconnect, stop,
// restart), with a stand-in driver in place of ngrok and timers driven by hand, so that
// nothing here waits on a clock or leaves the machine.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/main/core/logger';
import { TunnelStartError } from '../../../../src/main/core/tunnel/driver';
import type { TunnelDriver, TunnelOpenOptions } from '../../../../src/main/core/tunnel/driver';
import { createTunnelManager, normalizePublicUrl, reconnectDelay, TunnelRequestError } from '../../../../src/main/core/tunnel/manager';
import type { TunnelManager } from '../../../../src/main/core/tunnel/manager';
import type { PublicUrlStatus } from '../../../../src/main/core/tunnel/public-url';
import type { Reachability } from '../../../../src/main/core/tunnel/reachability';
import { memoryTunnelSettings } from '../../../../src/main/core/tunnel/settings';
import type { TunnelSettingsStore } from '../../../../src/main/core/tunnel/settings';

interface Opened {
  options: TunnelOpenOptions;
  url: string;
  closed: boolean;
}

function standInDriver() {
  const opened: Opened[] = [];
  const failures: Error[] = [];
  const driver: TunnelDriver = {
    name: 'stand-in',
    async open(options) {
      const failure = failures.shift();
      if (failure) throw failure;
      const entry: Opened = { options, url: `https://${options.domain ?? `t${opened.length + 1}.example`}`, closed: false };
      opened.push(entry);
      return {
        url: entry.url,
        close: async () => {
          entry.closed = true;
        },
      };
    },
  };
  return { driver, opened, failWith: (...errors: Error[]) => failures.push(...errors) };
}

/** Timers as a list the test runs by hand. */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  return {
    schedule: (fn: () => void, ms: number) => {
      const t = { fn, ms, cancelled: false };
      pending.push(t);
      return () => {
        t.cancelled = true;
      };
    },
    live: () => pending.filter((t) => !t.cancelled),
    /** Run the live timer with this delay class (reconnect or check). */
    run(pick: (ms: number) => boolean) {
      const t = pending.find((x) => !x.cancelled && pick(x.ms));
      if (!t) throw new Error(`no pending timer matches; pending: ${pending.filter((x) => !x.cancelled).map((x) => x.ms).join(', ')}`);
      t.cancelled = true;
      t.fn();
    },
  };
}

const CHECK_EVERY = 300_000;
const isCheck = (ms: number) => ms === CHECK_EVERY;
const isRetry = (ms: number) => ms !== CHECK_EVERY;

function setup(o: { settings?: TunnelSettingsStore; token?: string | null; reach?: (url: string) => Reachability } = {}) {
  const stand = standInDriver();
  const timers = manualTimers();
  const settings = o.settings ?? memoryTunnelSettings();
  const checked: string[] = [];
  const manager = createTunnelManager({
    settings,
    ingest: { host: '127.0.0.1', port: 48787, url: 'http://127.0.0.1:48787' },
    driver: stand.driver,
    authtoken: () => (o.token === undefined ? 'stand-in-authtoken-0123456789' : o.token),
    check: async (url) => {
      checked.push(url);
      return o.reach?.(url) ?? { reachable: true, error: null };
    },
    logger: createLogger({ stderr: false }),
    schedule: timers.schedule,
    random: () => 0.5,
    checkEveryMs: CHECK_EVERY,
    backoff: { baseMs: 1_000, maxMs: 8_000 },
  });
  return { manager, settings, timers, checked, ...stand };
}

/** Resolves when the status satisfies `pred` (now or after a change). */
function until(manager: TunnelManager, pred: (s: PublicUrlStatus) => boolean): Promise<PublicUrlStatus> {
  if (pred(manager.status())) return Promise.resolve(manager.status());
  return new Promise((resolve) => {
    const off = manager.onChange((s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}

describe('the tunnel manager with a stand-in driver', () => {
  it('opens the tunnel in front of the ingest listener only, remembers it, and checks it', async () => {
    const { manager, opened, settings, checked } = setup();
    const seen: string[] = [];
    manager.onChange((s) => seen.push(s.state));
    const { status } = await manager.set({ mode: 'ngrok', domain: 'Pinned.Example' });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.options).toMatchObject({ host: '127.0.0.1', port: 48787, authtoken: 'stand-in-authtoken-0123456789', domain: 'pinned.example' });
    expect(status).toMatchObject({ mode: 'ngrok', state: 'online', url: 'https://pinned.example', reachable: true, error: null });
    expect(status.checked_at).not.toBeNull();
    expect(checked).toEqual(['https://pinned.example']);
    expect(seen).toEqual(['starting', 'online', 'online']);
    expect(settings.load()).toEqual({ mode: 'ngrok', domain: 'pinned.example' });
  });

  it('reconnects after a drop, with the state visible while it waits, then comes back online', async () => {
    const { manager, opened, timers } = setup();
    await manager.set({ mode: 'ngrok' });
    opened[0]!.options.onDrop('the connection to ngrok was lost');
    const waiting = await until(manager, (s) => s.state === 'starting');
    expect(waiting).toMatchObject({ mode: 'ngrok', state: 'starting', reachable: false });
    expect(waiting.error).toMatch(/connection to ngrok was lost; reconnecting in 1 s \(attempt 1\)/);
    expect(opened[0]!.closed).toBe(true);
    const retry = timers.live().filter((t) => isRetry(t.ms));
    expect(retry).toHaveLength(1);
    expect(retry[0]!.ms).toBe(750); // base 1 s, jittered down by a quarter with random() = 0.5

    timers.run(isRetry);
    const back = await until(manager, (s) => s.state === 'online' && s.reachable === true);
    expect(opened).toHaveLength(2);
    expect(back.url).toBe('https://t2.example');
    expect(back.error).toBeNull();
  });

  it('backs off longer after each failed reconnect, up to the cap, and gives up only on a permanent refusal', async () => {
    const { manager, opened, timers, failWith } = setup();
    await manager.set({ mode: 'ngrok' });
    failWith(new TunnelStartError('network down', false), new TunnelStartError('network still down', false), new TunnelStartError('ngrok refused the tunnel (ERR_NGROK_107)', true));
    opened[0]!.options.onDrop('lost');
    await until(manager, (s) => s.state === 'starting');
    const delays = [timers.live().find((t) => isRetry(t.ms))!.ms];
    timers.run(isRetry);
    await until(manager, (s) => /attempt 2/.test(s.error ?? ''));
    delays.push(timers.live().find((t) => isRetry(t.ms))!.ms);
    timers.run(isRetry);
    await until(manager, (s) => /attempt 3/.test(s.error ?? ''));
    expect(manager.status().error).toMatch(/^network still down; reconnecting/);
    delays.push(timers.live().find((t) => isRetry(t.ms))!.ms);
    expect(delays).toEqual([750, 1500, 3000]);
    timers.run(isRetry);
    const failed = await until(manager, (s) => s.state === 'error');
    expect(failed.error).toMatch(/ERR_NGROK_107/);
    expect(timers.live().filter((t) => isRetry(t.ms))).toHaveLength(0);
  });

  it('stops: closes the tunnel, forgets it, and ignores a late drop from the old one', async () => {
    const { manager, opened, timers, settings } = setup();
    await manager.set({ mode: 'ngrok' });
    const { status } = await manager.set({ mode: 'off' });
    expect(status).toEqual({ mode: 'off', state: 'off', url: null, reachable: null, checked_at: null, error: null });
    expect(opened[0]!.closed).toBe(true);
    expect(settings.load()).toEqual({ mode: 'off' });
    expect(timers.live()).toHaveLength(0);
    opened[0]!.options.onDrop('late');
    await manager.check();
    expect(manager.status().state).toBe('off');
    expect(timers.live()).toHaveLength(0);
  });

  it('comes back after a restart from the remembered setting, without blocking the start', async () => {
    const settings = memoryTunnelSettings();
    const first = setup({ settings });
    await first.manager.set({ mode: 'ngrok', domain: 'kept.example' });
    await first.manager.close();
    expect(first.opened[0]!.closed).toBe(true);

    const second = setup({ settings });
    second.manager.start();
    expect(second.manager.status()).toMatchObject({ mode: 'ngrok', state: 'starting', url: null });
    const online = await until(second.manager, (s) => s.state === 'online' && s.reachable === true);
    expect(online.url).toBe('https://kept.example');
    expect(second.opened[0]!.options.domain).toBe('kept.example');
  });

  it('fails fast with the reason when ngrok cannot start, and leaves the previous setting in place', async () => {
    const { manager, settings, opened } = setup({ token: null });
    await manager.set({ mode: 'url', url: 'https://mine.example/' });
    const before = manager.status();
    const err = await manager.set({ mode: 'ngrok' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelRequestError);
    expect((err as TunnelRequestError).status).toBe(400);
    expect((err as Error).message).toMatch(/no ngrok authtoken: set NGROK_AUTHTOKEN, or store one with `tidings tunnel token`/);
    expect(manager.status()).toEqual(before);
    expect(settings.load()).toEqual({ mode: 'url', url: 'https://mine.example' });
    expect(opened).toHaveLength(0);
  });

  it('a remembered tunnel that cannot start at boot shows the error, and the manager keeps working', async () => {
    const { manager, failWith } = setup({ settings: memoryTunnelSettings({ mode: 'ngrok', domain: null }) });
    failWith(new TunnelStartError('ngrok: the @ngrok/ngrok module could not be loaded (gone)', true));
    manager.start();
    const failed = await until(manager, (s) => s.state === 'error');
    expect(failed.error).toMatch(/could not be loaded/);
    const { status } = await manager.set({ mode: 'ngrok' });
    expect(status.state).toBe('online');
  });

  it('refuses a URL that does not reach this core, and changes nothing', async () => {
    const { manager, settings } = setup({ reach: (url) => (url.includes('other') ? { reachable: false, error: 'answered from another Tidings core' } : { reachable: true, error: null }) });
    await manager.set({ mode: 'url', url: 'https://mine.example' });
    const before = manager.status();
    const err = (await manager.set({ mode: 'url', url: 'https://other.example' }).catch((e: unknown) => e)) as TunnelRequestError;
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/another Tidings core/);
    expect(manager.status()).toEqual(before);
    expect(settings.load()).toEqual({ mode: 'url', url: 'https://mine.example' });
  });

  it('checks an online URL again on a timer, and says so when it stops reaching the core', async () => {
    let up = true;
    const { manager, timers } = setup({ reach: () => (up ? { reachable: true, error: null } : { reachable: false, error: 'no answer' }) });
    await manager.set({ mode: 'url', url: 'http://127.0.0.1:9/proxy' });
    expect(timers.live().map((t) => t.ms)).toEqual([CHECK_EVERY]);
    up = false;
    timers.run(isCheck);
    const down = await until(manager, (s) => s.reachable === false);
    expect(down).toMatchObject({ mode: 'url', state: 'error', url: 'http://127.0.0.1:9/proxy', error: 'no answer' });
    expect(timers.live().map((t) => t.ms)).toEqual([CHECK_EVERY]);
    up = true;
    expect(await manager.check()).toMatchObject({ state: 'online', reachable: true, error: null });
  });
});

describe('public URL input', () => {
  it.each([
    ['https://hooks.example.com/', 'https://hooks.example.com', 0],
    ['https://example.com/tidings/', 'https://example.com/tidings', 0],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080', 1],
  ])('keeps %s as %s (%i warning)', (raw, url, warnings) => {
    const r = normalizePublicUrl(raw);
    expect(r.url).toBe(url);
    expect(r.warnings).toHaveLength(warnings);
    if (warnings) expect(r.warnings[0]).toMatch(/not HTTPS/);
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://example.com', /must start with https:\/\//],
    ['https://u:p@example.com', /user name or password/],
    ['https://example.com/?a=1', /query string/],
    ['https://example.com/webhooks/github', /without \/webhooks\/<source>/],
  ])('refuses %s', (raw, message) => {
    expect(() => normalizePublicUrl(raw)).toThrow(message);
  });

  it('reconnect delays double, are capped, and are jittered down by at most half', () => {
    const b = { baseMs: 1_000, maxMs: 60_000 };
    expect([1, 2, 3, 7, 8, 30].map((n) => reconnectDelay(n, b, () => 1))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000, 60_000]);
    expect(reconnectDelay(3, b, () => 0)).toBe(2_000);
  });
});
