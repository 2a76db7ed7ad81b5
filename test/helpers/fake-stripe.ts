// A fake Stripe API on loopback (port 0): /v1/webhook_endpoints, form-encoded as the stripe
// SDK sends it, with Stripe's error JSON ({error:{type,message,code}}) and status codes, and
// a way to send an event back signed with the endpoint's secret
// (stripe.webhooks.generateTestHeaderString, the SDK's own signer).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface FakeEndpoint {
  id: string;
  url: string;
  enabled_events: string[];
  secret: string;
  status: 'enabled' | 'disabled';
  description: string | null;
  metadata: Record<string, string>;
}

export interface FakeStripe {
  url: string;
  endpoints: Map<string, FakeEndpoint>;
  calls: string[];
  keys: Set<string>;
  rateLimitNext(): void;
  deliver(type: string, object: Record<string, unknown>): Promise<Array<{ status: number; body: string }>>;
  close(): Promise<void>;
}

const stripe = new Stripe('sk_test_signer_only');

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${crypto.randomBytes(7).toString('hex')}`, ...headers });
  res.end(JSON.stringify(body));
}

const masked = (key: string) => `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;

function endpointJson(e: FakeEndpoint, withSecret: boolean) {
  const { secret, ...rest } = e;
  return { object: 'webhook_endpoint', api_version: null, application: null, created: 1767225600, livemode: false, ...rest, ...(withSecret ? { secret } : {}) };
}

/** Stripe's form encoding: enabled_events[0]=a, metadata[k]=v. */
function formToObject(text: string) {
  const out: { scalars: Record<string, string>; lists: Record<string, string[]>; maps: Record<string, Record<string, string>> } = { scalars: {}, lists: {}, maps: {} };
  for (const [k, v] of new URLSearchParams(text)) {
    const list = /^(\w+)\[(\d*)\]$/.exec(k);
    if (list && (list[2] !== '' || k.endsWith('[]'))) (out.lists[list[1]!] ??= []).push(v);
    else if (/^(\w+)\[(\w+)\]$/.test(k)) {
      const [, name, key] = /^(\w+)\[(\w+)\]$/.exec(k)!;
      (out.maps[name!] ??= {})[key!] = v;
    } else out.scalars[k] = v;
  }
  return out;
}

export async function startFakeStripe(options: { keys?: string[] } = {}): Promise<FakeStripe> {
  const endpoints = new Map<string, FakeEndpoint>();
  const calls: string[] = [];
  const keys = new Set(options.keys ?? ['sk_test_fakekey12345678']);
  let limited = false;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      calls.push(`${req.method} ${path}`);
      if (limited) {
        limited = false;
        return send(res, 429, { error: { message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', type: 'invalid_request_error', code: 'rate_limit' } }, { 'retry-after': '2' });
      }
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!keys.has(key)) {
        return send(res, 401, { error: { message: `Invalid API Key provided: ${masked(key)}`, type: 'invalid_request_error' } });
      }
      const form = formToObject(Buffer.concat(chunks).toString('utf8'));
      const m = /^\/v1\/webhook_endpoints(?:\/([A-Za-z0-9_]+))?$/.exec(path);
      if (!m) return send(res, 404, { error: { message: `Unrecognized request URL (${req.method}: ${path}).`, type: 'invalid_request_error' } });
      const id = m[1];
      const found = id ? endpoints.get(id) : undefined;
      if (id && !found) {
        return send(res, 404, { error: { code: 'resource_missing', doc_url: 'https://stripe.com/docs/error-codes/resource-missing', message: `No such webhook endpoint: '${id}'`, param: 'id', type: 'invalid_request_error' } });
      }
      if (req.method === 'POST' && !id) {
        const url = form.scalars.url;
        const events = form.lists.enabled_events;
        if (!url) return send(res, 400, { error: { code: 'parameter_missing', message: 'Missing required param: url.', param: 'url', type: 'invalid_request_error' } });
        if (!events?.length) return send(res, 400, { error: { code: 'parameter_missing', message: 'Missing required param: enabled_events.', param: 'enabled_events', type: 'invalid_request_error' } });
        const e: FakeEndpoint = {
          id: `we_${crypto.randomBytes(12).toString('hex')}`,
          url,
          enabled_events: events,
          secret: `whsec_${crypto.randomBytes(24).toString('base64url')}`,
          status: 'enabled',
          description: form.scalars.description ?? null,
          metadata: form.maps.metadata ?? {},
        };
        endpoints.set(e.id, e);
        return send(res, 200, endpointJson(e, true));
      }
      if (req.method === 'POST' && found) {
        if (form.scalars.url) found.url = form.scalars.url;
        if (form.lists.enabled_events) found.enabled_events = form.lists.enabled_events;
        if (form.scalars.disabled) found.status = form.scalars.disabled === 'true' ? 'disabled' : 'enabled';
        return send(res, 200, endpointJson(found, false));
      }
      if (req.method === 'GET' && found) return send(res, 200, endpointJson(found, false));
      if (req.method === 'DELETE' && found) {
        endpoints.delete(found.id);
        return send(res, 200, { id: found.id, object: 'webhook_endpoint', deleted: true });
      }
      return send(res, 404, { error: { message: `Unrecognized request URL (${req.method}: ${path}).`, type: 'invalid_request_error' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpoints,
    calls,
    keys,
    rateLimitNext() {
      limited = true;
    },
    async deliver(type, object) {
      const out: Array<{ status: number; body: string }> = [];
      for (const e of endpoints.values()) {
        if (e.status !== 'enabled' || !(e.enabled_events.includes('*') || e.enabled_events.includes(type))) continue;
        const payload = JSON.stringify({ id: `evt_${crypto.randomBytes(12).toString('hex')}`, object: 'event', api_version: '2025-01-27.acacia', created: Math.floor(Date.now() / 1000), type, livemode: false, data: { object }, pending_webhooks: 1, request: { id: null, idempotency_key: null } });
        const header = stripe.webhooks.generateTestHeaderString({ payload, secret: e.secret });
        const res = await fetch(e.url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }, body: payload });
        out.push({ status: res.status, body: await res.text() });
      }
      return out;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
