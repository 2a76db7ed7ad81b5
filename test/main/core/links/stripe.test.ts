// TIDINGS_STRIPE_API_URL as the stripe client's host, port and protocol, and the mode a key belongs to.
import { describe, expect, it } from 'vitest';
import { stripeClientOptions, stripeMode } from '../../../../src/main/core/links/stripe';
import { retryAfterSeconds } from '../../../../src/main/core/links/errors';

describe('stripe client options', () => {
  it.each([
    ['https://api.stripe.com', { host: 'api.stripe.com', port: 443, protocol: 'https' }],
    ['http://127.0.0.1:12111', { host: '127.0.0.1', port: 12111, protocol: 'http' }],
    ['https://stripe.internal:8443/', { host: 'stripe.internal', port: 8443, protocol: 'https' }],
    ['http://localhost', { host: 'localhost', port: 80, protocol: 'http' }],
  ])('%s', (url, options) => {
    expect(stripeClientOptions(url)).toEqual(options);
  });

  it('refuses what is not an http(s) URL, naming the variable', () => {
    expect(() => stripeClientOptions('api.stripe.com')).toThrow(/TIDINGS_STRIPE_API_URL.*is not a URL/);
    expect(() => stripeClientOptions('ftp://api.stripe.com')).toThrow(/must be http\(s\)/);
  });

  it.each([
    ['sk_test_abc', 'test'],
    ['rk_test_abc', 'test'],
    ['sk_live_abc', 'live'],
    ['rk_live_abc', 'live'],
  ])('%s is %s mode', (key, mode) => {
    expect(stripeMode(key)).toBe(mode);
  });

  it.each([
    ['42', 42],
    ['0', 1],
    [undefined, null],
    ['soon', null],
    [new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), 30],
  ])('Retry-After %j is %j s', (value, seconds) => {
    expect(retryAfterSeconds(value, Date.UTC(2030, 0, 1))).toBe(seconds);
  });
});
