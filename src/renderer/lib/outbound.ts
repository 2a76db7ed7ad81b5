// What the Outbound view says about targets and deliveries: a target's state in a word and
// a sentence (enabled, failing since, disabled by Tidings and why, turned off by a person),
// a delivery's state, when it is tried next, and the comma lists the form takes. Pure, so
// the wording is tested once.
import type { AttemptInfo, DeliveryInfo, DeliveryState, TargetInfo } from '../../shared/outbound';
import type { Tone } from './deployments';
import { formatAge, formatAgo, secondsSince } from './format';

export interface TargetStatus {
  /** data-state for tests and styles. */
  state: 'enabled' | 'failing' | 'disabled-by-tidings' | 'disabled';
  tone: Tone;
  /** A word or two for the badge. */
  label: string;
  /** A sentence for the card, or null when the badge says it all. */
  detail: string | null;
}

export function targetStatus(t: Pick<TargetInfo, 'enabled' | 'disabled_reason' | 'failing_since'>, nowMs: number): TargetStatus {
  if (!t.enabled) {
    if (t.disabled_reason) {
      return {
        state: 'disabled-by-tidings',
        tone: 'bad',
        label: 'Disabled by Tidings',
        detail: `Tidings turned this target off: ${t.disabled_reason.replace(/\.$/, '')}. Its deliveries wait; nothing is lost.`,
      };
    }
    return { state: 'disabled', tone: 'neutral', label: 'Disabled', detail: 'Turned off by a person. Deliveries wait until it is enabled again.' };
  }
  if (t.failing_since) {
    const s = secondsSince(t.failing_since, nowMs);
    const age = Number.isNaN(s) ? null : formatAge(s);
    return {
      state: 'failing',
      tone: 'warn',
      label: age === null || age === 'just now' ? 'Failing' : `Failing for ${age}`,
      detail: `Failing since ${age === null ? t.failing_since : age === 'just now' ? 'just now' : `${age} ago`}: no delivery has succeeded since. Tidings keeps retrying, and turns the target off if it fails for days.`,
    };
  }
  return { state: 'enabled', tone: 'ok', label: 'Enabled', detail: null };
}

export const DELIVERY_STATE_LABEL: Record<DeliveryState, string> = {
  pending: 'pending',
  delivered: 'delivered',
  dead: 'dead-lettered',
};

export interface DeliveryStatus {
  tone: Tone;
  label: string;
}

/**
 * "delivered", "dead-lettered", "pending", "retrying" once a pending one has failed, or
 * "held" while its target is disabled.
 */
export function deliveryStatus(d: Pick<DeliveryInfo, 'state' | 'attempts'>, targetEnabled?: boolean): DeliveryStatus {
  switch (d.state) {
    case 'delivered':
      return { tone: 'ok', label: DELIVERY_STATE_LABEL.delivered };
    case 'dead':
      return { tone: 'bad', label: DELIVERY_STATE_LABEL.dead };
    default:
      if (targetEnabled === false) return { tone: 'neutral', label: 'held' };
      return d.attempts > 0 ? { tone: 'warn', label: 'retrying' } : { tone: 'busy', label: DELIVERY_STATE_LABEL.pending };
  }
}

/** "in 4 s", "in 5 min", "now" (due or overdue); null when there is no next attempt. */
export function formatNextAttempt(iso: string | null, nowMs: number): string | null {
  if (iso === null) return null;
  const waitS = -secondsSince(iso, nowMs);
  if (Number.isNaN(waitS)) return iso;
  if (waitS <= 0.5) return 'now';
  if (waitS < 60) return `in ${Math.ceil(waitS)} s`;
  return `in ${formatAge(waitS)}`;
}

/**
 * The "next attempt" cell of a delivery: when, or why not. A delivery of a disabled target
 * waits for the target, whatever its timestamp says.
 */
export function nextAttemptLabel(d: Pick<DeliveryInfo, 'state' | 'next_attempt_at'>, targetEnabled: boolean | undefined, nowMs: number): string {
  if (d.state === 'delivered') return '—';
  if (d.state === 'dead') return 'none (retry it by hand)';
  if (targetEnabled === false) return 'when the target is enabled';
  return formatNextAttempt(d.next_attempt_at, nowMs) ?? '—';
}

/** The last answer: "HTTP 200", "HTTP 500: <error>", "no answer: <error>", or "not tried yet". */
export function lastResultLabel(d: Pick<DeliveryInfo, 'attempts' | 'last_status' | 'last_error'>): string {
  if (d.attempts === 0 && d.last_status === null && !d.last_error) return 'not tried yet';
  const status = d.last_status === null ? 'no answer' : `HTTP ${d.last_status}`;
  return d.last_error ? `${status}: ${d.last_error}` : status;
}

/** A target's last attempt: "HTTP 200 · 5 s ago", "never tried". */
export function targetLastLabel(t: Pick<TargetInfo, 'last_status' | 'last_attempt_at'>, nowMs: number): string {
  if (!t.last_attempt_at) return 'never tried';
  const status = t.last_status === null ? 'no answer' : `HTTP ${t.last_status}`;
  return `${status} · ${formatAgo(t.last_attempt_at, nowMs)}`;
}

export function statusTone(status: number | null): Tone {
  if (status === null) return 'bad';
  if (status >= 200 && status < 300) return 'ok';
  if (status === 410 || status >= 500) return 'bad';
  return 'warn';
}

/** An attempt's answer in a word: "200", "no answer". */
export function attemptStatusLabel(a: Pick<AttemptInfo, 'status'>): string {
  return a.status === null ? 'no answer' : String(a.status);
}

/** "github, stripe , ,vercel" → ["github", "stripe", "vercel"], repeats dropped. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const item = part.trim();
    if (item && !out.includes(item)) out.push(item);
  }
  return out;
}

export function joinList(items: readonly string[]): string {
  return items.join(', ');
}

/** What a target receives, in words. */
export function filterSummary(t: Pick<TargetInfo, 'mode' | 'sources' | 'types'>): string {
  if (t.mode === 'push') return 'messages pushed by assistants (and test pushes)';
  const sources = t.sources.length ? joinList(t.sources) : 'every source';
  const types = t.types.length ? joinList(t.types) : 'every type';
  return `webhooks from ${sources} · ${types}`;
}

const TARGET_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** Why a target name will be refused, or null. The server says the same; this says it sooner. */
export function targetNameError(name: string): string | null {
  if (name === '') return 'Enter a name, e.g. dev-server.';
  if (name.length > 64) return 'Use at most 64 characters.';
  if (!TARGET_NAME.test(name)) return 'Use lower-case letters, digits and _ . -, starting with a letter or digit.';
  return null;
}

/** How a push went: "Queued for 2 of 3 push targets." */
export function pushResultLabel(r: { webhooks_notified: number; total_webhooks: number }): string {
  if (r.webhooks_notified === 0) {
    return r.total_webhooks === 0
      ? 'Stored, but there is no push target to deliver it to. Add one above.'
      : `Stored, but none of the ${r.total_webhooks} push targets is enabled.`;
  }
  const of = r.total_webhooks === r.webhooks_notified ? '' : ` of ${r.total_webhooks}`;
  return `Queued for ${r.webhooks_notified}${of} push ${r.total_webhooks === 1 ? 'target' : 'targets'}.`;
}

/** Counts across targets, for the header and "Retry all dead". */
export function totals(targets: readonly Pick<TargetInfo, 'pending' | 'dead' | 'delivered'>[]): { pending: number; dead: number; delivered: number } {
  return targets.reduce((acc, t) => ({ pending: acc.pending + t.pending, dead: acc.dead + t.dead, delivered: acc.delivered + t.delivered }), {
    pending: 0,
    dead: 0,
    delivered: 0,
  });
}
