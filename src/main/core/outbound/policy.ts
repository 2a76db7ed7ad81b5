// What to do after an attempt: a pure function of the answer, the attempt count and the
// policy, so that every branch is tested in a table without a network or a clock.

export interface RetryPolicy {
  /** Delays after each failed attempt, in ms; past the end the delivery is dead-lettered. */
  schedule: number[];
  /** Local targets (a dev server) retry on this short schedule, its last step repeating... */
  localSchedule: number[];
  /** ...until the delivery is this old; then it is dead-lettered. */
  localMaxAgeMs: number;
  /** A target failing without a break for this long is disabled. */
  disableAfterMs: number;
  /** The longest Retry-After that is honoured; a longer one is cut to this. */
  maxRetryAfterMs: number;
  /** ±this fraction of each delay is random, so that retries do not arrive in lockstep. */
  jitter: number;
}

const s = 1000;
const m = 60 * s;
const h = 60 * m;

/** Like Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; eight attempts over about a day. */
export const DEFAULT_POLICY: RetryPolicy = {
  schedule: [5 * s, 5 * m, 30 * m, 2 * h, 5 * h, 10 * h, 10 * h],
  localSchedule: [1 * s, 2 * s, 5 * s, 10 * s],
  localMaxAgeMs: 24 * h,
  disableAfterMs: 5 * 24 * h,
  maxRetryAfterMs: 6 * h,
  jitter: 0.2,
};

export type Decision =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver says the URL is no more. The target is disabled; the delivery waits. */
  | { kind: 'gone' }
  | { kind: 'retry'; delayMs: number; why: string }
  | { kind: 'dead'; why: string };

export interface AttemptFacts {
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  retryAfter?: string | undefined;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** When the delivery was queued. */
  createdAt: number;
  now: number;
  /** A local target (private address allowed): short retries, bounded by age. */
  local: boolean;
}

/** Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its month; Date.parse alone would read "-1" or "1.5" as years.
  if (!/[a-z]{3}/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** A span as a person says it: "less than a second", "40 s", "12 min", "24 h". */
function span(ms: number): string {
  if (ms < s) return 'less than a second';
  if (ms < m) return `${Math.round(ms / s)} s`;
  if (ms < h) return `${Math.round(ms / m)} min`;
  return `${Math.round(ms / h)} h`;
}

export function decide(f: AttemptFacts, policy: RetryPolicy, random: () => number = Math.random): Decision {
  if (f.status !== null && f.status >= 200 && f.status < 300) return { kind: 'delivered' };
  if (f.status === 410) return { kind: 'gone' };

  const jittered = (ms: number) => Math.max(0, Math.round(ms * (1 - policy.jitter + 2 * policy.jitter * random())));
  let delay: number;
  let why: string;
  if (f.local) {
    if (f.now - f.createdAt >= policy.localMaxAgeMs) {
      return { kind: 'dead', why: `gave up after ${f.attempts} attempts over ${span(f.now - f.createdAt)}` };
    }
    const steps = policy.localSchedule;
    delay = jittered(steps[Math.min(f.attempts - 1, steps.length - 1)] ?? 1000);
    why = 'local target: retrying soon';
  } else {
    const step = policy.schedule[f.attempts - 1];
    if (step === undefined) return { kind: 'dead', why: `gave up after ${f.attempts} attempts` };
    delay = jittered(step);
    why = `attempt ${f.attempts + 1} of ${policy.schedule.length + 1}`;
  }
  if (f.status === 429 || f.status === 503) {
    const asked = parseRetryAfter(f.retryAfter, f.now);
    if (asked !== null) {
      delay = Math.min(asked, policy.maxRetryAfterMs);
      why = `the receiver asked to wait ${Math.round(asked / 1000)} s (Retry-After)`;
    }
  }
  return { kind: 'retry', delayMs: delay, why };
}

/** Whether a target that has failed since `failingSince` has now failed long enough to disable. */
export function failingTooLong(failingSince: number | null, now: number, policy: RetryPolicy): boolean {
  return failingSince !== null && now - failingSince >= policy.disableAfterMs;
}
