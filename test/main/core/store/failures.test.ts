// When the database cannot take a write (disk full, locked by another process), senders
// get 503 with Retry-After so they retry, health says why, nothing stored is harmed, and
// ingest resumes by itself once the cause is gone.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { api, post, startTestCore } from '../../../helpers/core';
import type { Health } from '../../../../src/main/core/health';

describe('storage failures', () => {
  it('answers 503 while the database is full and resumes when space returns', async () => {
    const core = await startTestCore();
    try {
      const first = await post(`${core.ingestUrl}/webhooks/demo`, JSON.stringify({ n: 1 }));
      expect(first.status).toBe(200);
      // A page budget at the current size is a real SQLITE_FULL from SQLite's own pager.
      const pages = (core.db.pragma('page_count', { simple: true }) as number) + 1;
      await core.writer.pragma(`max_page_count = ${pages}`);
      const big = JSON.stringify({ blob: Array.from({ length: 20000 }, (_, i) => `${i}-${Math.random()}`) });
      const full = await post(`${core.ingestUrl}/webhooks/demo`, big);
      expect(full.status).toBe(503);
      expect(full.headers.get('retry-after')).toBe('60');
      expect(String(full.body.error)).toMatch(/disk .* is full/);
      const health = await api<Health>(core, 'GET', '/api/health');
      expect(health.body.status).toBe('degraded');
      expect(health.body.store_problem?.code).toBe('SQLITE_FULL');

      await core.writer.pragma('max_page_count = 1073741823');
      const resumed = await post(`${core.ingestUrl}/webhooks/demo`, big);
      expect(resumed.status).toBe(200);
      expect((await api<Health>(core, 'GET', '/api/health')).body.status).toBe('ok');
      expect(core.store.get(first.body.id as number)?.payload).toEqual({ n: 1 });
      expect(core.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await core.close();
    }
  });

  it('answers 503 while another process holds the write lock', async () => {
    const core = await startTestCore();
    const other = new Database(path.join(core.config.dataDir, 'tidings.db'));
    try {
      other.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE');
      const locked = await post(`${core.ingestUrl}/webhooks/demo`, JSON.stringify({ n: 2 }));
      expect(locked.status).toBe(503);
      expect(String(locked.body.error)).toMatch(/locked/);
      other.exec('ROLLBACK');
      const ok = await post(`${core.ingestUrl}/webhooks/demo`, JSON.stringify({ n: 3 }));
      expect(ok.status).toBe(200);
    } finally {
      other.close();
      await core.close();
    }
  });
});
