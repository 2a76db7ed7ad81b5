// Any source without a dedicated module: verified with the Standard Webhooks scheme
// (webhook-id / webhook-timestamp / webhook-signature) and normalized generically from
// whatever top-level fields the payload has. Senders on Svix (Clerk, Resend and others)
// send the same scheme under svix-id / svix-timestamp / svix-signature; both sets work.
import { randomBytes } from 'node:crypto';
import { anySignatureMatches, hmac, hmacBase64 } from './hmac';
import type { IncomingDelivery, NormalizedEvent, Provider, VerifyResult } from './types';
import {
  at,
  clip,
  fail,
  firstText,
  header,
  mismatchReason,
  NO_SECRETS,
  obj,
  OK,
  oneLine,
  parseForm,
  parseJson,
  text,
  timestampReason,
  toMs,
  unixSeconds,
  usableSecrets,
  type Json,
} from './util';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const TEXT_TYPE = 'text/plain';
/** The two names the scheme travels under: the spec's, and Svix's older one. */
type Prefix = 'webhook' | 'svix';
const headersOf = (prefix: Prefix) => [`${prefix}-id`, `${prefix}-timestamp`, `${prefix}-signature`] as const;

/** The spec's headers when any of them came, else Svix's when any of them came, else the spec's (for messages). */
function prefixOf(delivery: IncomingDelivery): Prefix {
  if (headersOf('webhook').some((name) => header(delivery, name) !== undefined)) return 'webhook';
  return headersOf('svix').some((name) => header(delivery, name) !== undefined) ? 'svix' : 'webhook';
}
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_FIELDS = 30;

export const standardProvider: Provider = {
  kind: 'standard',
  contentTypes: [JSON_TYPE, FORM_TYPE, TEXT_TYPE],

  verify(delivery: IncomingDelivery, secrets: readonly string[]): VerifyResult {
    const keys = usableSecrets(secrets);
    if (keys.length === 0) return fail(NO_SECRETS);
    const prefix = prefixOf(delivery);
    const [id, tsValue, sigValue] = headersOf(prefix).map((name) => header(delivery, name));
    if (id === undefined || tsValue === undefined || sigValue === undefined) return fail(missingHeaders(delivery, prefix));
    const repeated = id.includes(', ') ? `${prefix}-id` : tsValue.includes(',') ? `${prefix}-timestamp` : null;
    if (repeated) return fail(`${repeated} header was sent more than once; it must be sent exactly once (is a proxy adding a copy?)`);
    const ts = unixSeconds(tsValue);
    if (ts === null) return fail(`malformed ${prefix}-timestamp header; expected unix seconds`);
    const stale = timestampReason(ts, delivery.now, 'Standard Webhooks');
    if (stale) return fail(stale);
    const entries = signatureEntries(sigValue);
    const signatures = entries.filter((e) => e.version === 'v1').map((e) => decodeBase64(e.value));
    if (signatures.length === 0) return fail(noV1Reason(entries, prefix));
    const valid = signatures.filter((b): b is Buffer => b !== null);
    const signedWith = (body: Buffer): boolean =>
      anySignatureMatches(valid, keys, (secret) => hmac('sha256', keyBytes(secret), [`${id}.${tsValue}.`, body]));
    if (signedWith(delivery.body)) return OK;
    return fail(mismatchReason(delivery.body, signedWith, keys.length));
  },

  parse(delivery: IncomingDelivery): unknown {
    if (delivery.contentType === TEXT_TYPE) return { text: delivery.body.toString('utf8') };
    if (delivery.contentType === FORM_TYPE) return parseForm(delivery.body);
    return parseJson(delivery.body);
  },

  normalize(delivery: IncomingDelivery, payload: unknown): NormalizedEvent {
    const type = firstText(at(payload, 'type'), at(payload, 'event'), at(payload, 'event_type'), at(payload, 'action')) ?? 'webhook';
    const fields = extractFields(payload);
    const hint = firstText(...HINT_KEYS.map((k) => at(payload, k)), ...HINT_KEYS.map((k) => at(payload, 'data', k)));
    return {
      type,
      subject: subjectOf(payload),
      summary: oneLine(`${delivery.source}: ${type}${hint ? ` — ${hint}` : ''}`, 200),
      occurredAt: firstTime(payload),
      deliveryId: text(delivery.headers[`${prefixOf(delivery)}-id`]),
      fields,
    };
  },

  sample(secret: string | null, now: number) {
    const body = Buffer.from(
      JSON.stringify({
        type: 'test.event',
        timestamp: new Date(now).toISOString(),
        data: { id: `test_${randomBytes(6).toString('hex')}`, message: 'Hello from tidings send-test' },
      }),
      'utf8',
    );
    return { headers: standardProvider.envelope(body, secret, now), body, contentType: JSON_TYPE };
  },

  envelope(body: Buffer, secret: string | null, now: number) {
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const ts = String(Math.floor(now / 1000));
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'user-agent': 'tidings-test',
      'webhook-id': id,
      'webhook-timestamp': ts,
    };
    if (secret !== null) {
      headers['webhook-signature'] = `v1,${hmacBase64('sha256', keyBytes(secret), [`${id}.${ts}.`, body])}`;
    }
    return headers;
  },
};

function missingHeaders(delivery: IncomingDelivery, prefix: Prefix): string {
  const missing = headersOf(prefix).filter((name) => header(delivery, name) === undefined);
  const list = missing.join(', ');
  return `missing ${list} header${missing.length > 1 ? 's' : ''}; Standard Webhooks senders send webhook-id, webhook-timestamp and webhook-signature (Svix senders: svix-id, svix-timestamp and svix-signature)`;
}

/**
 * Space-separated `version,signature` entries. A repeated header arrives joined with
 * ", ", which leaves a trailing comma on the earlier entry; dropping it keeps both usable.
 */
function signatureEntries(value: string): { version: string; value: string }[] {
  return value
    .split(/\s+/)
    .map((entry) => entry.replace(/,$/, ''))
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const comma = entry.indexOf(',');
      return comma < 0 ? { version: entry, value: '' } : { version: entry.slice(0, comma), value: entry.slice(comma + 1) };
    });
}

function noV1Reason(entries: { version: string }[], prefix: Prefix): string {
  const seen = [...new Set(entries.map((e) => clip(oneLine(e.version, 16), 16)))].slice(0, 3);
  const found = seen.length > 0 ? ` (found ${seen.join(', ')})` : '';
  return `no v1 entry in ${prefix}-signature header${found}; only v1 (HMAC-SHA256) signatures are checked`;
}

function decodeBase64(value: string): Buffer | null {
  return BASE64.test(value) ? Buffer.from(value, 'base64') : null;
}

/**
 * The spec's secrets are base64 (optionally `whsec_`-prefixed). Some senders hand out
 * plain strings instead; those only work as the secret's own UTF-8 bytes. A plain secret
 * that happens to be valid base64 is ambiguous and is read as base64, as the spec says.
 */
function keyBytes(secret: string): Buffer {
  const bare = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (BASE64.test(bare) && bare.length % 4 === 0) return Buffer.from(bare, 'base64');
  return Buffer.from(secret, 'utf8');
}

// ---------------------------------------------------------------------------------------
// Normalizing a payload of unknown shape: only what is plainly there, nothing guessed deep.

const HINT_KEYS = ['message', 'title', 'text', 'description', 'summary', 'name'];

function subjectOf(p: unknown): string | null {
  return firstText(
    at(p, 'subject'),
    at(p, 'repository', 'full_name'),
    at(p, 'repository'),
    at(p, 'repo'),
    at(p, 'project'),
    at(p, 'project', 'name'),
    at(p, 'service'),
    at(p, 'data', 'subject'),
  );
}

function firstTime(p: unknown): number | null {
  for (const key of ['timestamp', 'created_at', 'createdAt', 'time']) {
    const ms = toMs(at(p, key));
    if (ms !== null) return ms;
  }
  return null;
}

/**
 * Top-level scalars, then those of `data` (the spec's envelope puts everything there) as
 * `data.<key>`, up to MAX_FIELDS. Long keys and `__proto__` are skipped: the first bloat
 * the index, the second would not survive a plain-object round trip.
 */
function extractFields(payload: unknown): Json {
  const out: Json = {};
  addScalars(out, obj(payload), '');
  addScalars(out, obj(at(payload, 'data')), 'data.');
  return out;
}

function addScalars(out: Json, source: Json | null, prefix: string): void {
  if (!source) return;
  for (const [key, value] of Object.entries(source)) {
    if (Object.keys(out).length >= MAX_FIELDS) return;
    if (key.length > 64 || key === '__proto__') continue;
    const scalar = typeof value === 'string' ? clip(value, 200) : scalarOrUndefined(value);
    if (scalar !== undefined) out[prefix + key] = scalar;
  }
}

function scalarOrUndefined(value: unknown): number | boolean | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value;
  return undefined;
}
