// Senders on Svix (Clerk, Resend and others) send the Standard Webhooks scheme under
// svix-id / svix-timestamp / svix-signature. The `svix` package is the oracle: what it
// signs, Tidings accepts, through the provider and through a real core's receiver.
import { describe, expect, it } from 'vitest';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { standardProvider } from '../../../../src/main/core/webhooks/standard';
import type { IncomingDelivery } from '../../../../src/main/core/webhooks/types';
import { post, startTestCore } from '../../../helpers/core';

const SECRET = `whsec_${Buffer.from('a svix signing secret of 32 bytes').toString('base64')}`;
const BODY = JSON.stringify({ type: 'user.created', object: 'event', data: { id: 'user_29w83sxmDNGwOuEthce5gg56FcC', first_name: 'Ada' } });

function svixHeaders(id: string, body = BODY, secret = SECRET, at = new Date()): Record<string, string> {
  return { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': new SvixWebhook(secret).sign(id, at, body) };
}

function delivery(headers: Record<string, string>, body = BODY): IncomingDelivery {
  return { source: 'clerk', headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body), contentType: 'application/json', now: Date.now() };
}

describe('svix-* headers', () => {
  it('verifies what the svix library signs, and takes the delivery id from svix-id', () => {
    const d = delivery(svixHeaders('msg_svix_1'));
    expect(standardProvider.verify(d, [SECRET])).toEqual({ ok: true });
    expect(standardProvider.normalize(d, JSON.parse(BODY)).deliveryId).toBe('msg_svix_1');
    // The oracle agrees that these are its own headers.
    expect(() => new SvixWebhook(SECRET).verify(BODY, svixHeaders('msg_svix_1'))).not.toThrow();
  });

  it('rejects a svix signature made with another secret, naming the svix header', () => {
    const other = `whsec_${Buffer.from('another secret, also 32 bytes!!!').toString('base64')}`;
    const result = standardProvider.verify(delivery(svixHeaders('msg_svix_2', BODY, other)), [SECRET]);
    expect(result.ok).toBe(false);
    const partial = delivery({ 'svix-id': 'msg_svix_3', 'svix-timestamp': String(Math.floor(Date.now() / 1000)) });
    const missing = standardProvider.verify(partial, [SECRET]);
    expect(missing.ok ? '' : missing.reason).toMatch(/^missing svix-signature header;/);
  });

  it('still verifies webhook-* headers, and prefers them when both sets came', () => {
    const at = new Date();
    const webhookHeaders = { 'webhook-id': 'msg_std', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new StandardWebhook(SECRET).sign('msg_std', at, BODY) };
    expect(standardProvider.verify(delivery(webhookHeaders), [SECRET])).toEqual({ ok: true });
    const both = delivery({ ...svixHeaders('msg_svix_other'), ...webhookHeaders });
    expect(standardProvider.verify(both, [SECRET])).toEqual({ ok: true });
    expect(standardProvider.normalize(both, JSON.parse(BODY)).deliveryId).toBe('msg_std');
  });

  it('through a real core: 200 verified, a redelivery with the same svix-id is a duplicate, a bad one 401', async () => {
    const core = await startTestCore({}, { TIDINGS_SECRET_CLERK: SECRET });
    try {
      const url = `${core.ingestUrl}/webhooks/clerk`;
      const first = await post(url, BODY, svixHeaders('msg_svix_core'));
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('received');
      const stored = core.store.get(first.body.id as number)!;
      expect(stored).toMatchObject({ verified: true, type: 'user.created', delivery_id: 'msg_svix_core' });
      const again = await post(url, BODY, svixHeaders('msg_svix_core'));
      expect(again.body).toEqual({ status: 'duplicate', id: first.body.id });
      const forged = await post(url, BODY.replace('Ada', 'Eve'), svixHeaders('msg_svix_forged'));
      expect(forged.status).toBe(401);
      expect(forged.body.error).toMatch(/signature/);
    } finally {
      await core.close();
    }
  });
});
