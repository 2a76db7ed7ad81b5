// Schema versions, applied in order through PRAGMA user_version. Never edit a shipped
// step: add a new one, so every existing database walks the same path.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type Database from 'better-sqlite3';

type Step = (db: Database.Database) => void;

const steps: Step[] = [
  // 1: events, the derived views and the rejection log.
  (db) => {
    db.exec(`
      CREATE TABLE events (
        id           INTEGER PRIMARY KEY AUTOINCREMENT, -- the cursor: never reused, even after pruning
        source       TEXT    NOT NULL,
        type         TEXT    NOT NULL,
        delivery_id  TEXT    NOT NULL,
        received_at  INTEGER NOT NULL,                  -- ms since epoch
        occurred_at  INTEGER,
        subject      TEXT,
        summary      TEXT    NOT NULL,
        verified     INTEGER NOT NULL,
        fields       TEXT    NOT NULL,                  -- JSON
        content_type TEXT    NOT NULL,
        headers      TEXT    NOT NULL,                  -- JSON, credentials removed
        body         BLOB    NOT NULL,                  -- brotli-compressed raw bytes as received
        body_bytes   INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX events_by_delivery ON events(source, delivery_id);
      CREATE INDEX events_by_source ON events(source, id);
      CREATE INDEX events_by_type ON events(type, id);
      CREATE INDEX events_by_subject ON events(subject, id);
      CREATE INDEX events_by_received ON events(received_at);

      -- Contentless: the text lives in events; this only indexes it, and deletes work.
      CREATE VIRTUAL TABLE events_fts USING fts5(
        text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
      );

      CREATE TABLE gh_pushes (
        event_id     INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        repo         TEXT NOT NULL,
        branch       TEXT,
        ref          TEXT,
        head_sha     TEXT,
        pusher       TEXT,
        commit_count INTEGER NOT NULL,
        forced       INTEGER NOT NULL,
        at           INTEGER NOT NULL
      );
      CREATE INDEX gh_pushes_by_repo ON gh_pushes(repo, at);
      CREATE INDEX gh_pushes_by_sha ON gh_pushes(head_sha);

      CREATE TABLE gh_commits (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        repo     TEXT NOT NULL,
        branch   TEXT,
        sha      TEXT NOT NULL,
        message  TEXT NOT NULL,
        author   TEXT,
        at       INTEGER NOT NULL,
        PRIMARY KEY (event_id, sha)
      );
      CREATE INDEX gh_commits_by_sha ON gh_commits(sha);
      CREATE INDEX gh_commits_by_repo ON gh_commits(repo, at);

      CREATE TABLE gh_pull_requests (
        event_id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        repo     TEXT NOT NULL,
        number   INTEGER,
        action   TEXT,
        title    TEXT,
        user     TEXT,
        state    TEXT,
        merged   INTEGER NOT NULL,
        head_sha TEXT,
        at       INTEGER NOT NULL
      );
      CREATE INDEX gh_pull_requests_by_repo ON gh_pull_requests(repo, at);

      CREATE TABLE gh_issues (
        event_id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        repo     TEXT NOT NULL,
        number   INTEGER,
        action   TEXT,
        title    TEXT,
        user     TEXT,
        state    TEXT,
        at       INTEGER NOT NULL
      );
      CREATE INDEX gh_issues_by_repo ON gh_issues(repo, at);

      CREATE TABLE deployments (
        event_id      INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        provider      TEXT NOT NULL,                 -- vercel | github
        project       TEXT NOT NULL,
        deployment_id TEXT,
        url           TEXT,
        state         TEXT NOT NULL,
        environment   TEXT,
        commit_sha    TEXT,
        started_at    INTEGER,                       -- when the deployment was created
        duration_ms   INTEGER,                       -- created -> this state, when known
        at            INTEGER NOT NULL
      );
      CREATE INDEX deployments_by_project ON deployments(project, at);
      CREATE INDEX deployments_by_sha ON deployments(commit_sha);
      CREATE INDEX deployments_by_deployment ON deployments(deployment_id);

      -- Actions outlive the events that created them: a pending task is not pruned with its event.
      CREATE TABLE stripe_actions (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id       INTEGER REFERENCES events(id) ON DELETE SET NULL,
        stripe_event   TEXT NOT NULL,
        action_type    TEXT NOT NULL,
        customer_id    TEXT,
        customer_email TEXT,
        amount         REAL,
        currency       TEXT,
        plan           TEXT,
        status         TEXT NOT NULL DEFAULT 'pending',
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        UNIQUE (stripe_event, action_type)
      );
      CREATE INDEX stripe_actions_by_status ON stripe_actions(status, id);

      CREATE TABLE stripe_action_history (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        action_id INTEGER NOT NULL REFERENCES stripe_actions(id) ON DELETE CASCADE,
        status    TEXT NOT NULL,
        note      TEXT,
        actor     TEXT NOT NULL,
        at        INTEGER NOT NULL
      );
      CREATE INDEX stripe_action_history_by_action ON stripe_action_history(action_id, id);

      CREATE TABLE rejections (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        source      TEXT NOT NULL,
        at          INTEGER NOT NULL,
        status      INTEGER NOT NULL,
        reason      TEXT NOT NULL,
        delivery_id TEXT,
        body_bytes  INTEGER NOT NULL,
        remote      TEXT,
        headers     TEXT NOT NULL                     -- JSON, signature and auth values removed
      );
      CREATE INDEX rejections_by_source ON rejections(source, id);
    `);
  },
  // 2: subscriptions made over MCP, kept across restarts with their match counts.
  (db) => {
    db.exec(`
      CREATE TABLE subscriptions (
        id                   INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id           TEXT,
        sources              TEXT NOT NULL,            -- JSON array; empty means every source
        filters              TEXT NOT NULL,            -- JSON: types, subject, verified_only
        callback_description TEXT NOT NULL,
        target               TEXT,                     -- an outbound target name, when delivered by webhook
        created_at           INTEGER NOT NULL,
        matched              INTEGER NOT NULL DEFAULT 0,
        last_event_id        INTEGER,
        active               INTEGER NOT NULL DEFAULT 1
      );
    `);
  },
  // 3: per-source counts kept as events arrive and are pruned, so "which sources, how many"
  // (health, get_event_sources, the dashboard) is a read of a few rows, not a table scan.
  (db) => {
    db.exec(`
      CREATE TABLE source_stats (
        source     TEXT PRIMARY KEY,
        count      INTEGER NOT NULL,
        unverified INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL
      );
      INSERT INTO source_stats (source, count, unverified, first_seen, last_seen)
        SELECT source, count(*), sum(verified = 0), min(received_at), max(received_at) FROM events GROUP BY source;
    `);
  },
  // 4: outbound delivery. Targets, and a queue in which every delivery is written before it
  // is attempted (forwards and subscription matches in the same transaction as their event),
  // with a log of every attempt.
  (db) => {
    db.exec(`
      CREATE TABLE targets (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        name            TEXT NOT NULL UNIQUE,
        url             TEXT NOT NULL,
        mode            TEXT NOT NULL CHECK (mode IN ('push', 'forward')),
        sources         TEXT NOT NULL DEFAULT '[]',   -- JSON array; empty means every source
        types           TEXT NOT NULL DEFAULT '[]',   -- JSON array; a type matches its sub-types
        secret          TEXT NOT NULL,                -- whsec_…, signs pushed messages
        allow_private   INTEGER NOT NULL DEFAULT 0,
        enabled         INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        failing_since   INTEGER,
        delivered       INTEGER NOT NULL DEFAULT 0,   -- running counts, so listing never scans
        dead            INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        last_status     INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      );
      CREATE TABLE deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        target_id       INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
        kind            TEXT NOT NULL,                -- push | forward | subscription
        message_id      TEXT NOT NULL,                -- webhook-id, stable across attempts
        event_id        INTEGER,                      -- forward and subscription: the event carried
        subscription_id INTEGER,
        payload         BLOB,                         -- push: the JSON body as sent
        summary         TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        next_attempt_at INTEGER,
        last_status     INTEGER,
        last_error      TEXT,
        delivered_at    INTEGER
      );
      CREATE INDEX deliveries_pending ON deliveries(target_id, id) WHERE state = 'pending';
      CREATE INDEX deliveries_by_target ON deliveries(target_id, id);
      CREATE INDEX deliveries_by_state ON deliveries(state, id);
      CREATE INDEX deliveries_by_created ON deliveries(created_at);
      CREATE TABLE delivery_attempts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        at          INTEGER NOT NULL,
        status      INTEGER,
        duration_ms INTEGER NOT NULL,
        error       TEXT,
        response    TEXT
      );
      CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts(delivery_id, id);
    `);
  },
  // 5: GitHub deliveries deduplicated by body as well. GitHub's signature covers the body
  // but not X-GitHub-Delivery, so a captured delivery replayed under a new id would verify
  // and be stored again. The SHA-256 of the raw body is kept for GitHub events only, unique
  // per source while the event is retained. Rows already stored get theirs here; of
  // byte-identical ones only the oldest does, since it is the one a replay answers with.
  (db) => {
    db.exec(`
      ALTER TABLE events ADD COLUMN body_sha256 BLOB;             -- GitHub only; NULL otherwise
      CREATE UNIQUE INDEX events_by_body ON events(source, body_sha256) WHERE body_sha256 IS NOT NULL;
    `);
    const page = db.prepare<[number], { id: number; body: Buffer }>(
      "SELECT id, body FROM events WHERE source = 'github' AND id > ? ORDER BY id LIMIT 500",
    );
    const set = db.prepare('UPDATE OR IGNORE events SET body_sha256 = ? WHERE id = ?');
    for (let last = 0; ; ) {
      const rows = page.all(last);
      if (rows.length === 0) break;
      for (const r of rows) set.run(crypto.createHash('sha256').update(zlib.brotliDecompressSync(r.body)).digest(), r.id);
      last = rows[rows.length - 1]!.id;
    }
  },
  // 6: whether the event behind each derived row was signed, so views built from an
  // unsigned delivery (a Stripe action, a deployment) say so. Existing rows take it from
  // their event; an action whose event was already pruned cannot be checked, so it counts
  // as unverified. The partial index lets size-based retention find unverified events first.
  (db) => {
    const tables = ['gh_pushes', 'gh_commits', 'gh_pull_requests', 'gh_issues', 'deployments', 'stripe_actions'];
    for (const t of tables) {
      db.exec(`
        ALTER TABLE ${t} ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
        UPDATE ${t} SET verified = coalesce((SELECT e.verified FROM events e WHERE e.id = ${t}.event_id), 0);
      `);
    }
    db.exec('CREATE INDEX events_unverified ON events(id) WHERE verified = 0;');
  },
  // 7: provider links: a webhook Tidings created at GitHub or Stripe with the user's token.
  // Kept so that a URL change can update it, unlink can delete it and only its secret, and
  // catch-up can ask the provider for what was missed (hook id, token reference, cursor).
  (db) => {
    db.exec(`
      CREATE TABLE links (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        provider           TEXT NOT NULL CHECK (provider IN ('github', 'stripe')),
        scope              TEXT NOT NULL CHECK (scope IN ('repo', 'org', 'account')),
        target             TEXT NOT NULL,                -- owner/repo, the organization, or Stripe's test|live
        source             TEXT NOT NULL,                -- the Tidings source its deliveries arrive on
        hook_id            TEXT NOT NULL,                -- GitHub's hook id, Stripe's we_… endpoint id
        url                TEXT NOT NULL,                -- the webhook URL the provider was last given
        events             TEXT NOT NULL,                -- JSON array; ["*"] means every event
        secret_fingerprint TEXT NOT NULL,                -- the secret this link added (removed on unlink)
        token_ref          TEXT NOT NULL,                -- where the token or key is kept in secret storage
        api_url            TEXT NOT NULL,                -- the API base it was made with (GitHub Enterprise)
        state              TEXT NOT NULL CHECK (state IN ('active', 'broken')),
        error              TEXT,
        last_result        TEXT,
        synced_at          INTEGER,                      -- last time the provider accepted our settings
        caught_up_at       INTEGER,                      -- for catch-up: deliveries before this were checked
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        UNIQUE (provider, scope, target)
      );
    `);
  },
];

export const SCHEMA_VERSION = steps.length;

/**
 * Bring the database up to SCHEMA_VERSION (or `upTo`, which tests use to build a database
 * as an older release left it), one transaction per step.
 */
export function migrate(db: Database.Database, upTo: number = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `store: the database is at schema version ${current}, newer than this Tidings understands (${SCHEMA_VERSION}). Update Tidings, or point it at another data directory.`,
    );
  }
  for (let version = current; version < Math.min(upTo, SCHEMA_VERSION); version++) {
    const step = steps[version]!;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
