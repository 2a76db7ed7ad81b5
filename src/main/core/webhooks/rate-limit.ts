// A token bucket per source: bursts up to `burst`, then `perSecond` sustained. Answers
// how long to wait, so the receiver can send an honest Retry-After.
export interface RateLimiter {
  /** Take one token; returns 0 if allowed, else the seconds until one is available. */
  take(key: string, now?: number): number;
}

export function createRateLimiter(perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now = Date.now()) {
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
  };
}
