// The `tidings trigger` catalog: every entry goes through the real receiver of a real core
// with a secret set and must come back verified with its own type; the signatures are also
// checked by the providers' own libraries, and every Stripe action rule can be triggered.
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import definitions from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_ACTION_RULES } from '../../../../src/main/core/domain/stripe-actions';
import { catalog, CATALOG_SOURCES, CatalogError, triggerDelivery } from '../../../../src/main/core/webhooks/catalog';
import type { EventRecord } from '../../../../src/shared/events';
import { api, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

const WHSEC = `whsec_${Buffer.from('a standard webhooks secret, 32 b').toString('base64')}`;
const SECRETS = {
  TIDINGS_SECRET_GITHUB: 'github-catalog-secret',
  TIDINGS_SECRET_STRIPE: 'whsec_stripe_catalog_secret',
  TIDINGS_SECRET_VERCEL: 'vercel-catalog-secret',
  TIDINGS_SECRET_SLACK: 'slack-catalog-secret',
  TIDINGS_SECRET_CLERK: WHSEC,
};

describe('the trigger catalog through the receiver', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({}, SECRETS);
  });
  afterAll(async () => core.close());

  it('has GitHub event and action from every example in @octokit/webhooks-examples, and the other providers', () => {
    const types = new Set(catalog('github').map((e) => e.type));
    const examples = new Set(definitions.flatMap((d) => d.examples.map((e) => ('action' in e && typeof e.action === 'string' ? `${d.name}.${e.action}` : d.name))));
    expect(types).toEqual(examples);
    for (const t of ['push', 'ping', 'pull_request.opened', 'issues.opened', 'deployment_status.created', 'workflow_run.completed']) expect(types).toContain(t);
    const vercel = catalog('vercel').map((e) => e.type);
    for (const state of ['created', 'succeeded', 'error', 'canceled', 'promoted']) expect(vercel).toContain(`deployment.${state}`);
    expect(catalog('slack').map((e) => e.type)).toContain('app_mention');
  });

  it('can trigger every Stripe event type an action rule reacts to', () => {
    const stripe = catalog('stripe').map((e) => e.type);
    for (const type of Object.keys(STRIPE_ACTION_RULES)) expect(stripe).toContain(type);
  });

  it('stores every catalog entry verified, with the type it was triggered as', async () => {
    const entries = [...catalog(), ...catalog('clerk')];
    expect(entries.length).toBeGreaterThan(CATALOG_SOURCES.length * 5);
    const wrong: string[] = [];
    for (const entry of entries) {
      const sent = await api<{ ingest_status: number; ingest_response: { id: number } }>(core, 'POST', `/api/sources/${entry.source}/test`, { type: entry.type });
      if (sent.status !== 200 || sent.body.ingest_status !== 200) {
        wrong.push(`${entry.source} ${entry.type}: ${JSON.stringify(sent.body)}`);
        continue;
      }
      const stored = (await api<EventRecord>(core, 'GET', `/api/events/${sent.body.ingest_response.id}`)).body;
      if (!stored.verified || stored.type !== entry.type || stored.source !== entry.source) {
        wrong.push(`${entry.source} ${entry.type}: stored as ${stored.source} ${stored.type} verified=${stored.verified}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('turns the Stripe rule events into pending actions', async () => {
    for (const type of Object.keys(STRIPE_ACTION_RULES)) {
      expect((await api(core, 'POST', '/api/sources/stripe/test', { type })).status).toBe(200);
    }
    const actions = await api<{ actions: Array<{ action_type: string; status: string }> }>(core, 'GET', '/api/actions?status=pending');
    expect(new Set(actions.body.actions.map((a) => a.action_type))).toEqual(new Set(Object.values(STRIPE_ACTION_RULES)));
  });

  it('answers 404 with the near types for a type the catalog lacks, and 400 for an unusable open type', async () => {
    const missing = await api<{ status: number; error: string }>(core, 'POST', '/api/sources/stripe/test', { type: 'invoice.payment_faild' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/did you mean invoice\./);
    expect(missing.body.error).toMatch(/tidings trigger --list stripe/);
    const bad = await api<{ status: number; error: string }>(core, 'POST', '/api/sources/clerk/test', { type: 'has spaces' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400 });
  });
});

describe('catalog signatures, checked by the providers\' own libraries', () => {
  const now = Date.now();
  it('GitHub: @octokit/webhooks-methods accepts every entry', async () => {
    for (const { type } of catalog('github')) {
      const { headers, body } = triggerDelivery('github', type, SECRETS.TIDINGS_SECRET_GITHUB, now);
      expect(await verifyGithub(SECRETS.TIDINGS_SECRET_GITHUB, body.toString('utf8'), headers['x-hub-signature-256']!)).toBe(true);
      expect(headers['x-github-event']).toBe(type.split('.')[0]);
    }
  });

  it('Stripe: stripe.webhooks.constructEvent accepts every entry and reads its type', () => {
    const stripe = new Stripe('sk_test_catalog');
    for (const { type } of catalog('stripe')) {
      const { headers, body } = triggerDelivery('stripe', type, SECRETS.TIDINGS_SECRET_STRIPE, now);
      const event = stripe.webhooks.constructEvent(body, headers['stripe-signature']!, SECRETS.TIDINGS_SECRET_STRIPE);
      expect(event.type).toBe(type);
    }
  });

  it('Standard Webhooks: the standardwebhooks library accepts any type for another source', () => {
    const { headers, body } = triggerDelivery('clerk', 'user.created', WHSEC, now);
    const payload = new Webhook(WHSEC).verify(body.toString('utf8'), headers) as { type: string };
    expect(payload.type).toBe('user.created');
  });

  it('gives every build fresh ids, so triggering twice stores two events', () => {
    const a = triggerDelivery('stripe', 'invoice.paid', null, now).body.toString();
    const b = triggerDelivery('stripe', 'invoice.paid', null, now).body.toString();
    expect(JSON.parse(a).id).not.toBe(JSON.parse(b).id);
    expect(() => triggerDelivery('vercel', 'deployment.exploded', null, now)).toThrow(CatalogError);
  });
});
