// Pure helpers for the "Connect to GitHub… / Stripe…" panel: reading what a person typed,
// and saying what state a link is in.
import type { LinkInfo } from '../../shared/api';

/** "push, pull_request" → ["push","pull_request"]; blank → undefined (every event). */
export function parseEvents(text: string): string[] | undefined {
  const list = text
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** What to fix before sending, or null: the same rules the core checks. */
export function githubTargetError(kind: 'repo' | 'org', value: string): string | null {
  const v = value.trim();
  if (!v) return kind === 'repo' ? 'Enter the repository as OWNER/REPO.' : 'Enter the organization name.';
  if (kind === 'repo' && !/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/.test(v)) return 'The repository must be OWNER/REPO, e.g. octocat/hello-world.';
  if (kind === 'org' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v)) return 'That is not an organization name.';
  return null;
}

export function linkTitle(link: Pick<LinkInfo, 'provider' | 'scope' | 'target'>): string {
  if (link.provider === 'stripe') return `Stripe (${link.target} mode)`;
  return link.scope === 'org' ? `organization ${link.target}` : link.target;
}

/** One line on the last delivery Tidings received on the link's source. */
export function lastDeliveryText(link: Pick<LinkInfo, 'last_delivery'>, ago: (iso: string) => string): string {
  const d = link.last_delivery;
  if (!d) return 'No delivery received yet.';
  const what = d.outcome === 'rejected' ? `rejected (${d.detail})` : d.outcome === 'verified' ? `${d.detail}, verified` : `${d.detail}, unverified`;
  return `Last delivery ${ago(d.at)}: ${what}.`;
}
