// What the Sources view says about each source: where to paste its URL, how its secrets
// read (never the values), and which names a custom source may have.
import type { SecretSummaryInfo, SourceInfo } from '../../shared/api';
import { SOURCE_PATTERN } from '../../shared/events';

export const KNOWN_SOURCES = ['github', 'stripe', 'vercel', 'slack'] as const;

const PASTE_HINTS: Record<string, string> = {
  github: 'GitHub → repository or organization Settings → Webhooks → Add webhook (content type application/json)',
  stripe: 'Stripe Dashboard → Developers → Webhooks → Add endpoint',
  vercel: 'Vercel → Project → Settings → Webhooks',
  slack: 'Slack app settings → Event Subscriptions → Request URL',
};

export function pasteHint(provider: string): string {
  return PASTE_HINTS[provider] ?? 'The sender’s webhook settings (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature headers)';
}

/** The provider a name is verified as: the four known ones, else Standard Webhooks. */
export function providerFor(source: string): string {
  return (KNOWN_SOURCES as readonly string[]).includes(source) ? source : 'standard';
}

/** Why a custom source name is not allowed, or null when it is. */
export function sourceNameError(name: string): string | null {
  if (name === '') return 'Enter a name.';
  if (name.length > 64) return 'Use at most 64 characters.';
  if (!SOURCE_PATTERN.test(name)) return 'Use lowercase letters, digits, - and _, starting with a letter or digit.';
  return null;
}

/**
 * The webhook URL for a source the core has not listed yet, from one it has: the core's
 * URLs all end in /<source>.
 */
export function urlFor(source: string, known: readonly SourceInfo[]): string | null {
  const sample = known[0];
  if (!sample) return null;
  const cut = sample.url.lastIndexOf('/');
  if (cut < 0) return null;
  return `${sample.url.slice(0, cut + 1)}${encodeURIComponent(source)}`;
}

/**
 * Every source to show: the core's list, the four known providers (always), and custom
 * names added in this window that the core does not know about yet.
 */
export function sourceList(server: readonly SourceInfo[], custom: readonly string[]): SourceInfo[] {
  const byName = new Map(server.map((s) => [s.source, s]));
  const names = new Set<string>([...KNOWN_SOURCES, ...server.map((s) => s.source), ...custom]);
  const out: SourceInfo[] = [];
  for (const source of names) {
    const have = byName.get(source);
    if (have) {
      out.push(have);
      continue;
    }
    out.push({ source, url: urlFor(source, server) ?? '', provider: providerFor(source), secret: null, stats: null, rejections: [] });
  }
  const rank = (s: string) => {
    const i = (KNOWN_SOURCES as readonly string[]).indexOf(s);
    return i < 0 ? KNOWN_SOURCES.length : i;
  };
  return out.sort((a, b) => rank(a.source) - rank(b.source) || a.source.localeCompare(b.source));
}

/** "No secret", "1 secret · a1b2c3d4", "3 secrets · a1b2c3d4, e5f6a7b8, …". */
export function describeSecret(secret: SecretSummaryInfo | null, shown = 2): string {
  if (!secret || secret.count === 0) return 'No secret';
  const prints = secret.fingerprints.slice(0, shown).join(', ');
  const more = secret.fingerprints.length > shown ? ', …' : '';
  return `${secret.count} ${secret.count === 1 ? 'secret' : 'secrets'}${prints ? ` · ${prints}${more}` : ''}`;
}

/** True when anyone who knows the URL could send this source events that it would store. */
export function acceptsUnverified(source: SourceInfo): boolean {
  return !source.secret || source.secret.count === 0;
}

/** The environment variable that holds a source's secrets. */
export function secretEnvName(source: string): string {
  return `TIDINGS_SECRET_${source.toUpperCase().replace(/-/g, '_')}`;
}

/** Client-side check before sending a secret, matching the core's rule. */
export function secretValueError(value: string): string | null {
  if (value.length < 8) return 'A secret must be at least 8 characters.';
  if (value.length > 1000) return 'A secret must be at most 1000 characters.';
  return null;
}
