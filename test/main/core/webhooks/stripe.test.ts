// Stripe provider: signatures checked against the stripe library's own test-header
// generator and constructEvent, tolerance edges, and the fields of common events.
import { describe, it, expect } from 'vitest';
import Stripe from 'stripe';
import { stripeProvider } from '../../../../src/main/core/webhooks/stripe';
import { hmacHex } from '../../../../src/main/core/webhooks/hmac';
import type { IncomingDelivery } from '../../../../src/main/core/webhooks/types';

const stripe = new Stripe('sk_test_x');
const SECRET = 'whsec_test_secret_1';
const NOW_S = 1_700_000_000;
const NOW = NOW_S * 1000;

function delivery(body: string | Buffer, signature?: string, now = NOW): IncomingDelivery {
  return {
    source: 'stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    contentType: 'application/json',
    now,
  };
}

function header(payload: string, secret = SECRET, timestamp = NOW_S): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

function reason(d: IncomingDelivery, secrets: string[] = [SECRET]): string {
  const result = stripeProvider.verify(d, secrets);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

function event(type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { id: 'evt_1', object: 'event', created: NOW_S, livemode: false, type, data: { object }, ...extra };
}

function normalize(payload: unknown) {
  const body = JSON.stringify(payload, null, 2);
  const d = delivery(body, header(body));
  return stripeProvider.normalize(d, stripeProvider.parse(d));
}

const BODY = JSON.stringify(event('checkout.session.completed', { id: 'cs_1', object: 'checkout.session' }), null, 2);

describe('stripeProvider.verify', () => {
  it('accepts a header from stripe.webhooks.generateTestHeaderString', () => {
    expect(stripeProvider.verify(delivery(BODY, header(BODY)), [SECRET])).toEqual({ ok: true });
  });

  it('keys the HMAC with the whole whsec_ secret, prefix included', () => {
    const sig = hmacHex('sha256', SECRET, `${NOW_S}.${BODY}`);
    expect(header(BODY)).toBe(`t=${NOW_S},v1=${sig}`);
    const stripped = hmacHex('sha256', SECRET.slice('whsec_'.length), `${NOW_S}.${BODY}`);
    expect(stripeProvider.verify(delivery(BODY, `t=${NOW_S},v1=${stripped}`), [SECRET]).ok).toBe(false);
  });

  it.each([
    [-299, true],
    [299, true],
    [-300, true],
    [300, true],
  ])('accepts a timestamp %i s from now', (offset, ok) => {
    const d = delivery(BODY, header(BODY, SECRET, NOW_S + offset));
    expect(stripeProvider.verify(d, [SECRET]).ok).toBe(ok);
  });

  it('rejects a timestamp 301 s old, and says how old', () => {
    const d = delivery(BODY, header(BODY, SECRET, NOW_S - 301));
    expect(reason(d)).toBe('timestamp 301 s old; Stripe signatures are valid for 300 s');
    expect(reason(delivery(BODY, header(BODY, SECRET, NOW_S - 412)))).toBe('timestamp 412 s old; Stripe signatures are valid for 300 s');
  });

  it('rejects a timestamp 301 s in the future', () => {
    const d = delivery(BODY, header(BODY, SECRET, NOW_S + 301));
    expect(reason(d)).toMatch(/^timestamp 301 s in the future; Stripe signatures are valid for 300 s/);
  });

  it('agrees with stripe.webhooks.constructEvent on the 300 s edge', () => {
    for (const age of [299, 300, 301]) {
      const h = header(BODY, SECRET, NOW_S - age);
      let theirs = true;
      try {
        stripe.webhooks.constructEvent(BODY, h, SECRET, 300, undefined, NOW);
      } catch {
        theirs = false;
      }
      expect(stripeProvider.verify(delivery(BODY, h), [SECRET]).ok).toBe(theirs);
    }
  });

  it('rejects a missing header', () => {
    expect(reason(delivery(BODY))).toMatch(/^missing Stripe-Signature header/);
  });

  it('rejects a duplicated t (as when the header is sent twice)', () => {
    const h = header(BODY);
    expect(reason(delivery(BODY, `${h}, ${h}`))).toMatch(/^Stripe-Signature header has 2 t= timestamps; expected exactly one/);
    expect(reason(delivery(BODY, `t=${NOW_S},t=${NOW_S},${h.split(',')[1]}`))).toMatch(/2 t= timestamps/);
  });

  it('rejects a header without a usable timestamp', () => {
    const v1 = header(BODY).split(',')[1];
    expect(reason(delivery(BODY, v1))).toMatch(/no valid t= timestamp/);
    expect(reason(delivery(BODY, `t=soon,${v1}`))).toMatch(/no valid t= timestamp/);
  });

  it('rejects a header with only v0', () => {
    const v0 = hmacHex('sha256', SECRET, `${NOW_S}.${BODY}`);
    expect(reason(delivery(BODY, `t=${NOW_S},v0=${v0}`))).toMatch(/^no v1 signature in Stripe-Signature header, only v0/);
  });

  it('passes when a garbage v1 sits next to a valid one, in either order', () => {
    const h = header(BODY);
    const [t, v1] = h.split(',');
    expect(stripeProvider.verify(delivery(BODY, `${t},v1=garbage,${v1}`), [SECRET]).ok).toBe(true);
    expect(stripeProvider.verify(delivery(BODY, `${t},${v1},v1=${'0'.repeat(64)}`), [SECRET]).ok).toBe(true);
    expect(stripeProvider.verify(delivery(BODY, `${t},v0=abc,${v1}`), [SECRET]).ok).toBe(true);
  });

  it('rejects a header whose only v1 is garbage', () => {
    expect(reason(delivery(BODY, `t=${NOW_S},v1=garbage`))).toMatch(/^malformed v1 signature/);
  });

  it('accepts any v1 against any secret (rotation) and rejects wrong secrets', () => {
    const d = delivery(BODY, header(BODY, 'whsec_new'));
    expect(stripeProvider.verify(d, ['whsec_old', 'whsec_new'])).toEqual({ ok: true });
    expect(reason(d, ['whsec_old', 'whsec_other'])).toBe('signature does not match any of the 2 configured secrets');
    expect(reason(d, ['whsec_old'])).toBe('signature does not match the configured secret');
  });

  it('diagnoses a body signed pretty but sent compact, and the reverse', () => {
    const value = JSON.parse(BODY);
    const compact = JSON.stringify(value);
    expect(reason(delivery(compact, header(BODY)))).toMatch(/^signature was computed over a re-serialized body/);
    expect(reason(delivery(BODY, header(compact)))).toMatch(/^signature was computed over a re-serialized body/);
  });
});

describe('stripeProvider.normalize', () => {
  it('extracts a checkout.session.completed', () => {
    const e = normalize(
      event('checkout.session.completed', {
        id: 'cs_1',
        object: 'checkout.session',
        amount_total: 4900,
        currency: 'usd',
        customer: 'cus_1',
        customer_details: { email: 'ada@example.com' },
        customer_email: null,
        payment_status: 'paid',
        status: 'complete',
        subscription: 'sub_1',
        invoice: 'in_1',
      }),
    );
    expect(e).toMatchObject({
      type: 'checkout.session.completed',
      subject: 'ada@example.com',
      deliveryId: 'evt_1',
      occurredAt: NOW,
      summary: 'checkout.session.completed: ada@example.com paid 49.00 USD',
    });
    expect(e.fields).toEqual({
      event_id: 'evt_1',
      object_type: 'checkout.session',
      object_id: 'cs_1',
      customer_id: 'cus_1',
      customer_email: 'ada@example.com',
      amount: 49,
      amount_minor: 4900,
      currency: 'usd',
      status: 'complete',
      livemode: false,
      plan: null,
      invoice_id: 'in_1',
      subscription_id: 'sub_1',
    });
  });

  it('extracts an invoice.payment_failed', () => {
    const e = normalize(
      event('invoice.payment_failed', {
        id: 'in_9',
        object: 'invoice',
        amount_due: 1999,
        amount_paid: 0,
        currency: 'eur',
        customer: 'cus_9',
        customer_email: 'bob@example.com',
        status: 'open',
        lines: { data: [{ price: { id: 'price_basic' } }] },
        parent: { subscription_details: { subscription: 'sub_9' } },
      }),
    );
    expect(e.fields).toMatchObject({
      amount: 19.99,
      amount_minor: 1999,
      invoice_id: 'in_9',
      subscription_id: 'sub_9',
      plan: 'price_basic',
      customer_email: 'bob@example.com',
    });
    expect(e.summary).toBe('invoice.payment_failed: payment of 19.99 EUR failed for bob@example.com');
  });

  it('extracts a customer.subscription.deleted with its plan', () => {
    const e = normalize(
      event('customer.subscription.deleted', {
        id: 'sub_3',
        object: 'subscription',
        customer: 'cus_3',
        status: 'canceled',
        items: { data: [{ price: { id: 'price_pro' } }] },
        plan: { id: 'plan_legacy' },
      }),
    );
    expect(e.subject).toBe('cus_3');
    expect(e.fields).toMatchObject({ plan: 'price_pro', subscription_id: 'sub_3', customer_id: 'cus_3', amount: null, amount_minor: null });
    expect(e.summary).toBe('customer.subscription.deleted: cus_3 (canceled)');
  });

  it('reads expanded customers and zero-decimal currencies', () => {
    const e = normalize(
      event('payment_intent.succeeded', {
        id: 'pi_1',
        object: 'payment_intent',
        amount: 5000,
        currency: 'jpy',
        customer: { id: 'cus_x', email: 'kenji@example.jp' },
        status: 'succeeded',
      }),
    );
    expect(e.fields).toMatchObject({ customer_id: 'cus_x', customer_email: 'kenji@example.jp', amount: 5000 });
    expect(e.summary).toBe('payment_intent.succeeded: kenji@example.jp paid 5000 JPY');
  });

  it('does not call an unpaid checkout paid', () => {
    const e = normalize(
      event('checkout.session.completed', { id: 'cs_2', object: 'checkout.session', amount_total: 0, currency: 'usd', payment_status: 'unpaid', status: 'complete' }),
    );
    expect(e.summary).toBe('checkout.session.completed: cs_2 0.00 USD (complete)');
  });

  it.each([null, [], 'x', {}, { type: 7, data: 'no' }, { data: { object: { amount_total: '49', customer: 5 } } }])(
    'does not throw on %j',
    (payload) => {
      const d = delivery('{}', undefined);
      const e = stripeProvider.normalize(d, payload);
      expect(e.summary.length).toBeGreaterThan(0);
      expect(e.summary.length).toBeLessThanOrEqual(200);
      expect(JSON.parse(JSON.stringify(e.fields))).toEqual(e.fields);
    },
  );
});

describe('stripeProvider.sample', () => {
  it('is accepted by stripe.webhooks.constructEvent and by verify', () => {
    const now = Date.now();
    const { headers, body, contentType } = stripeProvider.sample(SECRET, now);
    expect(contentType).toBe('application/json');
    const constructed = stripe.webhooks.constructEvent(body, headers['stripe-signature']!, SECRET);
    expect(constructed.type).toBe('checkout.session.completed');
    expect(constructed.id).toMatch(/^evt_test_[0-9a-f]+$/);
    const d = delivery(body, headers['stripe-signature'], now);
    expect(stripeProvider.verify(d, [SECRET])).toEqual({ ok: true });
    const e = stripeProvider.normalize(d, stripeProvider.parse(d));
    expect(e.deliveryId).toBe(constructed.id);
    expect(e.summary).toBe('checkout.session.completed: ada@example.com paid 49.00 USD');
  });

  it('uses a fresh event id and signs nothing without a secret', () => {
    const a = stripeProvider.sample(null, NOW);
    const b = stripeProvider.sample(null, NOW);
    expect(JSON.parse(a.body.toString()).id).not.toBe(JSON.parse(b.body.toString()).id);
    expect(a.headers['stripe-signature']).toBeUndefined();
  });
});
