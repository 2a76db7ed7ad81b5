// The tray's state worked out as data (stretchly's appIcon.js, grown up): which icon, what
// the tooltip and macOS title say, and every menu entry with the action it triggers. Pure,
// so that table tests cover every state; tray.ts turns the result into an Electron Tray.
import type { NotificationPrefs } from '../../shared/ipc';
import type { PublicUrlStatus } from '../../shared/public-url';

export type CoreStatus = 'starting' | 'ok' | 'degraded' | 'unreachable' | 'failed';
export type ClaudeState = 'connected' | 'outdated' | 'not-connected' | 'problem' | 'unknown';
export type DefaultRule = keyof NotificationPrefs['defaults'];

export interface TrayEvent {
  id: number;
  source: string;
  type: string;
  summary: string;
  verified: boolean;
}

/** A provider link as the tray shows it: broken ones say why. */
export interface TrayLink {
  provider: 'github' | 'stripe';
  target: string;
  state: 'active' | 'broken';
  error: string | null;
}

export interface TrayState {
  platform: NodeJS.Platform;
  core: { status: CoreStatus; detail: string | null; attached: boolean; ingestUrl: string | null };
  unseen: number;
  /** Newest first. */
  recent: readonly TrayEvent[];
  /** Each source's webhook URL: the public one when there is one. */
  sources: ReadonlyArray<{ source: string; url: string }>;
  /** The public URL, as the core last reported it; null until known. */
  publicUrl: PublicUrlStatus | null;
  links: readonly TrayLink[];
  claude: ClaudeState;
  loginItem: { supported: boolean; enabled: boolean };
  notifications: Pick<NotificationPrefs, 'paused' | 'mutedSources' | 'defaults'>;
}

export type TrayAction =
  | { type: 'open' }
  | { type: 'open-event'; id: number }
  | { type: 'toggle-pause' }
  | { type: 'toggle-source'; source: string }
  | { type: 'toggle-default'; rule: DefaultRule }
  | { type: 'copy'; text: string }
  | { type: 'connect-claude' }
  | { type: 'toggle-login-item' }
  | { type: 'open-logs' }
  | { type: 'quit' };

export type MenuNode =
  | { kind: 'item'; label: string; action: TrayAction | null; enabled: boolean }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction; enabled: boolean }
  | { kind: 'submenu'; label: string; items: MenuNode[]; enabled: boolean }
  | { kind: 'separator' };

export type IconName = 'listening' | 'unseen' | 'paused' | 'error';

export interface TrayView {
  icon: { name: IconName; file: string; template: boolean };
  /** Text beside the icon; macOS only (other trays have no room for it). */
  title: string;
  tooltip: string;
  menu: MenuNode[];
}

export const RECENT_IN_MENU = 5;
const LABEL_MAX = 60;
/** Windows truncates tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

const DEFAULT_RULE_LABELS: Record<DefaultRule, string> = {
  stripePaymentFailed: 'Stripe payment failed',
  deploymentFailed: 'Deployment failed',
  pullRequestOpened: 'Pull request opened',
};

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Menu labels carry webhook text from outside: make it one line, and double `&`, which
 * Windows and Linux menus would otherwise take as a mnemonic marker and swallow.
 */
export function menuLabel(text: string, platform: NodeJS.Platform, max = LABEL_MAX): string {
  const line = clip(text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim(), max);
  return platform === 'darwin' ? line : line.replace(/&/g, '&&');
}

export function iconName(state: Pick<TrayState, 'core' | 'unseen' | 'notifications'>): IconName {
  if (state.core.status === 'failed' || state.core.status === 'unreachable' || state.core.status === 'degraded') return 'error';
  if (state.notifications.paused) return 'paused';
  return state.unseen > 0 ? 'unseen' : 'listening';
}

/** macOS wants monochrome template images (they follow the menu bar's colour); others get colour. */
export function iconFile(name: IconName, platform: NodeJS.Platform): { file: string; template: boolean } {
  if (platform === 'darwin') {
    const variant = { listening: '', unseen: 'Unseen', paused: 'Paused', error: 'Error' }[name];
    return { file: `tray${variant}Template.png`, template: true };
  }
  return { file: name === 'listening' ? 'tray.png' : `tray-${name}.png`, template: false };
}

function countLabel(n: number): string {
  return n > 99 ? '99+' : String(n);
}

function statusLine(state: TrayState): string {
  const { core } = state;
  switch (core.status) {
    case 'starting':
      return 'Starting…';
    case 'failed':
      return `Not running: ${core.detail ?? 'the core did not start'}`;
    case 'unreachable':
      return `Core not reachable${core.detail ? `: ${core.detail}` : ''}`;
    case 'degraded':
      return `Problem: ${core.detail ?? 'the store reports a problem'}`;
    case 'ok':
      return `Listening${core.ingestUrl ? ` on ${core.ingestUrl.replace(/^https?:\/\//, '')}` : ''}${core.attached ? ' (headless core)' : ''}`;
  }
}

function tooltip(state: TrayState): string {
  const parts = ['Tidings', statusLine(state)];
  if (state.notifications.paused) parts.push('notifications paused');
  if (state.unseen > 0) parts.push(`${countLabel(state.unseen)} unseen`);
  const broken = brokenLinks(state).length;
  if (broken > 0) parts.push(`${broken} provider link${broken === 1 ? '' : 's'} broken`);
  return clip(parts.join(' · '), TOOLTIP_MAX);
}

/** "Public URL: on/off": copies it when it works, opens the dashboard when it needs attention. */
export function publicUrlItem(p: PublicUrlStatus | null, running: boolean, platform: NodeJS.Platform): MenuNode {
  if (!p || !running) return { kind: 'item', label: 'Public URL: unknown', action: null, enabled: false };
  if (p.mode === 'off') return { kind: 'item', label: 'Public URL: off (set it up in Sources…)', action: { type: 'open' }, enabled: true };
  if (p.state === 'starting') return { kind: 'item', label: menuLabel(`Public URL: starting…${p.error ? ` (${p.error})` : ''}`, platform), action: null, enabled: false };
  if (p.state === 'error' || p.reachable === false || !p.url) {
    return { kind: 'item', label: menuLabel(`⚠ Public URL: not reachable${p.error ? `: ${p.error}` : ''}`, platform), action: { type: 'open' }, enabled: true };
  }
  return { kind: 'item', label: menuLabel(`Public URL: on, ${p.url.replace(/^https?:\/\//, '')} (copy)`, platform), action: { type: 'copy', text: p.url }, enabled: true };
}

const brokenLinks = (state: Pick<TrayState, 'links'>) => state.links.filter((l) => l.state === 'broken');
const PROVIDER_NAMES: Record<TrayLink['provider'], string> = { github: 'GitHub', stripe: 'Stripe' };

/** Links to GitHub and Stripe; a broken one (its URL could not be updated) says why, and opens the dashboard. */
function linksMenu(state: TrayState): MenuNode | null {
  if (state.links.length === 0) return null;
  const broken = brokenLinks(state).length;
  return {
    kind: 'submenu',
    label: broken > 0 ? `⚠ Provider links (${broken} broken)` : 'Provider links',
    enabled: true,
    items: state.links.map((l): MenuNode => {
      const name = `${PROVIDER_NAMES[l.provider]} ${l.provider === 'stripe' ? `(${l.target} mode)` : l.target}`;
      return l.state === 'broken'
        ? { kind: 'item', label: menuLabel(`⚠ ${name}: broken: ${l.error ?? 'could not be updated'}`, state.platform, 90), action: { type: 'open' }, enabled: true }
        : { kind: 'item', label: menuLabel(`${name}: linked`, state.platform), action: null, enabled: false };
    }),
  };
}

function claudeItem(claude: ClaudeState): MenuNode {
  switch (claude) {
    case 'connected':
      return { kind: 'checkbox', label: 'Claude Desktop connected', checked: true, action: { type: 'connect-claude' }, enabled: true };
    case 'outdated':
      return { kind: 'item', label: 'Reconnect Claude Desktop (entry out of date)', action: { type: 'connect-claude' }, enabled: true };
    case 'problem':
      return { kind: 'item', label: 'Connect Claude Desktop… (its config needs fixing)', action: { type: 'connect-claude' }, enabled: true };
    default:
      return { kind: 'item', label: 'Connect Claude Desktop…', action: { type: 'connect-claude' }, enabled: true };
  }
}

function notificationsMenu(state: TrayState): MenuNode {
  const { notifications: n, platform } = state;
  const items: MenuNode[] = [
    ...(Object.keys(DEFAULT_RULE_LABELS) as DefaultRule[]).map(
      (rule): MenuNode => ({ kind: 'checkbox', label: DEFAULT_RULE_LABELS[rule], checked: n.defaults[rule], action: { type: 'toggle-default', rule }, enabled: !n.paused }),
    ),
  ];
  if (state.sources.length > 0) {
    items.push({ kind: 'separator' });
    for (const { source } of state.sources) {
      items.push({
        kind: 'checkbox',
        label: menuLabel(`From ${source}`, platform),
        checked: !n.mutedSources.includes(source),
        action: { type: 'toggle-source', source },
        enabled: !n.paused,
      });
    }
  }
  return { kind: 'submenu', label: 'Notify me about', items, enabled: true };
}

export function trayView(state: TrayState): TrayView {
  const { platform } = state;
  const name = iconName(state);
  const running = state.core.status === 'ok' || state.core.status === 'degraded';
  const recent = state.recent.slice(0, RECENT_IN_MENU);
  const menu: MenuNode[] = [
    { kind: 'item', label: 'Open Tidings', action: { type: 'open' }, enabled: running },
    { kind: 'item', label: menuLabel(statusLine(state), platform), action: null, enabled: false },
    { kind: 'separator' },
    {
      kind: 'submenu',
      label: state.unseen > 0 ? `Recent events (${countLabel(state.unseen)} unseen)` : 'Recent events',
      enabled: running && recent.length > 0,
      items: recent.map((e) => ({
        kind: 'item',
        label: menuLabel(`${e.verified ? '' : '⚠ '}${e.source}: ${e.summary || e.type}`, platform),
        action: { type: 'open-event', id: e.id },
        enabled: true,
      })),
    },
    { kind: 'checkbox', label: 'Pause notifications', checked: state.notifications.paused, action: { type: 'toggle-pause' }, enabled: true },
    notificationsMenu(state),
    { kind: 'separator' },
    {
      kind: 'submenu',
      label: 'Copy webhook URL',
      enabled: running && state.sources.length > 0,
      items: state.sources.map(({ source, url }) => ({ kind: 'item', label: menuLabel(source, platform), action: { type: 'copy', text: url }, enabled: true })),
    },
    publicUrlItem(state.publicUrl, running, platform),
    ...(linksMenu(state) ? [linksMenu(state)!] : []),
    claudeItem(state.claude),
    {
      kind: 'checkbox',
      label: state.loginItem.supported ? 'Start at login' : 'Start at login (installed app only)',
      checked: state.loginItem.supported && state.loginItem.enabled,
      action: { type: 'toggle-login-item' },
      enabled: state.loginItem.supported,
    },
    { kind: 'item', label: 'Open logs', action: { type: 'open-logs' }, enabled: true },
    { kind: 'separator' },
    { kind: 'item', label: 'Quit Tidings', action: { type: 'quit' }, enabled: true },
  ];
  return {
    icon: { name, ...iconFile(name, platform) },
    title: platform === 'darwin' && state.unseen > 0 ? countLabel(state.unseen) : '',
    tooltip: tooltip(state),
    menu,
  };
}
