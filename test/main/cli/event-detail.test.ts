// `tidings events show` and `tidings events resend` against a real core: the whole event
// with what was derived from it, and its exact bytes and signature headers sent again.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { api, startTestCore, tempDir } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';

describe('tidings events show and resend', () => {
  let core: TestCore;
  let dataDir: string;
  let eventId: number;
  let app: http.Server;
  let appUrl: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: Buffer }> = [];

  beforeAll(async () => {
    dataDir = tempDir();
    core = await startTestCore({ dataDir }, { TIDINGS_SECRET_STRIPE: 'whsec_show_resend_secret' });
    const sent = await api<{ ingest_response: { id: number } }>(core, 'POST', '/api/sources/stripe/test', { type: 'invoice.payment_failed' });
    eventId = sent.body.ingest_response.id;
    app = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(received.length === 1 ? 200 : 500, { 'content-type': 'text/plain' }).end(received.length === 1 ? 'ok' : 'app crashed');
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks/stripe`;
  });
  afterAll(async () => {
    await core.close();
    await new Promise((r) => app.close(r));
  });

  it('shows headers, the body, the extracted fields and the Stripe action derived from it', async () => {
    const r = await runCli(['events', 'show', String(eventId), '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Event #${eventId}  stripe invoice\\.payment_failed  ✓ verified`));
    expect(r.stdout).toMatch(/^ {2}stripe-signature: /m);
    expect(r.stdout).toMatch(/"type": "invoice\.payment_failed"/);
    expect(r.stdout).toMatch(/^ {2}customer_email: ada@example\.com$/m);
    expect(r.stdout).toMatch(/Stripe action #\d+: send_payment_failed_email \(pending\)/);

    const json = await runCli(['events', 'show', String(eventId), '--json', '--data-dir', dataDir]);
    const parsed = JSON.parse(json.stdout) as { event: { id: number; body: string }; derived: { stripe_actions: unknown[] } };
    expect(parsed.event.id).toBe(eventId);
    expect(parsed.derived.stripe_actions).toHaveLength(1);
    expect(core.store.raw(eventId)?.body.toString('utf8')).toBe(parsed.event.body);
  }, 120_000);

  it('resends the stored bytes with their signature to the only forward target, and says when the target refuses', async () => {
    const none = await runCli(['events', 'resend', String(eventId), '--data-dir', dataDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--to URL or --to TARGET/);

    expect((await api(core, 'POST', '/api/targets', { name: 'dev', url: appUrl, mode: 'forward', allow_private: true })).status).toBe(201);
    const ok = await runCli(['events', 'resend', String(eventId), '--data-dir', dataDir]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(new RegExp(`^Resent event ${eventId} to dev \\(${appUrl}\\): it answered 200\\.`));
    const raw = core.store.raw(eventId)!;
    expect(received[0]!.body.equals(raw.body)).toBe(true);
    expect(received[0]!.headers['stripe-signature']).toBe(raw.headers['stripe-signature']);

    const refused = await runCli(['events', 'resend', String(eventId), '--to', appUrl, '--json', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ id: eventId, url: appUrl, status: 500, body: 'app crashed' });

    const unknown = await runCli(['events', 'resend', String(eventId), '--to', 'nope', '--data-dir', dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no target named "nope".*dev/);
  }, 240_000);

  it('answers a missing event with the core\'s 404 sentence', async () => {
    const r = await runCli(['events', 'show', '999999', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/there is no event 999999/);
  }, 60_000);
});
