// `tidings trigger` and `tidings send-test` as a person or a script runs them: the catalog
// without a core, a signed event of a chosen type through a real core, JSON output, and
// exit code 2 for a type the catalog lacks.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { startTestCore, tempDir } from '../../helpers/core';

describe('tidings trigger', () => {
  it('lists the catalog without a core, as text or JSON lines', async () => {
    const text = await runCli(['trigger', '--list', 'stripe', '--data-dir', tempDir()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^stripe\s+invoice\.payment_failed\s+an invoice payment failed/m);
    const json = await runCli(['trigger', '--list', 'vercel', '--json', '--data-dir', tempDir()]);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; type: string });
    expect(rows.map((r) => r.type)).toContain('deployment.error');
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['vercel']));
  }, 120_000);

  it('sends a signed event of the chosen type and says it was stored verified', async () => {
    const dataDir = tempDir();
    const core = await startTestCore({ dataDir }, { TIDINGS_SECRET_STRIPE: 'whsec_cli_trigger_secret' });
    try {
      const json = await runCli(['trigger', 'stripe', 'customer.subscription.deleted', '--json', '--data-dir', dataDir]);
      expect(json.stderr).toBe('');
      const sent = JSON.parse(json.stdout) as { id: number; type: string; verified: boolean; status: string };
      expect(sent).toMatchObject({ source: 'stripe', type: 'customer.subscription.deleted', verified: true, status: 'received' });
      expect(core.store.get(sent.id)?.type).toBe('customer.subscription.deleted');

      const text = await runCli(['trigger', 'github', 'pull_request.opened', '--data-dir', dataDir]);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^Sent github pull_request\.opened: received as event \d+, NOT verified/);

      const short = await runCli(['send-test', 'vercel', '--json', '--data-dir', dataDir]);
      expect(JSON.parse(short.stdout)).toMatchObject({ source: 'vercel', type: 'deployment.succeeded', status: 'received', verified: false });
    } finally {
      await core.close();
    }
  }, 120_000);

  it.each([
    [['trigger', 'stripe', 'invoice.payment_faild'], /no "invoice\.payment_faild".*did you mean/],
    [['trigger', 'stripe'], /needs a source and an event type/],
    [['trigger', 'Bad Name', 'x'], /source must be a source name/],
    [['trigger', '--list', 'stripe', 'invoice.paid'], /--list takes at most a source/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const r = await runCli([...args, '--data-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }, 60_000);
});
