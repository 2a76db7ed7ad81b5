// Token buckets: per source, and one for every source together. A bucket bursts up to
// `burst`, then allows `perSecond` sustained. Answers how long to wait, so the receiver can
// send an honest Retry-After.
export interface RateLimiter {
  /** Take one token; returns 0 if allowed, else the seconds until one is available. */
  take(key: string, now?: number): number;
  /** Buckets held in memory (for tests and health). */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiterOptions {
  /** How often idle buckets are dropped; a sweep walks every bucket once. */
  sweepEveryMs?: number;
}

export function createRateLimiter(perSecond: number, burst: number, options: RateLimiterOptions = {}): RateLimiter {
  const sweepEveryMs = options.sweepEveryMs ?? 10_000;
  const buckets = new Map<string, Bucket>();
  let lastSweep = 0;

  // A bucket that has refilled to `burst` behaves exactly like a new one, so dropping it
  // changes no answer; without this, every name ever posted to stays in memory.
  const sweep = (now: number) => {
    lastSweep = now;
    for (const [key, b] of buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) buckets.delete(key);
    }
  };

  return {
    take(key, now = Date.now()) {
      if (now - lastSweep >= sweepEveryMs) sweep(now);
      let b = buckets.get(key);
      if (!b) {
        b = { tokens: burst, at: now };
        buckets.set(key, b);
      }
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
    size: () => buckets.size,
  };
}

export interface IngestLimits {
  perSecond: number;
  burst: number;
  globalPerSecond: number;
  globalBurst: number;
}

export type LimitVerdict = { wait: 0 } | { wait: number; scope: 'source' | 'global' };

/**
 * The receiver's two limits. The global bucket is asked first, so that a flood spread over
 * many names is held back as a whole, and a delivery it refuses spends no per-source token.
 */
export function createIngestLimiter(limits: IngestLimits, options: RateLimiterOptions = {}) {
  const perSource = createRateLimiter(limits.perSecond, limits.burst, options);
  const global = createRateLimiter(limits.globalPerSecond, limits.globalBurst, options);
  return {
    take(source: string, now = Date.now()): LimitVerdict {
      const all = global.take('*', now);
      if (all > 0) return { wait: all, scope: 'global' };
      const one = perSource.take(source, now);
      return one > 0 ? { wait: one, scope: 'source' } : { wait: 0 };
    },
    size: () => perSource.size(),
  };
}

export type IngestLimiter = ReturnType<typeof createIngestLimiter>;
