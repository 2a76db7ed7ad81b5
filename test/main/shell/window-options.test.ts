// The window's security decisions: its options, the CSP, where it may go, what opens in the
// browser, and which permissions a page gets.
import { describe, expect, it } from 'vitest';
import {
  allowRequest,
  eventPath,
  externalUrl,
  linkDecision,
  permissionAllowed,
  WINDOW_CSP,
  windowOptions,
} from '../../../src/main/shell/window-options';

const ORIGIN = 'http://127.0.0.1:8788';

describe('windowOptions', () => {
  it.each([
    ['darwin', true],
    ['win32', true],
    ['linux', false],
  ] as const)('on %s (packaged: %s) isolates and sandboxes the page', (platform, packaged) => {
    const o = windowOptions({ preload: '/app/dist/preload/index.cjs', platform, packaged, icon: '/app/icon.png' });
    expect(o.webPreferences).toEqual({
      preload: '/app/dist/preload/index.cjs',
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
      devTools: !packaged,
    });
    expect(o.show).toBe(false);
    expect(o.icon).toBe(platform === 'darwin' ? undefined : '/app/icon.png');
  });

  it('never sets an option that would weaken the page (no enableBlinkFeatures, no additional arguments)', () => {
    const prefs = windowOptions({ preload: '/p.cjs', platform: 'linux', packaged: true }).webPreferences ?? {};
    expect(Object.keys(prefs)).not.toContain('enableBlinkFeatures');
    expect(Object.keys(prefs)).not.toContain('additionalArguments');
    expect(Object.keys(prefs)).not.toContain('partition');
  });
});

describe('the CSP', () => {
  const directives = Object.fromEntries(WINDOW_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  it.each([
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['frame-ancestors', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
  ])('%s is %s', (name, value) => {
    expect(directives[name]).toBe(value);
  });

  it('allows no inline or evaluated script', () => {
    expect(directives['script-src']).not.toMatch(/unsafe|data:|\*/);
    expect(WINDOW_CSP).not.toMatch(/unsafe-eval/);
  });
});

describe('navigation and new windows', () => {
  it.each([
    ['http://127.0.0.1:8788/#/events/3', 'navigate', { kind: 'allow' }],
    ['http://127.0.0.1:8788/login?code=x', 'navigate', { kind: 'allow' }],
    ['http://127.0.0.1:8788/', 'new-window', { kind: 'deny' }],
    ['http://127.0.0.1:8787/health', 'navigate', { kind: 'external', url: 'http://127.0.0.1:8787/health' }],
    ['http://localhost:8788/', 'navigate', { kind: 'external', url: 'http://localhost:8788/' }],
    ['https://github.com/octo/repo/pull/1', 'new-window', { kind: 'external', url: 'https://github.com/octo/repo/pull/1' }],
    ['https://dashboard.stripe.com/invoices/in_1', 'navigate', { kind: 'external', url: 'https://dashboard.stripe.com/invoices/in_1' }],
    ['file:///etc/passwd', 'navigate', { kind: 'deny' }],
    ['javascript:alert(1)', 'new-window', { kind: 'deny' }],
    ['vscode://file/x', 'new-window', { kind: 'deny' }],
    ['smb://server/share', 'navigate', { kind: 'deny' }],
    ['https://user:pass@evil.example/', 'new-window', { kind: 'deny' }],
    ['not a url', 'navigate', { kind: 'deny' }],
    ['https://', 'new-window', { kind: 'deny' }],
  ] as const)('%s (%s)', (url, kind, decision) => {
    expect(linkDecision(url, ORIGIN, kind)).toEqual(decision);
  });

  it.each([
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['HTTPS://EXAMPLE.COM', 'https://example.com/'],
    ['http://[::1]:3000/x', 'http://[::1]:3000/x'],
    ['ftp://example.com', null],
    ['data:text/html,hi', null],
    ['https://a:b@example.com', null],
  ])('externalUrl(%j) is %j', (raw, url) => {
    expect(externalUrl(raw)).toBe(url);
  });
});

describe('requests and permissions', () => {
  it.each([
    ['http://127.0.0.1:8788/assets/index.js', true],
    ['http://127.0.0.1:8788/api/events/stream', true],
    ['devtools://devtools/bundled/inspector.html', true],
    ['http://127.0.0.1:8787/webhooks/github', false],
    ['https://fonts.googleapis.com/css', false],
    ['file:///etc/hosts', false],
    ['garbage', false],
  ])('a request to %s is allowed: %s', (url, allowed) => {
    expect(allowRequest(url, ORIGIN)).toBe(allowed);
  });

  it.each([
    ['clipboard-sanitized-write', 'http://127.0.0.1:8788/', true],
    ['clipboard-sanitized-write', 'https://evil.example/', false],
    ['clipboard-read', 'http://127.0.0.1:8788/', false],
    ['notifications', 'http://127.0.0.1:8788/', false],
    ['media', 'http://127.0.0.1:8788/', false],
    ['geolocation', 'http://127.0.0.1:8788/', false],
    ['openExternal', 'http://127.0.0.1:8788/', false],
    ['hid', 'http://127.0.0.1:8788/', false],
    ['clipboard-sanitized-write', '', false],
  ])('%s from %j: %s', (permission, url, allowed) => {
    expect(permissionAllowed(permission, url, ORIGIN)).toBe(allowed);
  });
});

describe('event links', () => {
  it.each([
    [42, '/#/events/42'],
    [null, '/#/events'],
  ])('%j → %s', (id, path) => {
    expect(eventPath(id)).toBe(path);
  });
});
