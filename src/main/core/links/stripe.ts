// Stripe's side of a provider link, through the stripe SDK: create, update and delete the
// webhook endpoint. Stripe returns the signing secret only when the endpoint is created,
// so that is when Tidings keeps it.
import type Stripe from 'stripe';
import { LinkError, retryAfterSeconds } from './errors';

export const DEFAULT_STRIPE_API_URL = 'https://api.stripe.com';

/** TIDINGS_STRIPE_API_URL as the client's host, port and protocol options. */
export function stripeClientOptions(apiUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  let u: URL;
  try {
    u = new URL(apiUrl);
  } catch {
    throw new Error(`stripe: TIDINGS_STRIPE_API_URL=${JSON.stringify(apiUrl)} is not a URL; use e.g. https://api.stripe.com`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`stripe: TIDINGS_STRIPE_API_URL must be http(s), not ${u.protocol}`);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { host: u.hostname, port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443, protocol };
}

/** "test" or "live", from the key's prefix: an endpoint belongs to one mode. */
export function stripeMode(key: string): 'test' | 'live' {
  return /^(sk|rk)_live_/.test(key) ? 'live' : 'test';
}

interface StripeErrorLike {
  type?: string;
  statusCode?: number;
  message?: string;
  code?: string;
  headers?: Record<string, string | undefined>;
}

export function stripeError(err: unknown, apiUrl: string): LinkError {
  const e = err as StripeErrorLike;
  if (e.type === 'StripeConnectionError' || typeof e.statusCode !== 'number') {
    return new LinkError(502, `stripe: could not reach the Stripe API at ${apiUrl} (${e.message ?? String(err)}); check the network or TIDINGS_STRIPE_API_URL`);
  }
  const said = e.message ?? 'no message';
  switch (e.statusCode) {
    case 401:
      return new LinkError(400, `stripe: Stripe rejected the key (${said}); copy a secret key (sk_…) from the Stripe dashboard, Developers → API keys`);
    case 403:
      return new LinkError(
        403,
        `stripe: the key may not manage webhook endpoints (${said}); use a secret key, or a restricted key with "Webhook Endpoints: Write"`,
      );
    case 404:
      return new LinkError(404, `stripe: ${said}`);
    case 429: {
      const wait = retryAfterSeconds(e.headers?.['retry-after']) ?? 10;
      return new LinkError(429, `stripe: Stripe is rate-limiting this key (${said}); try again in ${wait} s`, wait);
    }
    case 400:
      return new LinkError(422, `stripe: Stripe did not accept the endpoint (${said})`);
    default:
      return new LinkError(502, `stripe: Stripe answered ${e.statusCode} (${said}); try again later`);
  }
}

const isNotFound = (err: unknown) => (err as StripeErrorLike).statusCode === 404;

export function createStripeLinks(options: { apiUrl: string }) {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  // Loaded on first use: every `tidings` command loads the core's modules, and only linking needs this one.
  const client = async (key: string): Promise<Stripe> => {
    const { default: StripeClient } = await import('stripe');
    return new StripeClient(key, { ...stripeClientOptions(apiUrl), maxNetworkRetries: 0, timeout: 30_000, telemetry: false });
  };

  return {
    apiUrl,

    /**
     * Update the endpoint Tidings made, or create one. `secret` is set only when Stripe
     * created a new endpoint (it shows the secret once, then never again).
     */
    async upsert(spec: { key: string; url: string; events: string[]; endpointId: string | null }): Promise<{ endpointId: string; secret: string | null; result: string }> {
      const stripe = await client(spec.key).catch((err: unknown) => {
        throw stripeError(err, apiUrl);
      });
      const enabled_events = spec.events as Stripe.WebhookEndpointCreateParams.EnabledEvent[];
      try {
        if (spec.endpointId !== null) {
          try {
            await stripe.webhookEndpoints.update(spec.endpointId, { url: spec.url, enabled_events, disabled: false });
            return { endpointId: spec.endpointId, secret: null, result: `updated endpoint ${spec.endpointId}` };
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
        const created = await stripe.webhookEndpoints.create({
          url: spec.url,
          enabled_events,
          description: 'Tidings (created by `tidings link stripe`)',
          metadata: { created_by: 'tidings' },
        });
        if (!created.secret) throw new LinkError(502, `stripe: Stripe created endpoint ${created.id} but returned no signing secret; delete it in the Stripe dashboard and link again`);
        return { endpointId: created.id, secret: created.secret, result: `created endpoint ${created.id}` };
      } catch (err) {
        if (err instanceof LinkError) throw err;
        throw stripeError(err, apiUrl);
      }
    },

    async updateUrl(spec: { key: string; endpointId: string; url: string }): Promise<void> {
      try {
        await (await client(spec.key)).webhookEndpoints.update(spec.endpointId, { url: spec.url });
      } catch (err) {
        if (isNotFound(err)) throw new LinkError(404, `stripe: endpoint ${spec.endpointId} is gone (deleted in the Stripe dashboard?); link again`);
        throw stripeError(err, apiUrl);
      }
    },

    /** Delete the endpoint; false when Stripe no longer had it. */
    async remove(spec: { key: string; endpointId: string }): Promise<boolean> {
      try {
        await (await client(spec.key)).webhookEndpoints.del(spec.endpointId);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw stripeError(err, apiUrl);
      }
    },
  };
}
export type StripeLinks = ReturnType<typeof createStripeLinks>;
