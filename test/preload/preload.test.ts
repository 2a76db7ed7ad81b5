// The preload, bundled as the build bundles it and evaluated the way a sandboxed renderer
// runs it (a `require` that knows only 'electron'), with a mocked contextBridge and
// ipcRenderer: it exposes exactly the contract's methods under `window.tidings`, and nothing
// that reaches Node or raw IPC.
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_PREFS, IPC, IPC_METHODS, SHELL_API_KEY } from '../../src/shared/ipc';

const root = path.resolve(__dirname, '../..');

interface Loaded {
  exposed: Map<string, Record<string, unknown>>;
  invocations: Array<{ channel: string; args: unknown[] }>;
  required: string[];
}

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(root, 'src/preload/index.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function load(code: string, answer: (channel: string, args: unknown[]) => unknown): Loaded {
  const loaded: Loaded = { exposed: new Map(), invocations: [], required: [] };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: Record<string, unknown>) => loaded.exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        loaded.invocations.push({ channel, args });
        return answer(channel, args);
      },
      // Present so that a preload leaking them would be caught below.
      send: () => undefined,
      on: () => undefined,
    },
  };
  const sandboxRequire = (id: string) => {
    loaded.required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  const module = { exports: {} };
  // No eval, as under the page's CSP: the preload must not need it.
  const context = vm.createContext({ require: sandboxRequire, module, exports: module.exports, console }, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(code, context);
  return loaded;
}

const shellInfo = { version: '0.1.0', platform: 'linux', packaged: false, coreMode: 'owned', secretStorage: { label: 'x', encrypted: true, warning: null }, logsDir: '/l' };
const answers: Record<string, unknown> = {
  'tidings:get-shell-info': shellInfo,
  'tidings:get-notification-prefs': DEFAULT_NOTIFICATION_PREFS,
  'tidings:set-notification-prefs': DEFAULT_NOTIFICATION_PREFS,
  'tidings:open-logs': null,
};

describe('the preload', () => {
  let code = '';
  beforeAll(async () => {
    code = await bundle();
  });

  it('requires nothing but electron', () => {
    const { required } = load(code, () => null);
    expect([...new Set(required)]).toEqual(['electron']);
  });

  it('exposes exactly the contract\'s methods, as functions, under one key', () => {
    const { exposed } = load(code, () => null);
    expect([...exposed.keys()]).toEqual([SHELL_API_KEY]);
    const api = exposed.get(SHELL_API_KEY)!;
    expect(Object.keys(api).sort()).toEqual([...IPC_METHODS].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards each method to its channel, and nothing else reaches IPC', async () => {
    const loaded = load(code, (channel) => answers[channel]);
    const api = loaded.exposed.get(SHELL_API_KEY) as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await expect(api.getShellInfo!()).resolves.toEqual(shellInfo);
    await expect(api.setNotificationPrefs!({ ...DEFAULT_NOTIFICATION_PREFS, paused: true })).resolves.toEqual(DEFAULT_NOTIFICATION_PREFS);
    await expect(api.openLogs!()).resolves.toBeNull();
    expect(loaded.invocations).toEqual([
      { channel: IPC.getShellInfo.channel, args: [] },
      { channel: IPC.setNotificationPrefs.channel, args: [{ ...DEFAULT_NOTIFICATION_PREFS, paused: true }] },
      { channel: IPC.openLogs.channel, args: [] },
    ]);
  });

  it('refuses bad arguments before they leave the page, and bad answers before the page sees them', async () => {
    const loaded = load(code, () => ({ unexpected: true }));
    const api = loaded.exposed.get(SHELL_API_KEY) as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await expect(api.setNotificationPrefs!({ paused: 'yes' })).rejects.toThrow(/tidings.setNotificationPrefs/);
    await expect(api.openLogs!('extra')).rejects.toThrow();
    expect(loaded.invocations).toEqual([]);
    await expect(api.getNotificationPrefs!()).rejects.toThrow();
  });
});
