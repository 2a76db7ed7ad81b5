// The thin Electron glue, against a mocked 'electron' module (the binary cannot run here):
// the tray renders its view-model and routes clicks, notifications collapse bursts and open
// the event they are about, and the window's session and webContents refuse what the pure
// decisions refuse.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  const state = {
    trays: [] as Array<{ image: string; menus: unknown[]; titles: string[]; tooltips: string[]; listeners: Record<string, () => void> }>,
    notifications: [] as Array<{ title: string; body: string; shown: boolean; emit: (e: string) => void }>,
    opened: [] as string[],
  };
  class FakeImage {
    template = false;
    constructor(readonly path: string) {}
    setTemplateImage(t: boolean) {
      this.template = t;
    }
  }
  class Tray {
    record = { image: '', menus: [] as unknown[], titles: [] as string[], tooltips: [] as string[], listeners: {} as Record<string, () => void> };
    constructor(image: FakeImage) {
      this.record.image = image.path;
      state.trays.push(this.record);
    }
    on(event: string, fn: () => void) {
      this.record.listeners[event] = fn;
    }
    setImage(image: FakeImage) {
      this.record.image = image.path;
    }
    setTitle(t: string) {
      this.record.titles.push(t);
    }
    setToolTip(t: string) {
      this.record.tooltips.push(t);
    }
    setContextMenu(menu: unknown) {
      this.record.menus.push(menu);
    }
    isDestroyed() {
      return false;
    }
    destroy() {}
  }
  class Notification {
    static isSupported() {
      return true;
    }
    private listeners: Record<string, Array<() => void>> = {};
    record: { title: string; body: string; shown: boolean; emit: (e: string) => void };
    constructor(o: { title: string; body: string }) {
      this.record = { ...o, shown: false, emit: (e) => this.listeners[e]?.forEach((f) => f()) };
      state.notifications.push(this.record);
    }
    on(e: string, f: () => void) {
      (this.listeners[e] ??= []).push(f);
    }
    show() {
      this.record.shown = true;
    }
    close() {}
  }
  return {
    state,
    module: {
      Tray,
      Notification,
      Menu: { buildFromTemplate: (t: unknown) => ({ template: t }) },
      nativeImage: { createFromPath: (p: string) => new FakeImage(p) },
      shell: { openExternal: async (url: string) => void state.opened.push(url) },
      app: { focus: () => undefined },
      BrowserWindow: class {},
    },
  };
});
vi.mock('electron', () => fake.module);

import { setupTray } from '../../../src/main/shell/tray';
import type { TrayAction, TrayState } from '../../../src/main/shell/tray-view-model';
import { setupNotifications } from '../../../src/main/shell/notifications';
import { guardWebContents, setupSessionSecurity } from '../../../src/main/shell/window';
import { WINDOW_CSP } from '../../../src/main/shell/window-options';
import { createLogger } from '../../../src/main/core/logger';
import { DEFAULT_NOTIFICATION_PREFS } from '../../../src/shared/ipc';
import type { EventRecord } from '../../../src/shared/events';

const logger = createLogger({ stderr: false });

beforeEach(() => {
  fake.state.trays.length = 0;
  fake.state.notifications.length = 0;
  fake.state.opened.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the tray', () => {
  const initial: TrayState = {
    platform: 'darwin',
    core: { status: 'ok', detail: null, attached: false, ingestUrl: 'http://127.0.0.1:8787' },
    unseen: 0,
    recent: [],
    sources: [{ source: 'github', url: 'http://x/webhooks/github' }],
    publicUrl: null,
    links: [],
    claude: 'not-connected',
    loginItem: { supported: true, enabled: false },
    notifications: DEFAULT_NOTIFICATION_PREFS,
  };

  it('renders the view-model, re-renders a burst of changes once, and routes menu clicks', async () => {
    vi.useFakeTimers();
    const actions: TrayAction[] = [];
    const tray = setupTray({ initial, iconDir: '/icons', onAction: (a) => actions.push(a) });
    const rec = fake.state.trays[0]!;
    expect(rec.image).toBe('/icons/trayTemplate.png');
    expect(rec.menus).toHaveLength(1);
    for (let i = 1; i <= 50; i++) tray.update({ unseen: i });
    await vi.advanceTimersByTimeAsync(300);
    expect(rec.menus).toHaveLength(2);
    expect(rec.image).toBe('/icons/trayUnseenTemplate.png');
    expect(rec.titles.at(-1)).toBe('50');
    const template = (rec.menus.at(-1) as { template: Array<{ label?: string; click?: () => void; submenu?: Array<{ label?: string; click?: () => void }> }> }).template;
    template.find((i) => i.label === 'Open Tidings')!.click!();
    template.find((i) => i.label === 'Copy webhook URL')!.submenu![0]!.click!();
    template.find((i) => i.label === 'Quit Tidings')!.click!();
    expect(actions).toEqual([{ type: 'open' }, { type: 'copy', text: 'http://x/webhooks/github' }, { type: 'quit' }]);
    // The status line has no action, so it has no click handler.
    expect(template.find((i) => i.label?.startsWith('Listening'))!.click).toBeUndefined();
    tray.destroy();
  });

  it('opens the window on a left click outside macOS', () => {
    const actions: TrayAction[] = [];
    setupTray({ initial: { ...initial, platform: 'linux' }, iconDir: '/icons', onAction: (a) => actions.push(a) });
    const rec = fake.state.trays[0]!;
    expect(rec.image).toBe('/icons/tray.png');
    rec.listeners.click!();
    expect(actions).toEqual([{ type: 'open' }]);
  });
});

describe('notifications', () => {
  let n = 0;
  const failed = (): EventRecord => ({
    id: ++n,
    source: 'stripe',
    type: 'invoice.payment_failed',
    received_at: '',
    occurred_at: null,
    subject: null,
    summary: `payment ${n} failed`,
    verified: true,
    delivery_id: String(n),
    fields: {},
  });

  it('shows one per event in a small batch, and clicking opens that event', async () => {
    vi.useFakeTimers();
    const opened: Array<number | null> = [];
    const notes = setupNotifications({ prefs: () => DEFAULT_NOTIFICATION_PREFS, open: (id) => opened.push(id), logger, now: () => Date.now() });
    const a = failed();
    notes.onEvent(a);
    expect(fake.state.notifications).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.state.notifications.map((x) => [x.title, x.body, x.shown])).toEqual([['Stripe: payment failed', `payment ${a.id} failed`, true]]);
    fake.state.notifications[0]!.emit('click');
    expect(opened).toEqual([a.id]);
    notes.close();
  });

  it('collapses a burst into one notice that opens the list', async () => {
    vi.useFakeTimers();
    const opened: Array<number | null> = [];
    const notes = setupNotifications({ prefs: () => DEFAULT_NOTIFICATION_PREFS, open: (id) => opened.push(id), logger, now: () => Date.now() });
    for (let i = 0; i < 10; i++) notes.onEvent(failed());
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.state.notifications.map((x) => x.body)).toEqual(['10 new events: 10 stripe']);
    fake.state.notifications[0]!.emit('click');
    expect(opened).toEqual([null]);
    notes.close();
  });
});

describe('the window\'s session and webContents', () => {
  const ORIGIN = 'http://127.0.0.1:8788';

  it('denies permissions, blocks other origins and adds the CSP header', () => {
    const h: Record<string, (...a: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (f: never) => (h.request = f),
      setPermissionCheckHandler: (f: never) => (h.check = f),
      webRequest: { onBeforeRequest: (f: never) => (h.before = f), onHeadersReceived: (f: never) => (h.headers = f) },
      on: (_e: string, f: never) => (h.download = f),
    };
    setupSessionSecurity(session as never, () => ORIGIN);
    const answer = (fn: (...a: never[]) => unknown, ...args: unknown[]) => {
      let out: unknown;
      (fn as (...a: unknown[]) => unknown)(...args, (v: unknown) => (out = v));
      return out;
    };
    // Electron's order: (webContents, permission, callback, details).
    const permission = (name: string, requestingUrl: string) => {
      let granted: unknown;
      (h.request as (...a: unknown[]) => void)({}, name, (v: unknown) => (granted = v), { requestingUrl });
      return granted;
    };
    expect(permission('media', `${ORIGIN}/`)).toBe(false);
    expect(permission('clipboard-sanitized-write', `${ORIGIN}/`)).toBe(true);
    expect(permission('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect((h.check as (...a: unknown[]) => boolean)({}, 'geolocation', ORIGIN)).toBe(false);
    expect(answer(h.before!, { url: `${ORIGIN}/api/health` })).toEqual({ cancel: false });
    expect(answer(h.before!, { url: 'https://tracker.example/p.gif' })).toEqual({ cancel: true });
    expect(answer(h.headers!, { responseHeaders: { 'content-type': ['text/html'] } })).toEqual({
      responseHeaders: { 'content-type': ['text/html'], 'Content-Security-Policy': [WINDOW_CSP] },
    });
    let prevented = false;
    (h.download as (...a: unknown[]) => void)({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('keeps navigation on the core, sends http(s) links to the browser, refuses the rest', async () => {
    const contents = Object.assign(new EventEmitter(), { openHandler: null as null | ((d: { url: string }) => { action: string }) });
    (contents as unknown as { setWindowOpenHandler: (f: (d: { url: string }) => { action: string }) => void }).setWindowOpenHandler = (f) => (contents.openHandler = f);
    guardWebContents(contents as never, () => ORIGIN, logger);
    const navigate = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('will-navigate', `${ORIGIN}/#/events/1`)).toBe(false);
    expect(navigate('will-navigate', 'https://github.com/o/r/pull/1')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate('will-attach-webview', 'x')).toBe(true);
    expect(contents.openHandler!({ url: 'https://stripe.com/docs' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    await new Promise((r) => setImmediate(r));
    expect(fake.state.opened).toEqual(['https://github.com/o/r/pull/1', 'https://stripe.com/docs']);
  });
});
