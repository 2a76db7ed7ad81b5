// The provider-link panel's pure helpers: what a person typed, and how a link reads.
import { describe, expect, it } from 'vitest';
import { githubTargetError, lastDeliveryText, linkTitle, parseEvents } from '../../src/renderer/lib/links';

describe('provider link helpers', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['push', ['push']],
    ['push, pull_request', ['push', 'pull_request']],
    ['invoice.paid customer.subscription.deleted', ['invoice.paid', 'customer.subscription.deleted']],
  ])('events %j → %j', (text, list) => {
    expect(parseEvents(text)).toEqual(list);
  });

  it.each([
    ['repo', 'octo/hello', null],
    ['repo', '', 'Enter the repository as OWNER/REPO.'],
    ['repo', 'octo', 'The repository must be OWNER/REPO, e.g. octocat/hello-world.'],
    ['org', 'octo-org', null],
    ['org', 'octo/org', 'That is not an organization name.'],
  ] as const)('%s %j → %j', (kind, value, error) => {
    expect(githubTargetError(kind, value)).toBe(error);
  });

  it('names links and their last delivery', () => {
    expect(linkTitle({ provider: 'github', scope: 'repo', target: 'octo/hello' })).toBe('octo/hello');
    expect(linkTitle({ provider: 'github', scope: 'org', target: 'octo' })).toBe('organization octo');
    expect(linkTitle({ provider: 'stripe', scope: 'account', target: 'test' })).toBe('Stripe (test mode)');
    const ago = () => '2 min ago';
    expect(lastDeliveryText({ last_delivery: null }, ago)).toBe('No delivery received yet.');
    expect(lastDeliveryText({ last_delivery: { at: 'x', outcome: 'verified', detail: 'push' } }, ago)).toBe('Last delivery 2 min ago: push, verified.');
    expect(lastDeliveryText({ last_delivery: { at: 'x', outcome: 'rejected', detail: 'bad signature' } }, ago)).toBe('Last delivery 2 min ago: rejected (bad signature).');
  });
});
