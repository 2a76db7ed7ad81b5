// The security decisions for the Tidings window, as pure functions: its options, the CSP
// the shell adds to every answer from the core, where it may navigate, which links open
// in the browser, and which permissions a page may have. window.ts applies them.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of dist/preload/index.cjs. */
  preload: string;
  platform: NodeJS.Platform;
  packaged: boolean;
  /** The app icon for Linux and Windows title bars (macOS uses the bundle's). */
  icon?: string | undefined;
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Tidings',
    // Shown once the first paint is ready, so it never flashes white.
    show: false,
    autoHideMenuBar: true,
    ...(input.icon && input.platform !== 'darwin' ? { icon: input.icon } : {}),
    webPreferences: {
      preload: input.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // A packaged app has no use for DevTools; a development build does.
      devTools: !input.packaged,
    },
  };
}

/**
 * The CSP added as a response header to everything the core serves to the window, on top
 * of the meta tag in the built index.html: no script but the page's own, no connections
 * but to the core itself, no frames, no plugins, no forms posting elsewhere.
 */
export const WINDOW_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // React sets style attributes; the login and error pages have a <style> block.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "worker-src 'none'",
].join('; ');

/** The origin of the core's control listener, from its URL. */
export function controlOrigin(controlUrl: string): string {
  return new URL(controlUrl).origin;
}

/** Only the core's own pages may load in the window or be fetched by it (and DevTools in development). */
export function allowRequest(url: string, origin: string): boolean {
  if (url.startsWith('devtools://')) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * A link the page may hand to the person's browser: http(s) only, parsed (not pattern-
 * matched), with a host and no credentials. Returns the normalised URL, or null.
 */
export function externalUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (!u.hostname || u.username || u.password) return null;
  return u.href;
}

export type LinkDecision = { kind: 'allow' } | { kind: 'external'; url: string } | { kind: 'deny' };

/**
 * What to do when the page tries to go somewhere (`will-navigate`, `window.open`, a link
 * with target=_blank). The window stays on the core's origin; an http(s) link elsewhere
 * goes to the browser; everything else (file:, javascript:, custom schemes) is refused.
 */
export function linkDecision(raw: string, origin: string, kind: 'navigate' | 'new-window'): LinkDecision {
  let parsed: URL | null = null;
  try {
    parsed = new URL(raw);
  } catch {
    return { kind: 'deny' };
  }
  // In-app navigation stays within the core's pages; a new window never opens, not even
  // for the core's own pages (they would lack the hardening of this one).
  if (parsed.origin === origin) return kind === 'navigate' ? { kind: 'allow' } : { kind: 'deny' };
  const url = externalUrl(raw);
  return url ? { kind: 'external', url } : { kind: 'deny' };
}

/**
 * Permissions a page may have: the dashboard's Copy buttons need the sanitized clipboard
 * write, from the core's own origin. Everything else (camera, geolocation, notifications,
 * HID, ...) is denied.
 */
export function permissionAllowed(permission: string, requestingUrl: string, origin: string): boolean {
  if (permission !== 'clipboard-sanitized-write') return false;
  try {
    return new URL(requestingUrl).origin === origin;
  } catch {
    return false;
  }
}

/** The page that shows one event: the dashboard reads the hash (`#/events/<id>`). */
export function eventPath(eventId: number | null): string {
  return eventId === null ? '/#/events' : `/#/events/${eventId}`;
}
