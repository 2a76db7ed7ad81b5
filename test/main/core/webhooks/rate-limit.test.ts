// The token buckets on their own, with the clock passed in: idle buckets are dropped, and
// a global bucket holds back a flood spread over many names. The receiver's use of them is
// tested over real HTTP in source-gate.test.ts.
import { describe, expect, it } from 'vitest';
import { createIngestLimiter, createRateLimiter } from '../../../../src/main/core/webhooks/rate-limit';

describe('per-source buckets', () => {
  it('drops buckets that have refilled, so a thousand names once do not stay in memory', () => {
    const limiter = createRateLimiter(10, 100, { sweepEveryMs: 1000 });
    for (let i = 0; i < 1000; i++) expect(limiter.take(`name-${i}`, 0)).toBe(0);
    expect(limiter.size()).toBe(1000);
    // 1 token taken at 10/s is back after 0.1 s; the next sweep (after 1 s) drops them all.
    limiter.take('later', 1000);
    expect(limiter.size()).toBe(1);
  });

  it('keeps a bucket that is still short of tokens, and its debt with it', () => {
    const limiter = createRateLimiter(1, 5, { sweepEveryMs: 1000 });
    for (let i = 0; i < 5; i++) limiter.take('busy', 0);
    expect(limiter.take('busy', 0)).toBe(1);
    // 2 s later: 2 tokens back of 5, so the sweep keeps it and the refusal comes after 2 takes.
    limiter.take('other', 2000);
    expect(limiter.size()).toBe(2);
    expect([limiter.take('busy', 2000), limiter.take('busy', 2000), limiter.take('busy', 2000)]).toEqual([0, 0, 1]);
  });

  it('answers as a fresh bucket would after dropping one', () => {
    const kept = createRateLimiter(2, 3, { sweepEveryMs: Infinity });
    const swept = createRateLimiter(2, 3, { sweepEveryMs: 1 });
    const answers = (l: ReturnType<typeof createRateLimiter>) => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) out.push(l.take('a', 0));
      for (let i = 0; i < 5; i++) out.push(l.take('a', 10_000));
      return out;
    };
    expect(answers(swept)).toEqual(answers(kept));
  });
});

describe('the global bucket', () => {
  it('refuses a flood over many names once the global burst is spent, naming the global limit', () => {
    const limiter = createIngestLimiter({ perSecond: 100, burst: 100, globalPerSecond: 1, globalBurst: 5 });
    const verdicts = Array.from({ length: 8 }, (_, i) => limiter.take(`n${i}`, 0));
    expect(verdicts.slice(0, 5)).toEqual(Array(5).fill({ wait: 0 }));
    expect(verdicts[5]).toEqual({ wait: 1, scope: 'global' });
  });

  it('says when it is the source, not the whole, that is over its limit', () => {
    const limiter = createIngestLimiter({ perSecond: 1, burst: 2, globalPerSecond: 100, globalBurst: 100 });
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([{ wait: 0 }, { wait: 0 }, { wait: 1, scope: 'source' }]);
    expect(limiter.take('b', 0)).toEqual({ wait: 0 });
  });
});
