// `tidings events export` and `tidings events import`: the exact bytes and headers go out
// and come back; an import keeps the provider delivery id (a second import stores nothing),
// and is stored unverified with the exported state kept beside it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../../src/main/cli/commands/archive';
import { readArchive } from '../../../src/main/core/archive';
import { runCli } from '../../helpers/cli';
import { api, startTestCore, tempDir } from '../../helpers/core';

describe('tidings events export and import', () => {
  it('round-trips events byte for byte into another inbox, once, as unverified imports, in JSON Lines and HAR', async () => {
    const fromDir = tempDir();
    const from = await startTestCore({ dataDir: fromDir }, { TIDINGS_SECRET_GITHUB: 'export-secret-value' });
    const ids: number[] = [];
    try {
      for (const type of ['push', 'pull_request.opened']) {
        const sent = await api<{ ingest_response: { id: number } }>(from, 'POST', '/api/sources/github/test', type === 'push' ? undefined : { type });
        ids.push(sent.body.ingest_response.id);
      }
      ids.push((await api<{ ingest_response: { id: number } }>(from, 'POST', '/api/sources/stripe/test', { type: 'invoice.paid' })).body.ingest_response.id);
    } finally {
      await from.close();
    }
    // Export needs no core: it reads the database read-only.
    const file = path.join(tempDir(), 'events.jsonl');
    const exported = await runCli(['events', 'export', '--since', '1h', '--source', 'github', '-o', file, '--data-dir', fromDir]);
    expect(exported.stderr).toMatch(/exported 2 events/);
    const lines = readArchive(fs.readFileSync(file, 'utf8'));
    expect(lines.map((l) => l.id)).toEqual(ids.slice(0, 2));

    const toDir = tempDir();
    const to = await startTestCore({ dataDir: toDir });
    try {
      const first = await runCli(['events', 'import', file, '--data-dir', toDir]);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Imported 2 new events .* 0 already stored/);
      const again = await runCli(['events', 'import', file, '--json', '--data-dir', toDir]);
      expect(again.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(['duplicate', 'duplicate']);
      expect(to.store.count()).toBe(2);

      const stored = to.store.list({ order: 'asc', limit: 10 });
      for (const [i, e] of stored.entries()) {
        const original = lines[i]!;
        expect(e).toMatchObject({ source: 'github', type: original.type, delivery_id: original.delivery_id, verified: false });
        expect(to.store.raw(e.id)!.body.equals(Buffer.from(original.body_base64, 'base64'))).toBe(true);
        expect(to.store.get(e.id)!.headers['x-tidings-imported']).toMatch(/^verified=true; received_at=/);
      }

      // HAR: the same events as POSTs to the webhook URL; importing it adds nothing new.
      const har = await runCli(['events', 'export', '--format', 'har', '--data-dir', fromDir]);
      const doc = JSON.parse(har.stdout) as { log: { entries: Array<{ request: { method: string; url: string; postData: { text: string } } }> } };
      expect(doc.log.entries).toHaveLength(3);
      expect(doc.log.entries[0]!.request).toMatchObject({ method: 'POST', url: expect.stringMatching(/\/webhooks\/github$/) });
      const harFile = path.join(tempDir(), 'events.har');
      fs.writeFileSync(harFile, har.stdout);
      const fromHar = await runCli(['events', 'import', harFile, '--data-dir', toDir]);
      expect(fromHar.stdout).toMatch(/Imported 1 new event .* 2 already stored/);
      expect(to.store.list({ source: 'stripe', limit: 5 })[0]).toMatchObject({ type: 'invoice.paid', verified: false });
    } finally {
      await to.close();
    }
  }, 180_000);

  it('refuses a file that is not an export with exit 2, naming the line', async () => {
    const file = path.join(tempDir(), 'bad.jsonl');
    fs.writeFileSync(file, '{"source":"github"}\nnot json\n');
    const r = await runCli(['events', 'import', file, '--data-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1: received_at must be/);
  }, 60_000);

  it('reads --since as a time or a span back from now', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(parseSince('24h', now)).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseSince('2025-12-31T00:00:00Z', now)).toBe(Date.parse('2025-12-31T00:00:00Z'));
    expect(() => parseSince('yesterday', now)).toThrow(/ISO 8601/);
  });
});
