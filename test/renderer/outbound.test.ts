import { describe, expect, it } from 'vitest';
import {
  attemptStatusLabel,
  deliveryStatus,
  filterSummary,
  formatNextAttempt,
  joinList,
  lastResultLabel,
  nextAttemptLabel,
  pushResultLabel,
  splitList,
  statusTone,
  targetLastLabel,
  targetNameError,
  targetStatus,
  totals,
} from '../../src/renderer/lib/outbound';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const at = (offsetS: number) => new Date(NOW + offsetS * 1000).toISOString();

describe('targetStatus', () => {
  it('reads an enabled, healthy target as enabled', () => {
    expect(targetStatus({ enabled: true, disabled_reason: null, failing_since: null }, NOW)).toEqual({
      state: 'enabled',
      tone: 'ok',
      label: 'Enabled',
      detail: null,
    });
  });

  it('says how long an enabled target has been failing', () => {
    const s = targetStatus({ enabled: true, disabled_reason: null, failing_since: at(-5 * 60) }, NOW);
    expect(s).toMatchObject({ state: 'failing', tone: 'warn', label: 'Failing for 5 min' });
    expect(s.detail).toMatch(/^Failing since 5 min ago: no delivery has succeeded since/);
  });

  it('reads a failure that just began as "Failing", since just now', () => {
    const s = targetStatus({ enabled: true, disabled_reason: null, failing_since: at(-1) }, NOW);
    expect(s.label).toBe('Failing');
    expect(s.detail).toMatch(/^Failing since just now/);
  });

  it('shows the reason when Tidings disabled a target, and that nothing is lost', () => {
    const reason = 'the receiver answered 410 Gone on 2025-06-01T11:59:00.000Z; re-enable the target once the URL is fixed';
    const s = targetStatus({ enabled: false, disabled_reason: reason, failing_since: at(-60) }, NOW);
    expect(s).toMatchObject({ state: 'disabled-by-tidings', tone: 'bad', label: 'Disabled by Tidings' });
    expect(s.detail).toBe(`Tidings turned this target off: ${reason}. Its deliveries wait; nothing is lost.`);
  });

  it('reads a target a person turned off as plainly disabled', () => {
    expect(targetStatus({ enabled: false, disabled_reason: null, failing_since: null }, NOW)).toMatchObject({
      state: 'disabled',
      tone: 'neutral',
      label: 'Disabled',
    });
  });
});

describe('deliveryStatus', () => {
  it.each([
    ['pending', 0, 'busy', 'pending'],
    ['pending', 2, 'warn', 'retrying'],
    ['delivered', 1, 'ok', 'delivered'],
    ['dead', 5, 'bad', 'dead-lettered'],
  ] as const)('%s after %d attempts reads %s "%s"', (state, attempts, tone, label) => {
    expect(deliveryStatus({ state, attempts })).toEqual({ tone, label });
  });
  it('reads a pending delivery of a disabled target as held', () => {
    expect(deliveryStatus({ state: 'pending', attempts: 1 }, false)).toEqual({ tone: 'neutral', label: 'held' });
    expect(deliveryStatus({ state: 'pending', attempts: 1 }, true)).toEqual({ tone: 'warn', label: 'retrying' });
    expect(deliveryStatus({ state: 'dead', attempts: 3 }, false)).toEqual({ tone: 'bad', label: 'dead-lettered' });
  });
});

describe('formatNextAttempt', () => {
  it.each([
    [null, null],
    [at(4), 'in 4 s'],
    [at(3.2), 'in 4 s'],
    [at(0.3), 'now'],
    [at(-10), 'now'],
    [at(90), 'in 1 min'],
    [at(2 * 3600), 'in 2 h'],
    ['not a time', 'not a time'],
  ])('%s reads %s', (iso, text) => {
    expect(formatNextAttempt(iso, NOW)).toBe(text);
  });
});

describe('nextAttemptLabel', () => {
  it('counts down for a pending delivery of an enabled target', () => {
    expect(nextAttemptLabel({ state: 'pending', next_attempt_at: at(4) }, true, NOW)).toBe('in 4 s');
  });
  it('waits for a disabled target, whatever the timestamp says', () => {
    expect(nextAttemptLabel({ state: 'pending', next_attempt_at: at(-30) }, false, NOW)).toBe('when the target is enabled');
  });
  it('has none for settled deliveries', () => {
    expect(nextAttemptLabel({ state: 'delivered', next_attempt_at: null }, true, NOW)).toBe('—');
    expect(nextAttemptLabel({ state: 'dead', next_attempt_at: null }, true, NOW)).toMatch(/retry it by hand/);
  });
  it('treats an unknown target (list still loading) like an enabled one', () => {
    expect(nextAttemptLabel({ state: 'pending', next_attempt_at: at(10) }, undefined, NOW)).toBe('in 10 s');
  });
});

describe('result labels', () => {
  it('describes the last answer of a delivery', () => {
    expect(lastResultLabel({ attempts: 0, last_status: null, last_error: null })).toBe('not tried yet');
    expect(lastResultLabel({ attempts: 1, last_status: 200, last_error: null })).toBe('HTTP 200');
    expect(lastResultLabel({ attempts: 3, last_status: 500, last_error: 'gave up after 3 attempts' })).toBe('HTTP 500: gave up after 3 attempts');
    expect(lastResultLabel({ attempts: 1, last_status: null, last_error: 'connect ECONNREFUSED' })).toBe('no answer: connect ECONNREFUSED');
  });
  it('describes the last attempt of a target', () => {
    expect(targetLastLabel({ last_status: null, last_attempt_at: null }, NOW)).toBe('never tried');
    expect(targetLastLabel({ last_status: 204, last_attempt_at: at(-120) }, NOW)).toBe('HTTP 204 · 2 min ago');
    expect(targetLastLabel({ last_status: null, last_attempt_at: at(-1) }, NOW)).toBe('no answer · just now');
  });
  it('colors statuses', () => {
    expect(statusTone(200)).toBe('ok');
    expect(statusTone(204)).toBe('ok');
    expect(statusTone(302)).toBe('warn');
    expect(statusTone(429)).toBe('warn');
    expect(statusTone(410)).toBe('bad');
    expect(statusTone(502)).toBe('bad');
    expect(statusTone(null)).toBe('bad');
    expect(attemptStatusLabel({ status: null })).toBe('no answer');
    expect(attemptStatusLabel({ status: 503 })).toBe('503');
  });
});

describe('comma lists', () => {
  it('splits, trims, drops blanks and repeats', () => {
    expect(splitList('github, stripe , ,vercel,github')).toEqual(['github', 'stripe', 'vercel']);
    expect(splitList('')).toEqual([]);
    expect(splitList('  ,  ')).toEqual([]);
    expect(splitList('push\ninvoice.payment_failed')).toEqual(['push', 'invoice.payment_failed']);
  });
  it('joins back', () => {
    expect(joinList(['a', 'b'])).toBe('a, b');
    expect(joinList(splitList('a,b'))).toBe('a, b');
  });
  it('summarizes what a target receives', () => {
    expect(filterSummary({ mode: 'push', sources: [], types: [] })).toMatch(/pushed/);
    expect(filterSummary({ mode: 'forward', sources: [], types: [] })).toBe('webhooks from every source · every type');
    expect(filterSummary({ mode: 'forward', sources: ['github', 'stripe'], types: ['push'] })).toBe('webhooks from github, stripe · push');
  });
});

describe('targetNameError', () => {
  it.each([
    ['dev-server', null],
    ['a', null],
    ['my_app.v2', null],
    ['', /Enter a name/],
    ['Dev', /lower-case/],
    ['-dev', /starting with/],
    ['has space', /lower-case/],
    ['x'.repeat(65), /64/],
  ])('%s', (name, expected) => {
    const err = targetNameError(name);
    if (expected === null) expect(err).toBeNull();
    else expect(err).toMatch(expected);
  });
});

describe('pushResultLabel and totals', () => {
  it('says how many targets a push was queued for', () => {
    expect(pushResultLabel({ webhooks_notified: 1, total_webhooks: 1 })).toBe('Queued for 1 push target.');
    expect(pushResultLabel({ webhooks_notified: 2, total_webhooks: 3 })).toBe('Queued for 2 of 3 push targets.');
    expect(pushResultLabel({ webhooks_notified: 0, total_webhooks: 0 })).toMatch(/no push target/);
    expect(pushResultLabel({ webhooks_notified: 0, total_webhooks: 2 })).toMatch(/none of the 2 push targets is enabled/);
  });
  it('adds up counts across targets', () => {
    expect(totals([])).toEqual({ pending: 0, dead: 0, delivered: 0 });
    expect(
      totals([
        { pending: 1, dead: 2, delivered: 3 },
        { pending: 4, dead: 0, delivered: 1 },
      ]),
    ).toEqual({ pending: 5, dead: 2, delivered: 4 });
  });
});
