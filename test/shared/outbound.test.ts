// How target URLs are shown: every path segment that could be a credential is masked.
import { describe, expect, it } from 'vitest';
import { maskTargetUrl } from '../../src/shared/outbound';

describe('maskTargetUrl', () => {
  it.each([
    // Zapier: an account id, then a short all-letter token that looks like any word.
    ['https://hooks.zapier.com/hooks/catch/123456/abcdefg/', 'https://hooks.zapier.com/hooks/catch/…/…/'],
    // Slack incoming webhooks: team id, bot id, token.
    ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/…/…/…'],
    // Discord: webhook id, then token.
    ['https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-JKLmno', 'https://discord.com/api/webhooks/…/…'],
    // Microsoft Teams (Office 365 connector).
    ['https://outlook.office.com/webhook/5a2e-b0f1@9a7c/IncomingWebhook/8f3a/77b2', 'https://outlook.office.com/webhook/…/…/…/…'],
    // A token as the first segment.
    ['https://relay.example/9f8e7d6c5b4a', 'https://relay.example/…'],
    // A long lower-case token is not a word.
    ['https://x.example/hooks/abcdefghijabcdefghijabcdefghijabc', 'https://x.example/hooks/…'],
    // Percent-encoding, upper-case runs and mixed case are not route words.
    ['https://x.example/hooks/a%20b', 'https://x.example/hooks/…'],
    ['https://x.example/hooks/ABCDEFG', 'https://x.example/hooks/…'],
    ['https://x.example/hooks/aBcDeF', 'https://x.example/hooks/…'],
    // The query is hidden, the fragment dropped.
    ['https://example.com/hooks/tidings?token=abc&x=1#frag', 'https://example.com/hooks/tidings?…'],
    // Ordinary routes are shown as they are.
    ['http://localhost:3000/webhooks/github', 'http://localhost:3000/webhooks/github'],
    ['http://127.0.0.1:8080/api/v1/Events/webhook.php', 'http://127.0.0.1:8080/api/v1/Events/webhook.php'],
    ['https://example.com/stripe_events/in-bound', 'https://example.com/stripe_events/in-bound'],
    ['https://example.com', 'https://example.com/'],
  ])('%s → %s', (url, shown) => {
    expect(maskTargetUrl(url)).toBe(shown);
  });

  it('is idempotent, so a client may mask what the core already masked', () => {
    const once = maskTargetUrl('https://hooks.zapier.com/hooks/catch/123456/abcdefg/?a=b');
    expect(maskTargetUrl(once)).toBe(once);
  });

  it('shows nothing of a string that is not a URL', () => {
    expect(maskTargetUrl('not a url/with/secret')).toBe('…');
  });
});
