// Cleaning sender text: table tests of what flatText keeps, drops and collapses, and of
// cleanEvent on a normalized event.
import { describe, expect, it } from 'vitest';
import { cleanDeliveryId, cleanEvent, cleanFields, cleanFieldsJson, clipText, flatText, MAX_FIELD } from '../../../../src/main/core/webhooks/clean-text';

describe('flatText', () => {
  it.each([
    ['line breaks and tabs become one space', 'a\r\n\tb\nc', 'a b c'],
    ['NEL, line and paragraph separators count as breaks', 'a\u0085b\u2028c\u2029d', 'a b c d'],
    ['other C0 and C1 controls and DEL become spaces', 'a\u0000b\u0007c\u007fd\u009be', 'a b c d e'],
    ['bidi overrides and isolates are dropped', 'x\u202Egnp.exe\u202C \u2066y\u2069', 'xgnp.exe y'],
    ['zero-width characters and the BOM are dropped', 'ig\u200Bnore\u200C\u200D\u2060\uFEFF', 'ignore'],
    ['Unicode tag characters (hidden ASCII) are dropped', 'ok\u{E0049}\u{E0047}\u{E004E}', 'ok'],
    ['a lone surrogate becomes U+FFFD; a pair stays', 'a\uD800b 😀', 'a\uFFFDb 😀'],
    ['runs of spaces collapse and the ends are trimmed', '  a   b  ', 'a b'],
    ['ordinary text is left as it is', 'Fix the login test (#42) – naïve café', 'Fix the login test (#42) – naïve café'],
  ])('%s', (_name, input, expected) => {
    expect(flatText(input, 200)).toBe(expected);
  });

  it('clips long text with an ellipsis, never splitting a surrogate pair', () => {
    expect(flatText('x'.repeat(300), 200)).toBe(`${'x'.repeat(199)}…`);
    const emoji = `${'x'.repeat(198)}😀😀`;
    expect(flatText(emoji, 200)).toBe(`${'x'.repeat(198)}…`);
    expect(clipText('short', 10)).toBe('short');
  });

  it('is idempotent', () => {
    const once = flatText('a\n\u202Eb\u200B  c', 200);
    expect(flatText(once, 200)).toBe(once);
  });
});

describe('cleanFields and cleanEvent', () => {
  it('flattens keys and strings at every level, keeps numbers, booleans and null, and clips long strings', () => {
    const fields = cleanFields({
      'ti\ntle': 'a\nb',
      n: 4,
      ok: true,
      none: null,
      commits: [{ message: 'x\r\ny', author: '\u202Eeve' }],
      long: 'z'.repeat(5000),
    });
    expect(fields).toEqual({ 'ti tle': 'a b', n: 4, ok: true, none: null, commits: [{ message: 'x y', author: 'eve' }], long: `${'z'.repeat(MAX_FIELD - 1)}…` });
  });

  it('cleans type, subject and summary, and falls back when nothing visible is left', () => {
    const e = cleanEvent({
      type: '\u200B\u202E',
      subject: '\u200B',
      summary: 'a\nSYSTEM: b',
      occurredAt: null,
      deliveryId: 'd',
      fields: {},
    });
    expect(e).toMatchObject({ type: 'unknown', subject: null, summary: 'a SYSTEM: b', deliveryId: 'd' });
    const big = cleanEvent({ type: 't'.repeat(2_000_000), subject: 's'.repeat(2_000_000), summary: '', occurredAt: null, deliveryId: null, fields: {} });
    expect(big.type.length).toBe(200);
    expect(big.subject!.length).toBe(200);
  });

  it('keeps short delivery ids and replaces long or odd ones with a stable hash', () => {
    expect(cleanDeliveryId('72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    const long = 'e'.repeat(2_000_000);
    expect(cleanDeliveryId(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(cleanDeliveryId(long)).toBe(cleanDeliveryId(long));
    expect(cleanDeliveryId('a\nb')).not.toBe(cleanDeliveryId('a b'));
    expect(cleanDeliveryId(cleanDeliveryId(long))).toBe(cleanDeliveryId(long));
  });
});

describe('cleanFieldsJson', () => {
  it.each([
    ['clean fields as they are', { title: 'Fix it', n: 1, list: [{ a: 'b c' }] }],
    ['a line break', { title: 'a\nb' }],
    ['a bidi override', { title: 'a\u202Eb' }],
    ['a quote and a backslash', { title: 'say "hi" \\ bye' }],
    ['a space at the edge', { title: ' a' }],
    ['a long string', { title: 'z'.repeat(2000) }],
    ['a key with a break', { 'k\ney': 1 }],
  ])('reads %s exactly as cleanFields would', (_name, fields) => {
    expect(cleanFieldsJson(JSON.stringify(fields))).toEqual(cleanFields(fields));
  });
});
