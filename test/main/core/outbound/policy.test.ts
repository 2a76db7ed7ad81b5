// The retry decision as a table: every status class, Retry-After in both forms, local and
// remote schedules, the last attempt, and the failing-too-long clock.
import { describe, expect, it } from 'vitest';
import { decide, DEFAULT_POLICY, failingTooLong, parseRetryAfter } from '../../../../src/main/core/outbound/policy';
import type { AttemptFacts } from '../../../../src/main/core/outbound/policy';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const policy = { ...DEFAULT_POLICY, jitter: 0 };
const facts = (f: Partial<AttemptFacts>): AttemptFacts => ({ status: 500, attempts: 1, createdAt: NOW, now: NOW, local: false, ...f });

describe('decide', () => {
  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'retry'],
    [302, 'retry'],
    [400, 'retry'],
    [404, 'retry'],
    [410, 'gone'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [null, 'retry'],
  ] as const)('status %s → %s', (status, kind) => {
    expect(decide(facts({ status }), policy).kind).toBe(kind);
  });

  it('follows the Svix-like schedule, then dead-letters', () => {
    const delays = policy.schedule.map((_, i) => decide(facts({ attempts: i + 1 }), policy));
    expect(delays.map((d) => (d.kind === 'retry' ? d.delayMs / 1000 : d.kind))).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    const last = decide(facts({ attempts: policy.schedule.length + 1 }), policy);
    expect(last).toEqual({ kind: 'dead', why: 'gave up after 8 attempts' });
  });

  it('retries local targets quickly, repeating the last step, until they are too old', () => {
    const steps = [1, 2, 3, 4, 5, 50].map((attempts) => decide(facts({ attempts, local: true }), policy));
    expect(steps.map((d) => (d.kind === 'retry' ? d.delayMs : d.kind))).toEqual([1000, 2000, 5000, 10000, 10000, 10000]);
    const old = decide(facts({ attempts: 9000, local: true, createdAt: NOW - policy.localMaxAgeMs }), policy);
    expect(old).toEqual({ kind: 'dead', why: 'gave up after 9000 attempts over 24 h' });
    // A shortened local window (as tests and impatient configs set) reads in its own unit.
    const brief = decide(facts({ attempts: 10, local: true, createdAt: NOW - 3_000 }), { ...policy, localMaxAgeMs: 2_000 });
    expect(brief).toEqual({ kind: 'dead', why: 'gave up after 10 attempts over 3 s' });
  });

  it('honours Retry-After on 429 and 503 only, in seconds or as a date, up to the cap', () => {
    expect(decide(facts({ status: 429, retryAfter: '120' }), policy)).toMatchObject({ kind: 'retry', delayMs: 120_000 });
    expect(decide(facts({ status: 503, retryAfter: new Date(NOW + 90_000).toUTCString() }), policy)).toMatchObject({ kind: 'retry', delayMs: 90_000 });
    expect(decide(facts({ status: 500, retryAfter: '120' }), policy)).toMatchObject({ kind: 'retry', delayMs: 5000 });
    expect(decide(facts({ status: 429, retryAfter: 'soon' }), policy)).toMatchObject({ kind: 'retry', delayMs: 5000 });
    expect(decide(facts({ status: 429, retryAfter: String(10 * 24 * 3600) }), policy)).toMatchObject({ delayMs: policy.maxRetryAfterMs });
    // A local target's quick schedule still yields to what the receiver asks.
    expect(decide(facts({ status: 429, retryAfter: '7', local: true }), policy)).toMatchObject({ delayMs: 7000 });
  });

  it('spreads delays by the jitter, within bounds', () => {
    const jittery = { ...DEFAULT_POLICY, jitter: 0.2 };
    const low = decide(facts({ attempts: 2 }), jittery, () => 0);
    const high = decide(facts({ attempts: 2 }), jittery, () => 1);
    expect(low).toMatchObject({ delayMs: 240_000 });
    expect(high).toMatchObject({ delayMs: 360_000 });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['0', 0],
    ['30', 30_000],
    [' 5 ', 5000],
    ['-1', null],
    ['1.5', null],
    ['Sun, 22 Nov 2026 12:01:00 GMT', 60_000],
    ['Sun, 22 Nov 2026 11:00:00 GMT', 0],
  ])('%j → %j', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });
});

describe('failingTooLong', () => {
  it('counts from the first failure of the current run', () => {
    expect(failingTooLong(null, NOW, policy)).toBe(false);
    expect(failingTooLong(NOW - policy.disableAfterMs + 1, NOW, policy)).toBe(false);
    expect(failingTooLong(NOW - policy.disableAfterMs, NOW, policy)).toBe(true);
  });
});
