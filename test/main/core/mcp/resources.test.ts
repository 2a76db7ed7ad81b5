// Which resource URIs a committed event changes: touchedUris (the exact URIs a 2026 listen
// stream names) and uriMatches (a 2025 session's subscriptions) must agree.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../src/shared/events';
import { touchedUris, uriMatches } from '../../../../src/main/core/mcp/resources';

const event = (over: Partial<EventRecord>): EventRecord => ({
  id: 41,
  source: 'demo',
  type: 'note',
  received_at: '2026-12-02T08:00:00.000Z',
  occurred_at: null,
  subject: null,
  summary: 'a note',
  verified: true,
  delivery_id: 'd-41',
  fields: {},
  ...over,
});

describe('touchedUris', () => {
  it.each([
    ['any event', event({}), [], ['tidings://events/recent', 'tidings://sources/demo/recent', 'tidings://events/41']],
    [
      'a Stripe event that opens an action',
      event({ source: 'stripe', type: 'invoice.payment_failed' }),
      [],
      ['tidings://events/recent', 'tidings://sources/stripe/recent', 'tidings://events/41', 'tidings://stripe/actions/pending'],
    ],
    ['a Stripe event that opens none', event({ source: 'stripe', type: 'charge.succeeded' }), [], ['tidings://events/recent', 'tidings://sources/stripe/recent', 'tidings://events/41']],
    [
      'a Vercel deployment, project name encoded as resources/list gives it',
      event({ source: 'vercel', type: 'deployment.created', fields: { project: 'my site' } }),
      [],
      ['tidings://events/recent', 'tidings://sources/vercel/recent', 'tidings://events/41', 'tidings://deployments/my%20site'],
    ],
    [
      'a GitHub deployment status',
      event({ source: 'github', type: 'deployment_status.created', subject: 'octo/app' }),
      [],
      ['tidings://events/recent', 'tidings://sources/github/recent', 'tidings://events/41', 'tidings://deployments/octo%2Fapp'],
    ],
    ['an event two stored subscriptions match', event({}), [3, 8], ['tidings://events/recent', 'tidings://sources/demo/recent', 'tidings://events/41', 'tidings://subscriptions/3', 'tidings://subscriptions/8']],
  ])('%s', (_what, e, subscriptions, expected) => {
    expect(touchedUris(e, subscriptions)).toEqual(expected);
  });

  it('names only URIs a 2025 subscription to the same URI would also be told about', () => {
    const samples = [
      event({}),
      event({ source: 'stripe', type: 'customer.subscription.deleted' }),
      event({ source: 'vercel', type: 'deployment.succeeded', fields: { project: 'site' } }),
      event({ source: 'github', type: 'deployment_status.created', subject: 'octo/app' }),
    ];
    for (const e of samples) for (const uri of touchedUris(e, [])) expect(uriMatches(uri, e), uri).toBe(true);
    expect(uriMatches('tidings://events/42', event({}))).toBe(false);
  });
});
