// Stripe webhooks: the Stripe-Signature scheme (HMAC-SHA256 of `${t}.${body}`, keyed with
// the whole whsec_ secret, as Stripe's own libraries do) and the customer, amount and
// subscription fields that the follow-up actions are built from.
import { randomBytes } from 'node:crypto';
import { anySignatureMatches, hmac, hmacHex } from './hmac';
import type { IncomingDelivery, NormalizedEvent, Provider, VerifyResult } from './types';
import {
  at,
  bool,
  fail,
  firstText,
  header,
  hexSignature,
  idOf,
  mismatchReason,
  NO_SECRETS,
  num,
  OK,
  oneLine,
  parseJson,
  text,
  timestampReason,
  unixSeconds,
  usableSecrets,
  type Json,
} from './util';

const JSON_TYPE = 'application/json';
const LABEL = 'Stripe-Signature';

interface SignatureHeader {
  timestamps: string[];
  v1: string[];
  v0: number;
}

export const stripeProvider: Provider = {
  kind: 'stripe',
  contentTypes: [JSON_TYPE],

  verify(delivery: IncomingDelivery, secrets: readonly string[]): VerifyResult {
    const keys = usableSecrets(secrets);
    if (keys.length === 0) return fail(NO_SECRETS);
    const value = header(delivery, 'stripe-signature');
    if (value === undefined) return fail(`missing ${LABEL} header; Stripe signs every delivery to an endpoint, so this did not come from Stripe directly`);
    const parsed = parseSignatureHeader(value);
    const problem = headerProblem(parsed);
    if (problem) return fail(problem);
    const t = unixSeconds(parsed.timestamps[0] ?? '') ?? 0;
    const stale = timestampReason(t, delivery.now, 'Stripe');
    if (stale) return fail(stale);
    // Stripe may list several v1 values while rolling a secret; junk among them is ignored.
    const signatures = parsed.v1.map((v) => hexSignature(v, 64)).filter((b): b is Buffer => b !== null);
    if (signatures.length === 0) return fail(`malformed v1 signature in ${LABEL} header; expected 64 hex digits`);
    const signedWith = (body: Buffer): boolean =>
      anySignatureMatches(signatures, keys, (key) => hmac('sha256', key, [`${t}.`, body]));
    if (signedWith(delivery.body)) return OK;
    return fail(mismatchReason(delivery.body, signedWith, keys.length));
  },

  parse(delivery: IncomingDelivery): unknown {
    return parseJson(delivery.body);
  },

  normalize(_delivery: IncomingDelivery, payload: unknown): NormalizedEvent {
    const type = text(at(payload, 'type')) ?? 'unknown';
    const fields = extractFields(payload);
    const subject = firstText(fields.customer_email, fields.customer_id, fields.object_id);
    const created = num(at(payload, 'created'));
    return {
      type,
      subject,
      summary: oneLine(summarize(type, fields, at(payload, 'data', 'object')), 200),
      occurredAt: created === null ? null : created * 1000,
      deliveryId: text(at(payload, 'id')),
      fields,
    };
  },

  sample(secret: string | null, now: number) {
    // Stripe sends its events pretty-printed; matching that keeps re-serialization bugs visible.
    const body = Buffer.from(JSON.stringify(sampleEvent(Math.floor(now / 1000)), null, 2), 'utf8');
    return { headers: stripeProvider.envelope(body, secret, now), body, contentType: JSON_TYPE };
  },

  envelope(body: Buffer, secret: string | null, now: number) {
    const t = Math.floor(now / 1000);
    const headers: Record<string, string> = {
      'content-type': `${JSON_TYPE}; charset=utf-8`,
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    };
    if (secret !== null) headers['stripe-signature'] = `t=${t},v1=${hmacHex('sha256', secret, [`${t}.`, body])}`;
    return headers;
  },
};

function parseSignatureHeader(value: string): SignatureHeader {
  const parsed: SignatureHeader = { timestamps: [], v1: [], v0: 0 };
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') parsed.timestamps.push(val);
    else if (key === 'v1') parsed.v1.push(val);
    else if (key === 'v0') parsed.v0++;
  }
  return parsed;
}

function headerProblem(h: SignatureHeader): string | null {
  if (h.timestamps.length > 1) {
    return `${LABEL} header has ${h.timestamps.length} t= timestamps; expected exactly one (was the header sent more than once?)`;
  }
  if (h.timestamps.length === 0 || unixSeconds(h.timestamps[0] ?? '') === null) {
    return `${LABEL} header has no valid t= timestamp; expected t=<unix seconds>,v1=<hex signature>`;
  }
  if (h.v1.length === 0 && h.v0 > 0) {
    return `no v1 signature in ${LABEL} header, only v0; only v1 (HMAC-SHA256) signatures are accepted`;
  }
  if (h.v1.length === 0) return `no v1 signature in ${LABEL} header; expected t=<unix seconds>,v1=<hex signature>`;
  return null;
}

// ---------------------------------------------------------------------------------------
// Fields. `data.object` is whatever the event is about: a checkout session, an invoice,
// a subscription, a charge... so each field tries the places those objects keep it.

function extractFields(payload: unknown): Json {
  const o = at(payload, 'data', 'object');
  const objectType = text(at(o, 'object'));
  const objectId = text(at(o, 'id'));
  const amountMinor =
    num(at(o, 'amount_total')) ?? num(at(o, 'amount_due')) ?? num(at(o, 'amount')) ?? num(at(o, 'amount_paid'));
  const currency = text(at(o, 'currency'));
  return {
    event_id: text(at(payload, 'id')),
    object_type: objectType,
    object_id: objectId,
    customer_id: objectType === 'customer' ? objectId : idOf(at(o, 'customer')),
    customer_email: firstText(
      at(o, 'customer_email'),
      at(o, 'customer_details', 'email'),
      at(o, 'receipt_email'),
      objectType === 'customer' ? at(o, 'email') : null,
      at(o, 'billing_details', 'email'),
      at(o, 'customer', 'email'),
    ),
    amount: amountMinor === null ? null : amountMinor / 10 ** decimalsOf(currency),
    amount_minor: amountMinor,
    currency,
    status: text(at(o, 'status')),
    livemode: bool(at(payload, 'livemode')),
    plan: firstText(at(o, 'items', 'data', 0, 'price', 'id'), at(o, 'plan', 'id'), at(o, 'lines', 'data', 0, 'price', 'id')),
    invoice_id: objectType === 'invoice' ? objectId : idOf(at(o, 'invoice')),
    subscription_id:
      objectType === 'subscription'
        ? objectId
        : (idOf(at(o, 'subscription')) ?? text(at(o, 'parent', 'subscription_details', 'subscription'))),
  };
}

// Stripe amounts are in the currency's smallest unit, which is not always a hundredth.
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

function decimalsOf(currency: string | null): number {
  const c = currency?.toLowerCase() ?? '';
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

function money(f: Json): string | null {
  if (typeof f.amount_minor !== 'number') return null;
  const currency = text(f.currency);
  const decimals = decimalsOf(currency);
  const amount = (f.amount_minor / 10 ** decimals).toFixed(decimals);
  return currency ? `${amount} ${currency.toUpperCase()}` : amount;
}

const PAID = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'invoice.paid',
  'invoice.payment_succeeded',
  'payment_intent.succeeded',
  'charge.succeeded',
]);
const FAILED = new Set([
  'checkout.session.async_payment_failed',
  'invoice.payment_failed',
  'payment_intent.payment_failed',
  'charge.failed',
]);

function summarize(type: string, f: Json, o: unknown): string {
  const who = firstText(f.customer_email, f.customer_id, f.object_id) ?? 'unknown customer';
  const amount = money(f);
  // A completed checkout can still be unpaid (trials, delayed payment methods).
  const paid = PAID.has(type) && (text(at(o, 'payment_status')) ?? 'paid') === 'paid';
  if (paid && amount) return `${type}: ${who} paid ${amount}`;
  if (FAILED.has(type)) return `${type}: payment${amount ? ` of ${amount}` : ''} failed for ${who}`;
  const status = text(f.status);
  return `${type}: ${who}${amount ? ` ${amount}` : ''}${status ? ` (${status})` : ''}`;
}

// ---------------------------------------------------------------------------------------
// Sample: a checkout.session.completed event as Stripe delivers it, trimmed.

function sampleEvent(t: number): Json {
  const rand = (n: number) => randomBytes(n).toString('hex');
  return {
    id: `evt_test_${rand(12)}`,
    object: 'event',
    api_version: '2024-06-20',
    created: t,
    data: {
      object: {
        id: `cs_test_${rand(16)}`,
        object: 'checkout.session',
        amount_subtotal: 4900,
        amount_total: 4900,
        currency: 'usd',
        customer: `cus_test_${rand(7)}`,
        customer_details: { email: 'ada@example.com', name: 'Ada Lovelace' },
        customer_email: 'ada@example.com',
        livemode: false,
        mode: 'subscription',
        payment_status: 'paid',
        status: 'complete',
        subscription: `sub_test_${rand(12)}`,
        created: t - 60,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
  };
}
