// Schema upgrades on real SQLite files: a database as an older release left it, with rows
// in it, opened by this release.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, SCHEMA_VERSION } from '../../../../src/main/core/store/migrations';
import { openDatabase } from '../../../../src/main/core/store/open-db';
import { tempDir } from '../../../helpers/core';

/** The last schema before derived rows carried `verified`. */
const BEFORE_VERIFIED = 5;

function oldDatabase(): string {
  const file = path.join(tempDir(), 'tidings.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrate(db, BEFORE_VERIFIED);
  const event = db.prepare(`
    INSERT INTO events (source, type, delivery_id, received_at, subject, summary, verified, fields, content_type, headers, body, body_bytes)
    VALUES (?, ?, ?, 1000, ?, 's', ?, '{}', 'application/json', '{}', x'00', 1) RETURNING id`);
  const signed = (event.get('github', 'push', 'd1', 'octo/app', 1) as { id: number }).id;
  const unsigned = (event.get('github', 'push', 'd2', 'octo/app', 0) as { id: number }).id;
  const stripeSigned = (event.get('stripe', 'checkout.session.completed', 'evt_1', null, 1) as { id: number }).id;
  const stripeUnsigned = (event.get('stripe', 'checkout.session.completed', 'evt_2', null, 0) as { id: number }).id;
  const vercel = (event.get('vercel', 'deployment.error', 'v1', 'site', 0) as { id: number }).id;
  for (const id of [signed, unsigned]) {
    db.prepare(`INSERT INTO gh_pushes (event_id, repo, branch, head_sha, commit_count, forced, at) VALUES (?, 'octo/app', 'main', ?, 1, 0, 1000)`).run(id, `sha${id}`);
    db.prepare(`INSERT INTO gh_commits (event_id, repo, branch, sha, message, at) VALUES (?, 'octo/app', 'main', ?, 'm', 1000)`).run(id, `sha${id}`);
    db.prepare(`INSERT INTO gh_pull_requests (event_id, repo, number, merged, at) VALUES (?, 'octo/app', ?, 0, 1000)`).run(id, id);
    db.prepare(`INSERT INTO gh_issues (event_id, repo, number, at) VALUES (?, 'octo/app', ?, 1000)`).run(id, id);
  }
  db.prepare(`INSERT INTO deployments (event_id, provider, project, state, at) VALUES (?, 'vercel', 'site', 'error', 1000)`).run(vercel);
  const action = db.prepare(`
    INSERT INTO stripe_actions (event_id, stripe_event, action_type, status, created_at, updated_at)
    VALUES (?, ?, 'send_welcome_email', 'pending', 1000, 1000)`);
  action.run(stripeSigned, 'evt_1');
  action.run(stripeUnsigned, 'evt_2');
  // An action whose event retention already pruned: nothing says it was ever signed.
  action.run(null, 'evt_pruned');
  db.close();
  return file;
}

describe('migrations', () => {
  it('gives every derived row of an older database the verified flag of its event', () => {
    const file = oldDatabase();
    const { db } = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const flags = (table: string, key: string) =>
        db.prepare(`SELECT ${key} AS k, verified FROM ${table} ORDER BY ${key}`).all() as Array<{ k: unknown; verified: number }>;
      for (const table of ['gh_pushes', 'gh_commits', 'gh_pull_requests', 'gh_issues']) {
        expect(flags(table, 'event_id').map((r) => r.verified), table).toEqual([1, 0]);
      }
      expect(flags('deployments', 'event_id').map((r) => r.verified)).toEqual([0]);
      expect(flags('stripe_actions', 'stripe_event')).toEqual([
        { k: 'evt_1', verified: 1 },
        { k: 'evt_2', verified: 0 },
        { k: 'evt_pruned', verified: 0 },
      ]);
    } finally {
      db.close();
    }
  });

  it('leaves a database at an older version untouched until it is opened', () => {
    const file = oldDatabase();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(BEFORE_VERIFIED);
      const columns = (db.pragma('table_info(stripe_actions)') as Array<{ name: string }>).map((c) => c.name);
      expect(columns).not.toContain('verified');
    } finally {
      db.close();
    }
  });
});
