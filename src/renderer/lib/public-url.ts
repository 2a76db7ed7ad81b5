// What the Sources view's Public URL panel says about the tunnel: one badge, one sentence,
// and what the authtoken field should tell the person (never the token itself).
import type { TunnelInfo } from '../../shared/api';
import type { Tone } from './deployments';

export interface PublicUrlSummary {
  tone: Tone;
  badge: string;
  sentence: string;
}

export function publicUrlSummary(t: TunnelInfo): PublicUrlSummary {
  const via = t.mode === 'ngrok' ? 'ngrok' : 'your own URL';
  if (t.mode === 'off') {
    return {
      tone: 'warn',
      badge: 'off',
      sentence: 'Providers on the internet cannot reach this inbox: the webhook URLs below work on this machine only. Start ngrok, or give a URL you run.',
    };
  }
  if (t.state === 'starting') return { tone: 'busy', badge: 'starting', sentence: t.error ? `Starting ${via}: ${t.error}` : `Starting ${via}…` };
  if (t.state === 'error') return { tone: 'bad', badge: 'error', sentence: `The inbox cannot be reached from outside: ${t.error ?? 'unknown problem'}` };
  if (t.reachable === false) return { tone: 'bad', badge: 'not reachable', sentence: `The inbox cannot be reached from outside: ${t.error ?? 'unknown problem'}` };
  if (t.reachable === null) return { tone: 'busy', badge: 'online', sentence: `Online through ${via}; not checked yet.` };
  return { tone: 'ok', badge: 'reachable', sentence: `Online through ${via}, and it reaches this core. The webhook URLs below use it.` };
}

export function authtokenNote(origin: TunnelInfo['authtoken']): string {
  if (origin === 'env') return 'Taken from NGROK_AUTHTOKEN in the core’s environment (a token stored here is used only when it is unset).';
  if (origin === 'stored') return 'An authtoken is stored (encrypted by the app, or the 0600 file headless). Enter another to replace it.';
  return 'No authtoken yet: copy yours from the ngrok dashboard (Your Authtoken). It is stored with the webhook secrets and never shown again.';
}
