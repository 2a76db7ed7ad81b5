// kill -9 during a burst: every delivery that got a 200 must be on disk after a restart,
// exactly once, and the derived views must agree with the events.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { startServe } from '../../helpers/cli';
import { startTestCore, tempDir } from '../../helpers/core';
import { readRuntime } from '../../../src/main/core/data-dir';

const SECRET = 'crash-test-secret-0123';

describe('crash safety', () => {
  it('keeps every acknowledged event through SIGKILL mid-burst', async () => {
    const dir = tempDir();
    const serve = await startServe(dir, [], { TIDINGS_SECRET_GITHUB: SECRET });
    const url = `${readRuntime(dir)!.ingest_url}/webhooks/github`;
    const push = examples.find((g) => g.name === 'push')!.examples[0] as object;
    const acked = new Map<string, number>();
    let failures = 0;
    let stop = false;

    const sender = async () => {
      while (!stop) {
        const delivery = crypto.randomUUID();
        // A body of its own: GitHub deliveries are deduplicated by body as well as by id.
        const payload = JSON.stringify({ ...push, after: crypto.randomBytes(20).toString('hex') });
        const signature = await sign(SECRET, payload);
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
            body: payload,
          });
          const body = (await res.json()) as { id: number };
          if (res.status === 200) acked.set(delivery, body.id);
        } catch {
          failures++; // the connection died with the core: not acknowledged, so not promised
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    // Let the burst build, then pull the plug without warning.
    while (acked.size < 300) await new Promise((r) => setTimeout(r, 20));
    serve.child.kill('SIGKILL');
    await serve.exited;
    stop = true;
    await Promise.all(senders);

    const core = await startTestCore({ dataDir: dir });
    try {
      const rows = core.db
        .prepare("SELECT delivery_id, id FROM events WHERE source = 'github'")
        .all() as Array<{ delivery_id: string; id: number }>;
      const stored = new Map(rows.map((r) => [r.delivery_id, r.id]));
      expect(stored.size).toBe(rows.length); // each delivery once
      const lost = [...acked].filter(([delivery, id]) => stored.get(delivery) !== id);
      expect(lost).toEqual([]);
      const pushes = core.db.prepare('SELECT count(*) AS n FROM gh_pushes').get() as { n: number };
      expect(pushes.n).toBe(rows.length);
      expect(core.store.sources().find((s) => s.source === 'github')?.count).toBe(rows.length);
      expect(core.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await core.close();
    }
    expect(acked.size).toBeGreaterThanOrEqual(300);
  }, 60_000);
});
