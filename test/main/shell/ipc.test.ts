// IPC from the window: only our window's main frame, showing the core's dashboard, may call
// the contract's channels, with arguments that parse; anything else is refused.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const handlers = vi.hoisted(() => new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>());
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

import { setupIpc, validateIpc } from '../../../src/main/shell/ipc';
import type { IpcHandlers } from '../../../src/main/shell/ipc';
import { DEFAULT_NOTIFICATION_PREFS, IPC, IPC_METHODS } from '../../../src/shared/ipc';
import { createLogger } from '../../../src/main/core/logger';

const ORIGIN = 'http://127.0.0.1:8788';
const expected = { webContentsId: 7, origin: ORIGIN };
const ours = { webContentsId: 7, frameUrl: `${ORIGIN}/#/events`, isMainFrame: true };
const prefs = DEFAULT_NOTIFICATION_PREFS;

describe('validateIpc', () => {
  it.each<[string, Parameters<typeof validateIpc>[0], Parameters<typeof validateIpc>[1], string, unknown[], string | null]>([
    ['our window, a known channel, no arguments', ours, expected, 'tidings:get-shell-info', [], null],
    ['our window, valid prefs', ours, expected, 'tidings:set-notification-prefs', [prefs], null],
    ['an unknown channel', ours, expected, 'tidings:run-shell', [], 'unknown channel "tidings:run-shell"'],
    ['another webContents', { ...ours, webContentsId: 8 }, expected, 'tidings:open-logs', [], 'sent by webContents 8, which is not the Tidings window'],
    ['no window yet', ours, { ...expected, webContentsId: null }, 'tidings:open-logs', [], 'which is not the Tidings window'],
    ['a subframe', { ...ours, isMainFrame: false }, expected, 'tidings:open-logs', [], 'sent by a subframe'],
    ['a page from elsewhere', { ...ours, frameUrl: 'https://evil.example/' }, expected, 'tidings:open-logs', [], 'sent from "https://evil.example", not http://127.0.0.1:8788'],
    ['a file: page', { ...ours, frameUrl: 'file:///tmp/x.html' }, expected, 'tidings:open-logs', [], 'sent from "file:///tmp/x.html"'],
    ['a destroyed frame', { ...ours, frameUrl: '' }, expected, 'tidings:open-logs', [], 'sent from ""'],
    ['extra arguments', ours, expected, 'tidings:open-logs', ['x'], 'invalid arguments'],
    ['missing arguments', ours, expected, 'tidings:set-notification-prefs', [], 'invalid arguments'],
    ['prefs with an unknown key', ours, expected, 'tidings:set-notification-prefs', [{ ...prefs, extra: 1 }], 'invalid arguments'],
    ['prefs with a bad source name', ours, expected, 'tidings:set-notification-prefs', [{ ...prefs, mutedSources: ['../etc'] }], 'invalid arguments'],
    ['prefs with a burst out of range', ours, expected, 'tidings:set-notification-prefs', [{ ...prefs, burst: { max: 0, windowMs: 10 } }], 'invalid arguments'],
    ['a rule that is not an object', ours, expected, 'tidings:set-notification-prefs', [{ ...prefs, rules: ['*'] }], 'invalid arguments'],
  ])('%s', (_name, sender, exp, channel, args, refusal) => {
    const v = validateIpc(sender, exp, channel, args);
    if (refusal === null) expect(v).toMatchObject({ ok: true });
    else {
      expect(v.ok).toBe(false);
      expect(!v.ok && v.reason).toContain(refusal);
    }
  });

  it('knows every channel of the contract', () => {
    for (const method of IPC_METHODS) {
      const args = method === 'setNotificationPrefs' ? [prefs] : [];
      expect(validateIpc(ours, expected, IPC[method].channel, args)).toEqual({ ok: true, method, args });
    }
  });
});

describe('setupIpc', () => {
  const logger = createLogger({ stderr: false });
  const calls: string[] = [];
  const impl: IpcHandlers = {
    getShellInfo: () => {
      calls.push('getShellInfo');
      return { version: '0.1.0', platform: 'linux', packaged: false, coreMode: 'owned', secretStorage: { label: 'x', encrypted: true, warning: null }, logsDir: '/logs' };
    },
    getNotificationPrefs: () => prefs,
    setNotificationPrefs: (next) => {
      calls.push(`set paused=${next.paused}`);
      return next;
    },
    openLogs: () => {
      calls.push('openLogs');
      return null;
    },
  };
  const event = (id: number, url: string, main = true) => {
    const mainFrame = { url };
    return { sender: { id, mainFrame }, senderFrame: main ? mainFrame : { url } };
  };

  beforeEach(() => {
    handlers.clear();
    calls.length = 0;
  });

  it('registers one handler per channel and removes them again', () => {
    const remove = setupIpc({ expected: () => expected, handlers: impl, logger });
    expect([...handlers.keys()].sort()).toEqual(IPC_METHODS.map((m) => IPC[m].channel).sort());
    remove();
    expect(handlers.size).toBe(0);
  });

  it('answers our window and refuses others before the handler runs', async () => {
    setupIpc({ expected: () => expected, handlers: impl, logger });
    const call = (e: unknown, channel: string, ...args: unknown[]) => handlers.get(channel)!(e, ...args);
    await expect(call(event(7, `${ORIGIN}/`), 'tidings:open-logs')).resolves.toBeNull();
    await expect(call(event(7, `${ORIGIN}/`), 'tidings:set-notification-prefs', { ...prefs, paused: true })).resolves.toMatchObject({ paused: true });
    await expect(call(event(9, `${ORIGIN}/`), 'tidings:open-logs')).rejects.toThrow(/refused/);
    await expect(call(event(7, `${ORIGIN}/`, false), 'tidings:open-logs')).rejects.toThrow(/subframe/);
    await expect(call(event(7, 'https://evil.example/'), 'tidings:open-logs')).rejects.toThrow(/evil/);
    await expect(call(event(7, `${ORIGIN}/`), 'tidings:set-notification-prefs', { paused: 'yes' })).rejects.toThrow(/invalid arguments/);
    expect(calls).toEqual(['openLogs', 'set paused=true']);
  });

  it('checks its own answers against the contract too', async () => {
    setupIpc({ expected: () => expected, handlers: { ...impl, getNotificationPrefs: () => ({ paused: 'no' }) as never }, logger });
    await expect(handlers.get('tidings:get-notification-prefs')!(event(7, `${ORIGIN}/`))).rejects.toThrow();
  });
});
