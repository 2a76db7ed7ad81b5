// Which committed events become desktop notifications, and how a burst collapses into one.
// Pure: notifications.ts feeds it events and a clock and shows what comes out.
//
// Order of decision for one event: paused → nothing; a muted source → nothing; the first
// person-made rule that matches (source and type) → its answer; else the built-in rules
// (Stripe payment failed, a failed deployment on Vercel or GitHub, a pull request opened on
// a tracked repository), each of which can be turned off, and an outbound target that
// Tidings disabled, which cannot.
import type { EventRecord } from '../../shared/events';
import type { NotificationPrefs, NotificationRule } from '../../shared/ipc';

export type Verdict = { notify: false } | { notify: true; title: string };

export interface Notice {
  title: string;
  body: string;
  /** The event that clicking opens; null opens the events list. */
  eventId: number | null;
}

export interface BurstState {
  batch: EventRecord[];
  lastSummaryAt: number | null;
}

export const EMPTY_BURST: BurstState = { batch: [], lastSummaryAt: null };
/** After a summary, the next batch waits this long, so a sustained flood gives one notice per half minute. */
export const SUMMARY_COOLDOWN_MS = 30_000;
const BODY_MAX = 180;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

function ruleMatches(rule: NotificationRule, event: Pick<EventRecord, 'source' | 'type'>): boolean {
  return (rule.source === '*' || rule.source === event.source) && typeMatches(rule.type, event.type);
}

const FAILED_DEPLOYMENT_STATES = new Set(['failure', 'error']);

/** The built-in rules, with the title each gives its notification. */
export function defaultVerdict(event: EventRecord, prefs: NotificationPrefs): Verdict {
  const { source, type, fields } = event;
  const d = prefs.defaults;
  // Tidings stopped delivering somewhere: always worth saying (pausing still silences it).
  if (source === 'tidings' && type === 'target.disabled') return { notify: true, title: 'Tidings: outbound target disabled' };
  if (d.stripePaymentFailed && source === 'stripe' && type === 'invoice.payment_failed') {
    return { notify: true, title: 'Stripe: payment failed' };
  }
  if (d.deploymentFailed) {
    if (source === 'vercel' && (type === 'deployment.error' || text(fields.state) === 'error')) return { notify: true, title: 'Vercel: deployment failed' };
    if (source === 'github' && type.startsWith('deployment_status') && FAILED_DEPLOYMENT_STATES.has(text(fields.state) ?? '')) {
      return { notify: true, title: 'GitHub: deployment failed' };
    }
  }
  if (d.pullRequestOpened && source === 'github' && type === 'pull_request.opened') {
    const repo = text(fields.repo);
    const tracked = prefs.trackedRepos.length === 0 || (repo !== null && prefs.trackedRepos.some((r) => r.toLowerCase() === repo.toLowerCase()));
    if (tracked) return { notify: true, title: `Pull request opened${repo ? ` on ${repo}` : ''}` };
  }
  return { notify: false };
}

export function notificationVerdict(event: EventRecord, prefs: NotificationPrefs): Verdict {
  if (prefs.paused || prefs.mutedSources.includes(event.source)) return { notify: false };
  const rule = prefs.rules.find((r) => ruleMatches(r, event));
  if (rule) return rule.notify ? { notify: true, title: `${event.source}: ${event.type}` } : { notify: false };
  return defaultVerdict(event, prefs);
}

function oneLine(value: string): string {
  const line = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length <= BODY_MAX ? line : `${line.slice(0, BODY_MAX - 1)}…`;
}

/** One event's notice. Unsigned events say so: anyone who knows the URL could have sent them. */
export function eventNotice(event: EventRecord, title: string): Notice {
  const summary = oneLine(event.summary || `${event.source} ${event.type}`);
  return { title, body: event.verified ? summary : `Unverified: ${summary}`, eventId: event.id };
}

/** "5 new events: 3 stripe, 2 github", counted per source, most first. */
export function summaryNotice(events: readonly EventRecord[]): Notice {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.source, (counts.get(e.source) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, n]) => `${n} ${s}`);
  return { title: 'Tidings', body: oneLine(`${events.length} new events: ${parts.join(', ')}`), eventId: null };
}

/**
 * Take one committed event. A notable one joins the current batch; when it opens a new
 * batch, `flushInMs` says when to call `flush` (the burst window, or the rest of the
 * cooldown after a summary).
 */
export function receive(state: BurstState, event: EventRecord, prefs: NotificationPrefs, now: number): { state: BurstState; flushInMs: number | null } {
  if (!notificationVerdict(event, prefs).notify) return { state, flushInMs: null };
  const opened = state.batch.length === 0;
  const next = { ...state, batch: [...state.batch, event] };
  if (!opened) return { state: next, flushInMs: null };
  const cooldownLeft = state.lastSummaryAt === null ? 0 : state.lastSummaryAt + SUMMARY_COOLDOWN_MS - now;
  return { state: next, flushInMs: Math.max(prefs.burst.windowMs, cooldownLeft) };
}

/** Close the batch: up to `burst.max` events notify one by one; more collapse into one summary. */
export function flush(state: BurstState, prefs: NotificationPrefs, now: number): { state: BurstState; notices: Notice[] } {
  const batch = state.batch;
  if (batch.length === 0 || prefs.paused) return { state: { ...state, batch: [] }, notices: [] };
  // Rules may have changed while the batch waited: apply them as they are now.
  const verdicts = batch.map((e) => [e, notificationVerdict(e, prefs)] as const).filter(([, v]) => v.notify);
  if (verdicts.length === 0) return { state: { ...state, batch: [] }, notices: [] };
  if (verdicts.length <= prefs.burst.max) {
    return { state: { ...state, batch: [] }, notices: verdicts.map(([e, v]) => eventNotice(e, v.notify ? v.title : '')) };
  }
  return { state: { batch: [], lastSummaryAt: now }, notices: [summaryNotice(verdicts.map(([e]) => e))] };
}
