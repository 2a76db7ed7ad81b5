// How each AI client's connection reads on its card: connected, not connected, or a problem
// the person has to look at (an unreadable config file, or an entry that points elsewhere).
import type { ClientStatusInfo } from '../../shared/api';
import type { Tone } from './deployments';

export interface ClientView {
  state: 'connected' | 'not-connected' | 'problem';
  label: string;
  tone: Tone;
  detail: string;
  /** Which of the two buttons is the main one. */
  canConnect: boolean;
  canDisconnect: boolean;
}

export function clientView(c: ClientStatusInfo): ClientView {
  if (c.problem) {
    return { state: 'problem', label: 'Problem', tone: 'bad', detail: c.problem, canConnect: true, canDisconnect: c.connected };
  }
  if (c.connected && !c.entryMatches) {
    return {
      state: 'problem',
      label: 'Needs update',
      tone: 'warn',
      detail: 'The Tidings entry in its config does not match this installation; Connect rewrites it.',
      canConnect: true,
      canDisconnect: true,
    };
  }
  if (c.connected) {
    return { state: 'connected', label: 'Connected', tone: 'ok', detail: 'Tidings is in its MCP config.', canConnect: false, canDisconnect: true };
  }
  return {
    state: 'not-connected',
    label: 'Not connected',
    tone: 'neutral',
    detail: c.exists ? 'Its config has no Tidings entry yet.' : 'Its config file does not exist yet; Connect creates it.',
    canConnect: true,
    canDisconnect: false,
  };
}

/** The token shown masked until the person asks to see it. */
export function maskToken(token: string): string {
  if (token.length <= 4) return '••••••••';
  return `${'•'.repeat(12)}${token.slice(-4)}`;
}
