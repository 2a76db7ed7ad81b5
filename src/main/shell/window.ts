// The Tidings window: the core's dashboard, loaded from its control listener through a
// one-time sign-in link (the same cookie auth as in a browser), in a sandboxed,
// context-isolated window whose session only ever talks to the core. The decisions are
// in window-options.ts; this file applies them.
import { app, BrowserWindow, shell } from 'electron';
import type { Session, WebContents } from 'electron';
import type { Logger } from '../core/logger';
import { allowRequest, eventPath, linkDecision, permissionAllowed, WINDOW_CSP, windowOptions } from './window-options';
import type { WindowOptionsInput } from './window-options';

/** Locks down a session: permissions, requests to other origins, the CSP header, downloads. */
export function setupSessionSecurity(ses: Session, origin: () => string | null): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const o = origin();
    callback(o !== null && permissionAllowed(permission, details.requestingUrl, o));
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => {
    const o = origin();
    return o !== null && permissionAllowed(permission, requestingOrigin, o);
  });
  ses.webRequest.onBeforeRequest((details, callback) => {
    const o = origin();
    callback({ cancel: o === null || !allowRequest(details.url, o) });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [WINDOW_CSP] } });
  });
  ses.on('will-download', (event) => event.preventDefault());
}

/** Navigation and new windows for any webContents the app ever creates. */
export function guardWebContents(contents: WebContents, origin: () => string | null, logger: Logger): void {
  const decide = (url: string, kind: 'navigate' | 'new-window') => {
    const o = origin();
    return o === null ? ({ kind: 'deny' } as const) : linkDecision(url, o, kind);
  };
  const openOutside = (url: string) => {
    void shell.openExternal(url).catch((err: unknown) => logger.warn('could not open a link in the browser', { error: String(err) }));
  };
  contents.on('will-navigate', (event, url) => {
    const d = decide(url, 'navigate');
    if (d.kind === 'allow') return;
    event.preventDefault();
    if (d.kind === 'external') openOutside(d.url);
    else logger.warn('window: navigation refused', { url: url.slice(0, 200) });
  });
  contents.on('will-redirect', (event, url) => {
    if (decide(url, 'navigate').kind !== 'allow') event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const d = decide(url, 'new-window');
    if (d.kind === 'external') openOutside(d.url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface WindowControllerDeps extends Omit<WindowOptionsInput, 'packaged'> {
  packaged: boolean;
  /** The core's control origin, once known. */
  origin: () => string | null;
  /** A fresh one-time sign-in URL for the dashboard. */
  signInUrl: () => Promise<string>;
  /** Called when the person looks at the window, so the tray can clear its unseen count. */
  onSeen: () => void;
  logger: Logger;
}

export interface WindowController {
  /** Show the window, on one event when given an id. */
  show(eventId?: number | null): Promise<void>;
  webContentsId(): number | null;
  isFocused(): boolean;
  /** Before the core stops: the page's live stream would otherwise hold the core's listener open. */
  destroy(): void;
}

export function createWindowController(deps: WindowControllerDeps): WindowController {
  let win: BrowserWindow | null = null;

  const reveal = (w: BrowserWindow) => {
    if (w.isMinimized()) w.restore();
    w.show();
    // Without a Dock icon (LSUIElement) macOS does not bring the app forward by itself.
    if (deps.platform === 'darwin') app.focus({ steal: true });
    w.focus();
  };

  async function create(eventId: number | null): Promise<BrowserWindow> {
    const w = new BrowserWindow(windowOptions(deps));
    win = w;
    // Closing destroys it: a tray app should not keep a renderer alive in the background.
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.on('focus', deps.onSeen);
    w.once('ready-to-show', () => reveal(w));
    try {
      const link = await deps.signInUrl();
      // The sign-in redirect keeps the fragment, so the dashboard opens on the event.
      const hash = eventId === null ? '' : eventPath(eventId).slice(1);
      await w.loadURL(`${link}${hash}`);
    } catch (err) {
      // Show what there is (Chromium's error page) rather than a window that never appears.
      deps.logger.error('window: the dashboard did not load', { error: String(err) });
      if (!w.isDestroyed()) reveal(w);
    }
    return w;
  }

  return {
    async show(eventId = null) {
      if (!win) {
        await create(eventId);
        return;
      }
      const o = deps.origin();
      // Signed out (the dashboard's button) or a dead link: the tray signs the window in afresh.
      if (/^\/login\b/.test(new URL(win.webContents.getURL() || 'about:blank').pathname)) {
        const link = await deps.signInUrl().catch(() => null);
        if (link) await win.loadURL(`${link}${eventId === null ? '' : eventPath(eventId).slice(1)}`).catch(() => undefined);
        reveal(win);
        return;
      }
      // Only the fragment changes, so this is a same-document navigation: no reload.
      if (eventId !== null && o) await win.loadURL(`${o}${eventPath(eventId)}`).catch(() => undefined);
      reveal(win);
    },
    webContentsId: () => win?.webContents.id ?? null,
    isFocused: () => win?.isFocused() === true && win.isVisible(),
    destroy: () => {
      win?.destroy();
      win = null;
    },
  };
}
