// The tray's view-model, state by state: icon, macOS title, tooltip and menu.
import { describe, expect, it } from 'vitest';
import { iconFile, iconName, menuLabel, trayView } from '../../../src/main/shell/tray-view-model';
import type { MenuNode, TrayState } from '../../../src/main/shell/tray-view-model';
import { DEFAULT_NOTIFICATION_PREFS } from '../../../src/shared/ipc';

function state(patch: Partial<TrayState> = {}): TrayState {
  return {
    platform: 'linux',
    core: { status: 'ok', detail: null, attached: false, ingestUrl: 'http://127.0.0.1:8787' },
    unseen: 0,
    recent: [],
    sources: [
      { source: 'github', url: 'http://127.0.0.1:8787/webhooks/github' },
      { source: 'stripe', url: 'https://relay.example/webhooks/stripe' },
    ],
    publicUrl: { mode: 'off', state: 'off', url: null, reachable: null, checked_at: null, error: null },
    links: [],
    claude: 'not-connected',
    loginItem: { supported: true, enabled: false },
    notifications: DEFAULT_NOTIFICATION_PREFS,
    ...patch,
  };
}

const paused = { ...DEFAULT_NOTIFICATION_PREFS, paused: true };
const core = (status: TrayState['core']['status'], detail: string | null = null) => ({ status, detail, attached: false, ingestUrl: 'http://127.0.0.1:8787' });

function find(menu: MenuNode[], label: string | RegExp): MenuNode {
  const hit = menu.find((n) => n.kind !== 'separator' && (typeof label === 'string' ? n.label === label : label.test(n.label)));
  if (!hit) throw new Error(`no menu entry ${String(label)} in ${menu.map((n) => (n.kind === 'separator' ? '---' : n.label)).join(' | ')}`);
  return hit;
}

describe('tray icon', () => {
  it.each([
    ['listening when running with nothing new', state(), 'listening'],
    ['unseen when events arrived while away', state({ unseen: 3 }), 'unseen'],
    ['paused over unseen', state({ unseen: 3, notifications: paused }), 'paused'],
    ['error when the store is degraded', state({ core: core('degraded', 'disk full'), unseen: 2 }), 'error'],
    ['error when an attached core is unreachable', state({ core: core('unreachable') }), 'error'],
    ['error over paused when the core failed', state({ core: core('failed', 'port in use'), notifications: paused }), 'error'],
    ['listening while starting', state({ core: core('starting') }), 'listening'],
  ])('%s', (_name, s, expected) => {
    expect(iconName(s)).toBe(expected);
  });

  it.each([
    ['listening', 'darwin', 'trayTemplate.png', true],
    ['unseen', 'darwin', 'trayUnseenTemplate.png', true],
    ['paused', 'darwin', 'trayPausedTemplate.png', true],
    ['error', 'darwin', 'trayErrorTemplate.png', true],
    ['listening', 'win32', 'tray.png', false],
    ['unseen', 'linux', 'tray-unseen.png', false],
    ['paused', 'linux', 'tray-paused.png', false],
    ['error', 'win32', 'tray-error.png', false],
  ] as const)('%s on %s uses %s (template: %s)', (name, platform, file, template) => {
    expect(iconFile(name, platform)).toEqual({ file, template });
  });
});

describe('tray title and tooltip', () => {
  it.each([
    ['darwin', 0, ''],
    ['darwin', 7, '7'],
    ['darwin', 250, '99+'],
    ['linux', 7, ''],
    ['win32', 7, ''],
  ] as const)('on %s with %i unseen the title is %j', (platform, unseen, title) => {
    expect(trayView(state({ platform, unseen })).title).toBe(title);
  });

  it.each([
    ['running', state(), 'Tidings · Listening on 127.0.0.1:8787'],
    ['attached to a headless core', state({ core: { ...core('ok'), attached: true } }), 'Tidings · Listening on 127.0.0.1:8787 (headless core)'],
    ['paused with unseen events', state({ notifications: paused, unseen: 4 }), 'Tidings · Listening on 127.0.0.1:8787 · notifications paused · 4 unseen'],
    ['failed', state({ core: core('failed', 'the ingest port 8787 is in use') }), 'Tidings · Not running: the ingest port 8787 is in use'],
    ['degraded', state({ core: core('degraded', 'SQLITE_FULL') }), 'Tidings · Problem: SQLITE_FULL'],
    ['starting', state({ core: core('starting') }), 'Tidings · Starting…'],
  ])('%s', (_name, s, tooltip) => {
    expect(trayView(s).tooltip).toBe(tooltip);
  });

  it('keeps the tooltip within the 127 characters Windows shows', () => {
    const view = trayView(state({ platform: 'win32', core: core('failed', 'x'.repeat(300)) }));
    expect(view.tooltip.length).toBeLessThanOrEqual(127);
    expect(view.tooltip.endsWith('…')).toBe(true);
  });
});

describe('tray menu', () => {
  it('lists the entries in order', () => {
    const labels = trayView(state()).menu.map((n) => (n.kind === 'separator' ? '---' : n.label));
    expect(labels).toEqual([
      'Open Tidings',
      'Listening on 127.0.0.1:8787',
      '---',
      'Recent events',
      'Pause notifications',
      'Notify me about',
      '---',
      'Copy webhook URL',
      'Public URL: off (set it up in Sources…)',
      'Connect Claude Desktop…',
      'Start at login',
      'Open logs',
      '---',
      'Quit Tidings',
    ]);
  });

  it('shows the last five events, newest first, each opening its event; unsigned ones are marked', () => {
    const recent = Array.from({ length: 7 }, (_, i) => ({ id: 100 - i, source: 'stripe', type: 'invoice.paid', summary: `invoice ${100 - i}`, verified: i !== 1 }));
    const node = find(trayView(state({ recent, unseen: 2 })).menu, /^Recent events/);
    expect(node.kind === 'submenu' && node.label).toBe('Recent events (2 unseen)');
    if (node.kind !== 'submenu') throw new Error('not a submenu');
    expect(node.enabled).toBe(true);
    expect(node.items.map((i) => (i.kind === 'item' ? [i.label, i.action] : null))).toEqual([
      ['stripe: invoice 100', { type: 'open-event', id: 100 }],
      ['⚠ stripe: invoice 99', { type: 'open-event', id: 99 }],
      ['stripe: invoice 98', { type: 'open-event', id: 98 }],
      ['stripe: invoice 97', { type: 'open-event', id: 97 }],
      ['stripe: invoice 96', { type: 'open-event', id: 96 }],
    ]);
  });

  it('offers a copy of each source\'s webhook URL', () => {
    const node = find(trayView(state()).menu, 'Copy webhook URL');
    if (node.kind !== 'submenu') throw new Error('not a submenu');
    expect(node.items).toEqual([
      { kind: 'item', label: 'github', action: { type: 'copy', text: 'http://127.0.0.1:8787/webhooks/github' }, enabled: true },
      { kind: 'item', label: 'stripe', action: { type: 'copy', text: 'https://relay.example/webhooks/stripe' }, enabled: true },
    ]);
  });

  it.each([
    ['not-connected', 'Connect Claude Desktop…', 'item'],
    ['unknown', 'Connect Claude Desktop…', 'item'],
    ['connected', 'Claude Desktop connected', 'checkbox'],
    ['outdated', 'Reconnect Claude Desktop (entry out of date)', 'item'],
    ['problem', 'Connect Claude Desktop… (its config needs fixing)', 'item'],
  ] as const)('Claude Desktop %s: %s', (claude, label, kind) => {
    const node = find(trayView(state({ claude })).menu, /Claude Desktop/);
    expect(node.kind).toBe(kind);
    expect(node.kind !== 'separator' && node.label).toBe(label);
  });

  it.each([
    [{ supported: true, enabled: true }, 'Start at login', true, true],
    [{ supported: true, enabled: false }, 'Start at login', false, true],
    [{ supported: false, enabled: true }, 'Start at login (installed app only)', false, false],
  ])('login item %j', (loginItem, label, checked, enabled) => {
    const node = find(trayView(state({ loginItem })).menu, /^Start at login/);
    expect(node).toEqual({ kind: 'checkbox', label, checked, action: { type: 'toggle-login-item' }, enabled });
  });

  it('checks "Pause notifications" while paused and greys out the rules under it', () => {
    const view = trayView(state({ notifications: paused }));
    expect(find(view.menu, 'Pause notifications')).toMatchObject({ kind: 'checkbox', checked: true });
    const rules = find(view.menu, 'Notify me about');
    if (rules.kind !== 'submenu') throw new Error('not a submenu');
    expect(rules.items.filter((i) => i.kind === 'checkbox').every((i) => i.kind === 'checkbox' && !i.enabled)).toBe(true);
  });

  it('lists the built-in rules and one switch per source, a muted source unchecked', () => {
    const notifications = { ...DEFAULT_NOTIFICATION_PREFS, mutedSources: ['stripe'], defaults: { ...DEFAULT_NOTIFICATION_PREFS.defaults, pullRequestOpened: false } };
    const rules = find(trayView(state({ notifications })).menu, 'Notify me about');
    if (rules.kind !== 'submenu') throw new Error('not a submenu');
    expect(rules.items.map((i) => (i.kind === 'checkbox' ? [i.label, i.checked, i.action] : '---'))).toEqual([
      ['Stripe payment failed', true, { type: 'toggle-default', rule: 'stripePaymentFailed' }],
      ['Deployment failed', true, { type: 'toggle-default', rule: 'deploymentFailed' }],
      ['Pull request opened', false, { type: 'toggle-default', rule: 'pullRequestOpened' }],
      '---',
      ['From github', true, { type: 'toggle-source', source: 'github' }],
      ['From stripe', false, { type: 'toggle-source', source: 'stripe' }],
    ]);
  });

  it.each([
    ['starting', false],
    ['failed', false],
    ['unreachable', false],
    ['degraded', true],
    ['ok', true],
  ] as const)('while %s, "Open Tidings" enabled: %s; Quit and Open logs always', (status, enabled) => {
    const view = trayView(state({ core: core(status) }));
    expect(find(view.menu, 'Open Tidings')).toMatchObject({ enabled });
    expect(find(view.menu, 'Quit Tidings')).toMatchObject({ enabled: true, action: { type: 'quit' } });
    expect(find(view.menu, 'Open logs')).toMatchObject({ enabled: true, action: { type: 'open-logs' } });
  });
});

describe('menu labels from webhook text', () => {
  it.each([
    ['linux', 'Fix & ship', 'Fix && ship'],
    ['win32', 'A&B', 'A&&B'],
    ['darwin', 'A&B', 'A&B'],
    ['linux', 'two\nlines\r\tand\u2028more', 'two lines and more'],
    ['linux', 'x'.repeat(80), `${'x'.repeat(59)}…`],
  ] as const)('on %s %j becomes %j', (platform, input, output) => {
    expect(menuLabel(input, platform)).toBe(output);
  });
});

describe('tray: the public URL', () => {
  const pub = (patch: Partial<NonNullable<TrayState['publicUrl']>>): TrayState['publicUrl'] => ({
    mode: 'url',
    state: 'online',
    url: 'https://hooks.example.com',
    reachable: true,
    checked_at: '2026-01-01T00:00:00.000Z',
    error: null,
    ...patch,
  });

  it.each([
    ['off, opening the dashboard to set it up', pub({ mode: 'off', state: 'off', url: null, reachable: null }), 'Public URL: off (set it up in Sources…)', { type: 'open' }],
    ['on, copying the URL', pub({}), 'Public URL: on, hooks.example.com (copy)', { type: 'copy', text: 'https://hooks.example.com' }],
    ['on via ngrok, not yet checked', pub({ mode: 'ngrok', url: 'https://a.ngrok-free.app', reachable: null }), 'Public URL: on, a.ngrok-free.app (copy)', { type: 'copy', text: 'https://a.ngrok-free.app' }],
    ['starting, with the reconnect reason', pub({ mode: 'ngrok', state: 'starting', reachable: false, error: 'lost; reconnecting in 2 s (attempt 1)' }), 'Public URL: starting… (lost; reconnecting in 2 s (attempt 1))', null],
    ['not reachable, with the reason', pub({ state: 'error', reachable: false, error: 'no answer' }), '⚠ Public URL: not reachable: no answer', { type: 'open' }],
    ['unknown before the first health answer', null, 'Public URL: unknown', null],
  ] as const)('%s', (_name, publicUrl, label, action) => {
    const item = find(trayView(state({ publicUrl })).menu, /^(⚠ )?Public URL/);
    expect(item).toMatchObject({ kind: 'item', label: label.slice(0, 60).length < label.length ? expect.stringMatching(/…$/) : label, action });
  });

  it('copies each source\'s webhook URL as given, the public one when set', () => {
    const menu = trayView(state({ sources: [{ source: 'github', url: 'https://hooks.example.com/webhooks/github' }], publicUrl: pub({}) })).menu;
    const copy = find(menu, 'Copy webhook URL');
    expect(copy.kind === 'submenu' && copy.items[0]).toMatchObject({ label: 'github', action: { type: 'copy', text: 'https://hooks.example.com/webhooks/github' } });
  });
});

describe('provider links in the tray', () => {
  const gh = { provider: 'github' as const, target: 'octo/hello', state: 'active' as const, error: null };
  const st = { provider: 'stripe' as const, target: 'test', state: 'active' as const, error: null };
  const brokenGh = { ...gh, state: 'broken' as const, error: 'github: hook 4000 on the repository octo/hello is gone (deleted at GitHub?); link again' };

  it.each([
    ['no links: no entry', [], null, null],
    ['linked and working: a quiet list', [gh, st], 'Provider links', ['GitHub octo/hello: linked', 'Stripe (test mode): linked']],
    ['one broken: flagged, with the reason', [brokenGh, st], '⚠ Provider links (1 broken)', [`⚠ GitHub octo/hello: broken: ${brokenGh.error}`.slice(0, 89) + '…', 'Stripe (test mode): linked']],
  ] as const)('%s', (_name, links, label, items) => {
    const view = trayView(state({ links: [...links] }));
    const entry = view.menu.find((n) => n.kind === 'submenu' && /Provider links/.test(n.label));
    if (label === null) {
      expect(entry).toBeUndefined();
      return;
    }
    expect(entry).toMatchObject({ kind: 'submenu', label });
    const labels = (entry as Extract<MenuNode, { kind: 'submenu' }>).items.map((i) => (i.kind === 'separator' ? '---' : i.label));
    expect(labels).toEqual(items);
  });

  it('a broken link opens the dashboard, says so in the tooltip, and a working one is not clickable', () => {
    const view = trayView(state({ links: [brokenGh, gh] }));
    const entry = find(view.menu, /Provider links/) as Extract<MenuNode, { kind: 'submenu' }>;
    expect(entry.items[0]).toMatchObject({ kind: 'item', action: { type: 'open' }, enabled: true });
    expect(entry.items[1]).toMatchObject({ kind: 'item', action: null, enabled: false });
    expect(view.tooltip).toContain('1 provider link broken');
    expect(trayView(state({ links: [gh] })).tooltip).not.toContain('broken');
  });
});
