// Slack provider: Slack's published signing test vector, tolerance edges, the three body
// kinds (Events API, slash commands, interactivity) and the url_verification reply.
import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { slackProvider } from '../../../../src/main/core/webhooks/slack';
import { hmacHex } from '../../../../src/main/core/webhooks/hmac';
import type { IncomingDelivery } from '../../../../src/main/core/webhooks/types';

const FORM = 'application/x-www-form-urlencoded';
// From https://api.slack.com/authentication/verifying-requests-from-slack. The body there
// runs /webhook-collect with empty text; the signature does not hold for any other body.
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const SECRET = VECTOR.secret;
const TS = VECTOR.timestamp;
const NOW = TS * 1000 + 2500;

function sign(body: string, secret = SECRET, ts = TS): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

function delivery(
  body: string | Buffer,
  headers: Record<string, string | undefined>,
  contentType = 'application/json',
  now = NOW,
): IncomingDelivery {
  return {
    source: 'slack',
    headers: { 'content-type': contentType, ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    contentType,
    now,
  };
}

function signed(body: string, contentType = 'application/json', ts = TS, secret = SECRET, extra: Record<string, string> = {}) {
  return delivery(body, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, secret, ts), ...extra }, contentType);
}

function reason(d: IncomingDelivery, secrets: string[] = [SECRET]): string {
  const result = slackProvider.verify(d, secrets);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

function normalize(d: IncomingDelivery) {
  return slackProvider.normalize(d, slackProvider.parse(d));
}

const vectorDelivery = (now = NOW) =>
  delivery(VECTOR.body, { 'x-slack-request-timestamp': String(TS), 'x-slack-signature': VECTOR.signature }, FORM, now);

describe('slackProvider.verify', () => {
  it('accepts Slack\'s published test vector', () => {
    expect(`v0=${hmacHex('sha256', SECRET, `v0:${TS}:${VECTOR.body}`)}`).toBe(VECTOR.signature);
    expect(slackProvider.verify(vectorDelivery(), [SECRET])).toEqual({ ok: true });
  });

  it('rejects the vector\'s signature over a tampered body', () => {
    const tampered = VECTOR.body.replace('command=%2Fwebhook-collect&text=', 'command=%2Fwebbot&text=test');
    const d = delivery(tampered, { 'x-slack-request-timestamp': String(TS), 'x-slack-signature': VECTOR.signature }, FORM);
    expect(reason(d)).toBe('signature does not match the configured secret');
  });

  it.each([
    [299_000, true],
    [-299_000, true],
    [301_000, false],
    [-301_000, false],
  ])('with the clock %i ms off: ok=%s', (offset, ok) => {
    expect(slackProvider.verify(vectorDelivery(TS * 1000 + offset), [SECRET]).ok).toBe(ok);
  });

  it('says how stale or how far ahead the timestamp is', () => {
    expect(reason(vectorDelivery(TS * 1000 + 301_000))).toBe('timestamp 301 s old; Slack signatures are valid for 300 s');
    expect(reason(vectorDelivery(TS * 1000 - 301_000))).toMatch(/^timestamp 301 s in the future; Slack signatures are valid for 300 s/);
  });

  it('names the missing header(s)', () => {
    const body = '{}';
    expect(reason(delivery(body, { 'x-slack-request-timestamp': String(TS) }))).toMatch(/^missing X-Slack-Signature header;/);
    expect(reason(delivery(body, { 'x-slack-signature': sign(body) }))).toMatch(/^missing X-Slack-Request-Timestamp header;/);
    expect(reason(delivery(body, {}))).toMatch(/^missing X-Slack-Signature and X-Slack-Request-Timestamp headers;/);
  });

  it('rejects headers sent twice', () => {
    const body = '{}';
    const sig = sign(body);
    expect(reason(delivery(body, { 'x-slack-request-timestamp': String(TS), 'x-slack-signature': `${sig}, ${sig}` }))).toMatch(
      /^X-Slack-Signature header was sent 2 times/,
    );
    expect(reason(delivery(body, { 'x-slack-request-timestamp': `${TS}, ${TS}`, 'x-slack-signature': sig }))).toMatch(
      /^X-Slack-Request-Timestamp header was sent 2 times/,
    );
  });

  it('rejects malformed values', () => {
    const body = '{}';
    expect(reason(delivery(body, { 'x-slack-request-timestamp': 'yesterday', 'x-slack-signature': sign(body) }))).toMatch(
      /^malformed X-Slack-Request-Timestamp header/,
    );
    const bare = sign(body).slice(3);
    for (const value of [bare, `v1=${bare}`, 'v0=nothex']) {
      expect(reason(delivery(body, { 'x-slack-request-timestamp': String(TS), 'x-slack-signature': value }))).toMatch(
        /^malformed X-Slack-Signature header; expected "v0="/,
      );
    }
  });

  it('tries every secret (rotation) and rejects wrong ones', () => {
    const d = signed('{"type":"event_callback"}', 'application/json', TS, 'new');
    expect(slackProvider.verify(d, ['old', 'new'])).toEqual({ ok: true });
    expect(reason(d, ['old', 'other'])).toBe('signature does not match any of the 2 configured secrets');
    expect(reason(d, ['old'])).toBe('signature does not match the configured secret');
  });

  it('diagnoses a re-serialized JSON body in both directions', () => {
    const value = { type: 'event_callback', event: { type: 'app_mention', text: 'hi' } };
    const compact = JSON.stringify(value);
    const pretty = JSON.stringify(value, null, 2);
    const sentCompact = delivery(compact, { 'x-slack-request-timestamp': String(TS), 'x-slack-signature': sign(pretty) });
    const sentPretty = delivery(pretty, { 'x-slack-request-timestamp': String(TS), 'x-slack-signature': sign(compact) });
    expect(reason(sentCompact)).toMatch(/^signature was computed over a re-serialized body, not the bytes that were sent/);
    expect(reason(sentPretty)).toMatch(/re-serialized body/);
  });
});

describe('slackProvider slash commands', () => {
  it('normalizes the test vector\'s slash command', () => {
    const e = normalize(vectorDelivery());
    expect(e).toMatchObject({
      type: 'slash_command',
      subject: 'G8PSS9T3V',
      deliveryId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      summary: '/webhook-collect by roadrunner in G8PSS9T3V',
    });
    expect(e.fields).toMatchObject({
      team_id: 'T1DC2JH3J',
      event_id: null,
      event_type: null,
      user: 'U2CERLKJA',
      channel: 'G8PSS9T3V',
      text: null,
      command: '/webhook-collect',
      retry_num: null,
    });
    expect(slackProvider.directReply?.(vectorDelivery(), slackProvider.parse(vectorDelivery()))).toBeNull();
  });
});

describe('slackProvider interactivity', () => {
  it('reads the JSON inside the payload field', () => {
    const interaction = {
      type: 'block_actions',
      trigger_id: '111.222.abc',
      team: { id: 'T1' },
      user: { id: 'U1', username: 'ada' },
      channel: { id: 'C1', name: 'general' },
      actions: [{ action_id: 'approve', value: 'yes' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(interaction))}`;
    const d = signed(body, FORM);
    expect(slackProvider.verify(d, [SECRET]).ok).toBe(true);
    const e = normalize(d);
    expect(e).toMatchObject({ type: 'interactive.block_actions', deliveryId: '111.222.abc', subject: 'C1' });
    expect(e.fields).toMatchObject({ team_id: 'T1', user: 'U1', channel: 'C1', text: 'yes', action_id: 'approve' });
    expect(e.summary).toBe('block_actions approve by U1 in C1: yes');
  });

  it('reports bad JSON in the payload field', () => {
    expect(() => slackProvider.parse(signed('payload=%7Bbroken', FORM))).toThrow(/the payload form field is not valid JSON/);
  });
});

describe('slackProvider Events API', () => {
  it('answers url_verification with the challenge', () => {
    const body = JSON.stringify({ token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const d = signed(body);
    const payload = slackProvider.parse(d);
    expect(slackProvider.directReply?.(d, payload)).toEqual({
      status: 200,
      body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
    });
    expect(slackProvider.normalize(d, payload)).toMatchObject({ type: 'url_verification', deliveryId: null });
  });

  it('does not reply directly to ordinary events', () => {
    const d = signed(JSON.stringify({ type: 'event_callback', event: { type: 'app_mention' } }));
    expect(slackProvider.directReply?.(d, slackProvider.parse(d))).toBeNull();
  });

  it('normalizes an app_mention', () => {
    const body = JSON.stringify({
      team_id: 'T9',
      type: 'event_callback',
      event_id: 'Ev123',
      event_time: TS,
      event: { type: 'app_mention', user: 'U123', channel: 'C456', text: 'hello\n  there', ts: `${TS}.000100` },
    });
    const e = normalize(signed(body, 'application/json', TS, SECRET, { 'x-slack-retry-num': '2' }));
    expect(e).toMatchObject({
      type: 'app_mention',
      subject: 'C456',
      deliveryId: 'Ev123',
      occurredAt: TS * 1000,
      summary: 'app_mention by U123 in C456: hello there',
    });
    expect(e.fields).toMatchObject({
      team_id: 'T9',
      event_id: 'Ev123',
      event_type: 'app_mention',
      user: 'U123',
      channel: 'C456',
      text: 'hello\n  there',
      ts: `${TS}.000100`,
      command: null,
      retry_num: 2,
    });
  });

  it('appends the subtype and clips long text', () => {
    const body = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev9',
      event: { type: 'message', subtype: 'channel_join', user: 'U1', channel: 'C1', text: 'x'.repeat(900) },
    });
    const e = normalize(signed(body));
    expect(e.type).toBe('message.channel_join');
    expect((e.fields.text as string).length).toBe(500);
    expect(e.summary.length).toBeLessThanOrEqual(200);
  });

  it.each([null, [], 'x', {}, { type: 'event_callback', event: 'nope' }, { type: 'event_callback', event: { type: 5, user: {}, channel: [] } }])(
    'does not throw on %j',
    (payload) => {
      const e = slackProvider.normalize(delivery('{}', {}), payload);
      expect(e.summary.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(e.fields))).toEqual(e.fields);
    },
  );
});

describe('slackProvider.sample', () => {
  it('is a signed app_mention that verifies', () => {
    const now = 1_700_000_000_123;
    const { headers, body, contentType } = slackProvider.sample(SECRET, now);
    expect(contentType).toBe('application/json');
    const ts = headers['x-slack-request-timestamp']!;
    expect(ts).toBe('1700000000');
    expect(headers['x-slack-signature']).toBe(sign(body.toString('utf8'), SECRET, Number(ts)));
    const d = delivery(body, headers, 'application/json', now);
    expect(slackProvider.verify(d, [SECRET])).toEqual({ ok: true });
    const e = normalize(d);
    expect(e.type).toBe('app_mention');
    expect(e.deliveryId).toMatch(/^Ev[0-9A-F]{10}$/);
    expect(slackProvider.sample(SECRET, now).body.equals(body)).toBe(false);
  });
});
