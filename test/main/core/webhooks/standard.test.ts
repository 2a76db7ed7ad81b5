// Standard Webhooks provider: signatures checked against the `standardwebhooks` library
// in both directions, header edge cases, and generic normalization of unknown payloads.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { standardProvider } from '../../../../src/main/core/webhooks/standard';
import { providerFor, KNOWN_PROVIDERS } from '../../../../src/main/core/webhooks/providers';
import { oneLine } from '../../../../src/main/core/webhooks/util';
import type { IncomingDelivery } from '../../../../src/main/core/webhooks/types';

const NOW_S = 1_700_000_000;
const NOW = NOW_S * 1000;
const SECRET = `whsec_${Buffer.from('tidings-standard-webhooks-key-01').toString('base64')}`;
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const BODY = JSON.stringify({ type: 'user.created', timestamp: '2023-11-14T22:13:20Z', data: { id: 'u_1', name: 'Ada' } });

function delivery(body: string | Buffer, headers: Record<string, string | undefined>, contentType = 'application/json', now = NOW): IncomingDelivery {
  return {
    source: 'my-app',
    headers: { 'content-type': contentType, ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    contentType,
    now,
  };
}

function signed(body = BODY, secret = SECRET, ts = NOW_S, id = MSG_ID, contentType = 'application/json') {
  const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
  return delivery(body, { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature }, contentType);
}

function reason(d: IncomingDelivery, secrets: string[] = [SECRET]): string {
  const result = standardProvider.verify(d, secrets);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

function withSignature(d: IncomingDelivery, value: string): IncomingDelivery {
  return { ...d, headers: { ...d.headers, 'webhook-signature': value } };
}

describe('standardProvider.verify', () => {
  it('accepts what the standardwebhooks library signs', () => {
    expect(standardProvider.verify(signed(), [SECRET])).toEqual({ ok: true });
  });

  it('accepts a secret without the whsec_ prefix', () => {
    expect(standardProvider.verify(signed(), [SECRET.slice('whsec_'.length)])).toEqual({ ok: true });
  });

  it('uses the UTF-8 bytes of a secret that is not base64', () => {
    const secret = 'not base64!';
    const sig = createHmac('sha256', Buffer.from(secret)).update(`${MSG_ID}.${NOW_S}.${BODY}`).digest('base64');
    const d = delivery(BODY, { 'webhook-id': MSG_ID, 'webhook-timestamp': String(NOW_S), 'webhook-signature': `v1,${sig}` });
    expect(standardProvider.verify(d, [secret])).toEqual({ ok: true });
  });

  it.each([
    [-299, true],
    [299, true],
    [-301, false],
    [301, false],
  ])('with a timestamp %i s from now: ok=%s', (offset, ok) => {
    expect(standardProvider.verify(signed(BODY, SECRET, NOW_S + offset), [SECRET]).ok).toBe(ok);
  });

  it('says how stale or how far ahead the timestamp is', () => {
    expect(reason(signed(BODY, SECRET, NOW_S - 301))).toBe('timestamp 301 s old; Standard Webhooks signatures are valid for 300 s');
    expect(reason(signed(BODY, SECRET, NOW_S + 301))).toMatch(/^timestamp 301 s in the future; Standard Webhooks signatures are valid for 300 s/);
  });

  it('names each missing header', () => {
    const d = signed();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = { ...d.headers, [name]: undefined };
      expect(reason({ ...d, headers })).toMatch(new RegExp(`^missing ${name} header;`));
    }
    expect(reason(delivery(BODY, {}))).toMatch(/^missing webhook-id, webhook-timestamp, webhook-signature headers;/);
  });

  it('rejects a repeated webhook-id or webhook-timestamp', () => {
    const d = signed();
    expect(reason({ ...d, headers: { ...d.headers, 'webhook-id': `${MSG_ID}, ${MSG_ID}` } })).toMatch(/^webhook-id header was sent more than once/);
    expect(reason({ ...d, headers: { ...d.headers, 'webhook-timestamp': `${NOW_S}, ${NOW_S}` } })).toMatch(
      /^webhook-timestamp header was sent more than once/,
    );
    expect(reason({ ...d, headers: { ...d.headers, 'webhook-timestamp': 'now' } })).toMatch(/^malformed webhook-timestamp header/);
  });

  it('passes with garbage or other versions next to a valid v1', () => {
    const d = signed();
    const valid = d.headers['webhook-signature']!;
    expect(standardProvider.verify(withSignature(d, `v1,garbage ${valid}`), [SECRET]).ok).toBe(true);
    expect(standardProvider.verify(withSignature(d, `v1a,${'A'.repeat(86)}== ${valid}`), [SECRET]).ok).toBe(true);
    expect(standardProvider.verify(withSignature(d, `${valid} v1,${randomBytes(32).toString('base64')}`), [SECRET]).ok).toBe(true);
    // A repeated header arrives joined with ", ".
    expect(standardProvider.verify(withSignature(d, `v1,${randomBytes(32).toString('base64')}, ${valid}`), [SECRET]).ok).toBe(true);
  });

  it('fails when there is no v1 entry', () => {
    const d = signed();
    expect(reason(withSignature(d, `v1a,${'A'.repeat(86)}==`))).toBe(
      'no v1 entry in webhook-signature header (found v1a); only v1 (HMAC-SHA256) signatures are checked',
    );
  });

  it('tries every secret (rotation) and rejects wrong ones', () => {
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    const third = `whsec_${randomBytes(24).toString('base64')}`;
    const d = signed(BODY, other);
    expect(standardProvider.verify(d, [SECRET, other])).toEqual({ ok: true });
    expect(reason(d, [SECRET, third])).toBe('signature does not match any of the 2 configured secrets');
    expect(reason(d, [SECRET])).toBe('signature does not match the configured secret');
  });

  it('diagnoses a re-serialized body in both directions', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    const signedPretty = signed(pretty);
    expect(reason({ ...signedPretty, body: Buffer.from(BODY) })).toMatch(/^signature was computed over a re-serialized body, not the bytes that were sent/);
    const signedCompact = signed(BODY);
    expect(reason({ ...signedCompact, body: Buffer.from(pretty) })).toMatch(/re-serialized body/);
  });
});

describe('standardProvider.parse', () => {
  it('wraps text/plain and decodes forms', () => {
    expect(standardProvider.parse(delivery('build failed\non main', {}, 'text/plain'))).toEqual({ text: 'build failed\non main' });
    expect(standardProvider.parse(delivery('a=1&b=two+words&a=3', {}, 'application/x-www-form-urlencoded'))).toEqual({
      a: ['1', '3'],
      b: 'two words',
    });
  });

  it('reports bad JSON with a position', () => {
    expect(() => standardProvider.parse(delivery('{"a":1,}', {}))).toThrow(/body is not valid JSON: .*at position 7/);
  });
});

describe('standardProvider.normalize', () => {
  it('reads a Standard Webhooks envelope', () => {
    const d = signed();
    const e = standardProvider.normalize(d, standardProvider.parse(d));
    expect(e).toMatchObject({
      type: 'user.created',
      subject: null,
      deliveryId: MSG_ID,
      occurredAt: Date.parse('2023-11-14T22:13:20Z'),
      summary: 'my-app: user.created — Ada',
    });
    expect(e.fields).toEqual({ type: 'user.created', timestamp: '2023-11-14T22:13:20Z', 'data.id': 'u_1', 'data.name': 'Ada' });
  });

  it('falls back through event, event_type and action for the type', () => {
    const d = delivery('{}', {});
    expect(standardProvider.normalize(d, { event: 'build.done' }).type).toBe('build.done');
    expect(standardProvider.normalize(d, { event_type: 'x.y' }).type).toBe('x.y');
    expect(standardProvider.normalize(d, { action: 'ran' }).type).toBe('ran');
    expect(standardProvider.normalize(d, { type: 5, event: { name: 'n' } }).type).toBe('webhook');
  });

  it('finds a subject and a hint', () => {
    const d = delivery('{}', {});
    const e = standardProvider.normalize(d, { type: 'build.failed', repository: { full_name: 'octo/hello' }, message: 'Build 42 failed' });
    expect(e.subject).toBe('octo/hello');
    expect(e.summary).toBe('my-app: build.failed — Build 42 failed');
    expect(standardProvider.normalize(d, { project: 'web' }).subject).toBe('web');
  });

  it('keeps at most 30 scalar fields, clips long strings and skips objects', () => {
    const payload: Record<string, unknown> = { long: 'z'.repeat(500), nested: { a: 1 }, list: [1], nothing: null, flag: true };
    for (let i = 0; i < 40; i++) payload[`k${i}`] = i;
    const e = standardProvider.normalize(delivery('{}', {}), payload);
    expect(Object.keys(e.fields).length).toBe(30);
    expect((e.fields.long as string).length).toBe(200);
    expect(e.fields.flag).toBe(true);
    expect(e.fields).not.toHaveProperty('nested');
    expect(e.fields).not.toHaveProperty('nothing');
  });

  it('normalizes text/plain bodies', () => {
    const d = delivery('deploy finished', {}, 'text/plain');
    const e = standardProvider.normalize(d, standardProvider.parse(d));
    expect(e).toMatchObject({ type: 'webhook', summary: 'my-app: webhook — deploy finished', fields: { text: 'deploy finished' } });
  });

  it('reads unix-second and millisecond timestamps', () => {
    const d = delivery('{}', {});
    expect(standardProvider.normalize(d, { timestamp: NOW_S }).occurredAt).toBe(NOW);
    expect(standardProvider.normalize(d, { created_at: NOW }).occurredAt).toBe(NOW);
    expect(standardProvider.normalize(d, { timestamp: 'last tuesday' }).occurredAt).toBeNull();
  });

  it.each([null, [], 1, 'str', {}, JSON.parse('{"__proto__":{"polluted":1},"type":"t"}')])('does not throw on %j', (payload) => {
    const e = standardProvider.normalize(delivery('{}', {}), payload);
    expect(e.summary.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(e.fields))).toEqual(e.fields);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('standardProvider.sample', () => {
  it('is accepted by the standardwebhooks library and by verify', () => {
    const now = Date.now();
    const { headers, body, contentType } = standardProvider.sample(SECRET, now);
    expect(contentType).toBe('application/json');
    expect(new Webhook(SECRET).verify(body, headers)).toMatchObject({ type: 'test.event' });
    const d = delivery(body, headers, 'application/json', now);
    expect(standardProvider.verify(d, [SECRET])).toEqual({ ok: true });
    const e = standardProvider.normalize(d, standardProvider.parse(d));
    expect(e.type).toBe('test.event');
    expect(e.deliveryId).toBe(headers['webhook-id']);
    expect(standardProvider.sample(SECRET, now).headers['webhook-id']).not.toBe(headers['webhook-id']);
    expect(standardProvider.sample(null, now).headers['webhook-signature']).toBeUndefined();
  });
});

describe('providerFor', () => {
  it('picks the named providers and falls back to Standard Webhooks', () => {
    expect(KNOWN_PROVIDERS).toEqual(['github', 'stripe', 'vercel', 'slack']);
    for (const name of KNOWN_PROVIDERS) expect(providerFor(name).kind).toBe(name);
    expect(providerFor('my-app').kind).toBe('standard');
    expect(providerFor('constructor').kind).toBe('standard');
  });
});

describe('oneLine', () => {
  it('collapses whitespace and truncates with an ellipsis', () => {
    expect(oneLine('  a\n\tb   c ', 200)).toBe('a b c');
    expect(oneLine('abcdef', 4)).toBe('abc…');
    expect(oneLine(`${'a'.repeat(198)}😀😀`, 200)).toBe(`${'a'.repeat(198)}…`);
  });
});
