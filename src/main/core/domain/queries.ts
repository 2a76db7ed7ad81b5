// Read-only questions over the derived views (GitHub activity, Stripe actions, deployments,
// channels) that the MCP tools answer. Every statement is prepared once per connection;
// nothing here writes, so it is safe on the read-only connection.
//
// Windows: on the events table a window selects what was *received* in it; on the derived
// tables it selects by their `at` (when the provider says it happened, else when it was
// received), because that is what their (repo, at) / (project, at) indexes serve.
import type Database from 'better-sqlite3';
import type { EventRecord } from '../../../shared/events';
import { toRecord } from '../store/event-store';
import { flatText, MAX_SUBJECT, MAX_TYPE } from '../webhooks/clean-text';
import type { ActionStatus } from './stripe-actions';
import type { DeploymentRow as DerivedDeployment } from './deployments';

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface QueryOptions {
  /** ms since epoch; injectable so windows can be tested. */
  now?: () => number;
}

// ---------------------------------------------------------------------------------------
// Result types: plain JSON, times as ISO 8601.

export interface TrackedRepo {
  repo: string;
  events: number;
  last_event_at: string | null;
  pushes: number;
  pull_request_events: number;
  issue_events: number;
  /** Events of this repo from an unsigned source: a repo name anyone could have made up. */
  unverified_events: number;
}

export interface RepoActivity {
  repo: string;
  period_hours: number;
  total_events: number;
  events_by_type: Record<string, number>;
  recent_events: EventRecord[];
}

export interface CommitMessage {
  sha: string;
  message: string;
  author: string | null;
  at: string;
  verified: boolean;
}

export interface CommitSummary {
  repo: string;
  period_hours: number;
  total_pushes: number;
  total_commits: number;
  contributors: string[];
  branches: string[];
  recent_messages: CommitMessage[];
  /** Pushes in the window whose events were unsigned. */
  unverified_pushes: number;
}

export interface PrEvent {
  number: number | null;
  title: string | null;
  user: string | null;
  state: string | null;
  merged: boolean;
  at: string;
  verified: boolean;
}

export interface PrActivity {
  repo: string;
  period_hours: number;
  total_pr_events: number;
  by_action: Record<string, PrEvent[]>;
  open_prs: number[];
}

export type ActionStatusFilter = 'pending' | 'completed' | 'dismissed' | 'all';

export interface ActionRecord {
  id: number;
  action_type: string;
  status: ActionStatus;
  customer_id: string | null;
  customer_email: string | null;
  amount: number | null;
  currency: string | null;
  plan: string | null;
  stripe_event: string;
  /** Null once retention has pruned the event; the action outlives it. */
  event_id: number | null;
  created_at: string;
  updated_at: string;
  age_seconds: number;
  last_note: string | null;
  last_actor: string | null;
  /** False when the Stripe event behind it was unsigned (or pruned before this was recorded). */
  verified: boolean;
}

export interface ActionHistoryEntry {
  status: string;
  note: string | null;
  actor: string;
  at: string;
}

export type ActionDetail = ActionRecord & { history: ActionHistoryEntry[] };

export interface StripeAmount {
  currency: string | null;
  type: string;
  total: number;
  /** The part of total that came from unsigned events. */
  unverified: number;
}

export interface StripeSummary {
  period_hours: number;
  total_events: number;
  by_type: Record<string, number>;
  pending_actions: number;
  amounts: StripeAmount[];
  /** Of total_events and pending_actions, how many came from unsigned deliveries. */
  unverified_events: number;
  unverified_pending_actions: number;
}

export interface RecentPush {
  event_id: number;
  repo: string;
  branch: string | null;
  head_sha: string | null;
  pusher: string | null;
  commit_count: number;
  message: string | null;
  at: string;
  verified: boolean;
}

/** A stored deployment row as the tools show it: the derived row plus when and how long. */
export interface Deployment extends Omit<DerivedDeployment, 'provider'> {
  provider: string;
  event_id: number;
  duration_ms: number | null;
  started_at: string | null;
  at: string;
  verified: boolean;
}

export interface DeploymentStatus {
  project: string;
  latest: Deployment | null;
  last_24h: Record<string, number>;
}

export interface CorrelatedPush {
  repo: string;
  branch: string | null;
  pusher: string | null;
  head_sha: string | null;
  at: string;
  event_id: number;
  verified: boolean;
}

export interface CorrelatedCommit {
  sha: string;
  repo: string;
  message: string;
  author: string | null;
  at: string;
  verified: boolean;
}

export interface Correlation {
  commit_sha: string;
  push: CorrelatedPush | null;
  commit: CorrelatedCommit | null;
  deployments: Deployment[];
  verdict: string;
}

export interface ChannelStats {
  channels: { channel: string | null; count: number; last_at: string }[];
  sources: { source: string; count: number; last_at: string }[];
}

// ---------------------------------------------------------------------------------------
// Argument checks and small helpers.

const HOUR_MS = 3_600_000;
const MAX_LIMIT = 1000;
const RECENT_EVENTS = 10;
const RECENT_MESSAGES = 20;
/** Enough distinct SHAs to say "ambiguous" and name a few; more would only be noise. */
const SHA_CANDIDATES = 20;
// Constants, inlined into SQL, so the type index can be used with a fixed IN list.
const AMOUNT_TYPES = ['checkout.session.completed', 'invoice.paid', 'invoice.payment_failed', 'charge.refunded'];
const STATUS_FILTERS: readonly string[] = ['pending', 'completed', 'dismissed', 'all'];

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).trim();
}

function checkHours(hours: number): number {
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0) {
    throw new QueryError(`hours must be a positive number; got ${String(hours)}`);
  }
  return hours;
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new QueryError(`limit must be a whole number from 1 to ${MAX_LIMIT}; got ${String(limit)}`);
  }
  return limit;
}

function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new QueryError(`${what} must be a non-empty string`);
  return value.trim();
}

/** Lower-cased hex prefix and the exclusive upper bound that makes `>= lo AND < hi` a prefix match. */
export function shaRange(input: string): { prefix: string; lo: string; hi: string } {
  const prefix = typeof input === 'string' ? input.trim().toLowerCase() : '';
  if (!/^[0-9a-f]{4,64}$/.test(prefix)) {
    throw new QueryError(
      `commit_sha must be a full commit SHA or a prefix of at least 4 hex digits (0-9, a-f); got ${JSON.stringify(input)}`,
    );
  }
  // Bumping the last character gives the first string that no longer has this prefix.
  const last = prefix.charCodeAt(prefix.length - 1);
  return { prefix, lo: prefix, hi: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

function countsOf(rows: { key: string | null; n: number }[]): Record<string, number> {
  // Keys are types and states from payloads: rows stored before ingest cleaned them may be
  // megabytes long or hold line breaks, so they are cleaned here too (keys that clean to
  // the same text add up).
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = r.key === null ? 'unknown' : flatText(r.key, MAX_TYPE) || 'unknown';
    counts.set(key, (counts.get(key) ?? 0) + r.n);
  }
  // fromEntries defines own properties, so a key like "__proto__" cannot reach the prototype.
  return Object.fromEntries(counts);
}

// ---------------------------------------------------------------------------------------
// GitHub activity.

type EventRow = Parameters<typeof toRecord>[0];
const EVENT_COLUMNS = 'id, source, type, delivery_id, received_at, occurred_at, subject, summary, verified, fields';
// `? IS NULL` lets one statement serve both "any type" and "this type or its dotted subtypes".
const REPO_EVENTS_WHERE = `source = 'github' AND subject = @repo AND received_at >= @since
  AND (@type IS NULL OR type = @type OR (type >= @lo AND type < @hi))`;

interface RepoArgs {
  repo: string;
  since: number;
  type: string | null;
  lo: string | null;
  hi: string | null;
}

interface PrRow {
  number: number | null;
  action: string | null;
  title: string | null;
  user: string | null;
  state: string | null;
  merged: number;
  at: number;
  verified: number;
}

function githubQueries(db: Database.Database, now: () => number) {
  // An org-level hook's subject falls back to the org or sender login; only owner/name is a repo.
  const tracked = db.prepare<[], Omit<TrackedRepo, 'last_event_at'> & { last: number | null }>(`
    WITH ev AS (SELECT subject AS repo, count(*) AS n, max(received_at) AS last, sum(verified = 0) AS u FROM events
                WHERE source = 'github' AND subject IS NOT NULL AND instr(subject, '/') > 0 GROUP BY subject),
         pu AS (SELECT repo, count(*) AS n, max(at) AS last FROM gh_pushes GROUP BY repo),
         pr AS (SELECT repo, count(*) AS n, max(at) AS last FROM gh_pull_requests GROUP BY repo),
         iss AS (SELECT repo, count(*) AS n, max(at) AS last FROM gh_issues GROUP BY repo),
         names AS (SELECT repo FROM ev UNION SELECT repo FROM pu UNION SELECT repo FROM pr UNION SELECT repo FROM iss)
    SELECT names.repo AS repo, coalesce(ev.n, 0) AS events,
           coalesce(ev.last, max(coalesce(pu.last, 0), coalesce(pr.last, 0), coalesce(iss.last, 0))) AS last,
           coalesce(pu.n, 0) AS pushes, coalesce(pr.n, 0) AS pull_request_events, coalesce(iss.n, 0) AS issue_events,
           coalesce(ev.u, 0) AS unverified_events
    FROM names LEFT JOIN ev USING (repo) LEFT JOIN pu USING (repo) LEFT JOIN pr USING (repo) LEFT JOIN iss USING (repo)
    ORDER BY last DESC, repo`);
  const typeCounts = db.prepare<[RepoArgs], { key: string; n: number }>(
    `SELECT type AS key, count(*) AS n FROM events WHERE ${REPO_EVENTS_WHERE} GROUP BY type ORDER BY n DESC, type`,
  );
  const recentEvents = db.prepare<[RepoArgs & { limit: number }], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE ${REPO_EVENTS_WHERE} ORDER BY id DESC LIMIT @limit`,
  );
  const pushTotals = db.prepare<[string, number], { pushes: number; commits: number; unverified: number }>(
    `SELECT count(*) AS pushes, coalesce(sum(commit_count), 0) AS commits, coalesce(sum(verified = 0), 0) AS unverified
     FROM gh_pushes WHERE repo = ? AND at >= ?`,
  );
  const branches = db.prepare<[string, number], { branch: string }>(
    'SELECT DISTINCT branch FROM gh_pushes WHERE repo = ? AND at >= ? AND branch IS NOT NULL ORDER BY branch',
  );
  const contributors = db.prepare<[string, number, string, number], { name: string }>(`
    SELECT pusher AS name FROM gh_pushes WHERE repo = ? AND at >= ? AND pusher IS NOT NULL
    UNION SELECT author FROM gh_commits WHERE repo = ? AND at >= ? AND author IS NOT NULL
    ORDER BY 1 COLLATE NOCASE, 1`);
  // One commit pushed to two branches is two rows; it is one message. Commits of one push
  // share its time; within it GitHub lists them oldest first, so the later row is newer.
  // `verified` is a bare column like message: it belongs to the row whose message is shown.
  const messages = db.prepare<[string, number, number], { sha: string; message: string; author: string | null; verified: number; at: number }>(`
    SELECT sha, message, author, verified, max(at) AS at FROM gh_commits WHERE repo = ? AND at >= ?
    GROUP BY sha ORDER BY at DESC, max(rowid) DESC LIMIT ?`);
  const prEvents = db.prepare<[string, number], PrRow>(`
    SELECT number, action, title, user, state, merged, at, verified FROM gh_pull_requests
    WHERE repo = ? AND at >= ? ORDER BY at, event_id`);

  const since = (hours: number) => now() - checkHours(hours) * HOUR_MS;

  function repoArgs(repo: string, hours: number, eventType: string | null | undefined): RepoArgs {
    const type = eventType === undefined || eventType === null || eventType === '' ? null : eventType;
    return { repo: checkName(repo, 'repo'), since: since(hours), type, lo: type && `${type}.`, hi: type && `${type}/` };
  }

  return {
    trackedRepos(): TrackedRepo[] {
      // Names are event subjects; cleaned for rows stored before ingest cleaned them.
      return tracked.all().map(({ last, ...r }) => ({ ...r, repo: flatText(r.repo, MAX_SUBJECT), last_event_at: last ? iso(last) : null }));
    },

    repoActivity(repo: string, hours: number, eventType?: string | null): RepoActivity {
      const args = repoArgs(repo, hours, eventType);
      const counts = typeCounts.all(args);
      return {
        repo: args.repo,
        period_hours: hours,
        total_events: counts.reduce((sum, r) => sum + r.n, 0),
        events_by_type: countsOf(counts),
        recent_events: recentEvents.all({ ...args, limit: RECENT_EVENTS }).map(toRecord),
      };
    },

    summarizeCommits(repo: string, hours: number): CommitSummary {
      const name = checkName(repo, 'repo');
      const from = since(hours);
      const totals = pushTotals.get(name, from)!;
      return {
        repo: name,
        period_hours: hours,
        total_pushes: totals.pushes,
        total_commits: totals.commits,
        contributors: contributors.all(name, from, name, from).map((r) => r.name),
        branches: branches.all(name, from).map((r) => r.branch),
        recent_messages: messages.all(name, from, RECENT_MESSAGES).map((c) => ({
          sha: c.sha.slice(0, 7),
          message: firstLine(c.message),
          author: c.author,
          at: iso(c.at),
          verified: c.verified === 1,
        })),
        unverified_pushes: totals.unverified,
      };
    },

    prActivity(repo: string, hours: number): PrActivity {
      const name = checkName(repo, 'repo');
      const rows = prEvents.all(name, since(hours));
      return {
        repo: name,
        period_hours: hours,
        total_pr_events: rows.length,
        by_action: prsByAction(rows),
        open_prs: openPrs(rows),
      };
    },
  };
}

/** Newest first within each action. */
function prsByAction(rows: PrRow[]): Record<string, PrEvent[]> {
  const groups = new Map<string, PrEvent[]>();
  for (const r of [...rows].reverse()) {
    const key = r.action ?? 'unknown';
    const entry = { number: r.number, title: r.title, user: r.user, state: r.state, merged: r.merged === 1, at: iso(r.at), verified: r.verified === 1 };
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  return Object.fromEntries(groups);
}

/** Rows are oldest first, so the last state written per PR is its latest in the window. */
function openPrs(rows: PrRow[]): number[] {
  const latest = new Map<number, string | null>();
  for (const r of rows) if (r.number !== null) latest.set(r.number, r.state);
  return [...latest].filter(([, state]) => state === 'open').map(([n]) => n).sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------
// Stripe.

type ActionRow = Omit<ActionRecord, 'created_at' | 'updated_at' | 'age_seconds' | 'verified'> & {
  created_at: number;
  updated_at: number;
  verified: number;
};

const ACTION_SELECT = `
  SELECT a.id, a.action_type, a.status, a.customer_id, a.customer_email, a.amount, a.currency, a.plan,
         a.stripe_event, a.event_id, a.created_at, a.updated_at, h.note AS last_note, h.actor AS last_actor, a.verified
  FROM stripe_actions a
  LEFT JOIN stripe_action_history h
    ON h.id = (SELECT max(id) FROM stripe_action_history WHERE action_id = a.id)`;

function stripeQueries(db: Database.Database, now: () => number) {
  const byStatus = db.prepare<[string, number], ActionRow>(`${ACTION_SELECT} WHERE a.status = ? ORDER BY a.id DESC LIMIT ?`);
  const all = db.prepare<[number], ActionRow>(`${ACTION_SELECT} ORDER BY a.id DESC LIMIT ?`);
  const byId = db.prepare<[number], ActionRow>(`${ACTION_SELECT} WHERE a.id = ?`);
  const history = db.prepare<[number], Omit<ActionHistoryEntry, 'at'> & { at: number }>(
    'SELECT status, note, actor, at FROM stripe_action_history WHERE action_id = ? ORDER BY id',
  );
  const pending = db.prepare<[], { n: number; u: number }>(
    "SELECT count(*) AS n, coalesce(sum(verified = 0), 0) AS u FROM stripe_actions WHERE status = 'pending'",
  );
  const typeCounts = db.prepare<[number], { key: string; n: number; u: number }>(`
    SELECT type AS key, count(*) AS n, sum(verified = 0) AS u FROM events WHERE source = 'stripe' AND received_at >= ?
    GROUP BY type ORDER BY n DESC, type`);
  const amounts = db.prepare<[number], StripeAmount>(`
    SELECT lower(json_extract(fields, '$.currency')) AS currency, type, sum(json_extract(fields, '$.amount')) AS total,
           sum(CASE WHEN verified = 0 THEN json_extract(fields, '$.amount') ELSE 0 END) AS unverified
    FROM events
    WHERE type IN (${AMOUNT_TYPES.map((t) => `'${t}'`).join(', ')}) AND source = 'stripe' AND received_at >= ?
      AND json_type(fields, '$.amount') IN ('integer', 'real')
    GROUP BY 1, 2 ORDER BY 1, 2`);

  const toAction = (r: ActionRow): ActionRecord => ({
    ...r,
    verified: r.verified === 1,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    age_seconds: Math.max(0, Math.floor((now() - r.created_at) / 1000)),
  });

  return {
    actions(status: ActionStatusFilter, limit: number): ActionRecord[] {
      if (!STATUS_FILTERS.includes(status)) {
        throw new QueryError(`status must be one of ${STATUS_FILTERS.join(', ')}; got ${JSON.stringify(status)}`);
      }
      const n = checkLimit(limit);
      return (status === 'all' ? all.all(n) : byStatus.all(status, n)).map(toAction);
    },

    action(id: number): ActionDetail | null {
      if (!Number.isSafeInteger(id)) throw new QueryError(`action id must be a whole number; got ${String(id)}`);
      const row = byId.get(id);
      if (!row) return null;
      return { ...toAction(row), history: history.all(id).map((h) => ({ ...h, at: iso(h.at) })) };
    },

    stripeSummary(hours: number): StripeSummary {
      const from = now() - checkHours(hours) * HOUR_MS;
      const counts = typeCounts.all(from);
      const queue = pending.get()!;
      // Amounts are decimals in major units; rounding to 3 places (the most any currency
      // uses) hides binary floating-point noise such as 0.30000000000000004.
      const round = (n: number) => Math.round(n * 1000) / 1000;
      return {
        period_hours: hours,
        total_events: counts.reduce((sum, r) => sum + r.n, 0),
        by_type: countsOf(counts),
        pending_actions: queue.n,
        amounts: amounts.all(from).map((a) => ({ ...a, type: flatText(a.type, MAX_TYPE), total: round(a.total), unverified: round(a.unverified) })),
        unverified_events: counts.reduce((sum, r) => sum + r.u, 0),
        unverified_pending_actions: queue.u,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------
// Deployments and their pushes.

type DeploymentRow = Omit<Deployment, 'started_at' | 'at' | 'verified'> & { started_at: number | null; at: number; verified: number };
type PushRow = Omit<RecentPush, 'at' | 'verified'> & { at: number; verified: number };
type ShaRow = { sha: string; at: number };

const DEPLOYMENT_COLUMNS =
  'event_id, provider, project, deployment_id, url, state, environment, commit_sha, duration_ms, started_at, at, verified';
// The head commit's message, wherever it was recorded; else the newest commit of this push.
const PUSH_SELECT = `
  SELECT p.event_id, p.repo, p.branch, p.head_sha, p.pusher, p.commit_count, p.at, p.verified,
         coalesce((SELECT c.message FROM gh_commits c WHERE c.sha = p.head_sha LIMIT 1),
                  (SELECT c.message FROM gh_commits c WHERE c.event_id = p.event_id ORDER BY c.at DESC, c.rowid DESC LIMIT 1))
           AS message
  FROM gh_pushes p`;

const toDeployment = (r: DeploymentRow): Deployment => ({
  ...r,
  started_at: isoOrNull(r.started_at),
  at: iso(r.at),
  verified: r.verified === 1,
});
const toPush = (r: PushRow): RecentPush => ({
  ...r,
  message: r.message === null ? null : firstLine(r.message),
  at: iso(r.at),
  verified: r.verified === 1,
});

function deploymentQueries(db: Database.Database, now: () => number) {
  const pushesAll = db.prepare<[number], PushRow>(`${PUSH_SELECT} ORDER BY p.at DESC, p.event_id DESC LIMIT ?`);
  const pushesByRepo = db.prepare<[string, number], PushRow>(
    `${PUSH_SELECT} WHERE p.repo = ? ORDER BY p.at DESC, p.event_id DESC LIMIT ?`,
  );
  const deploysAll = db.prepare<[number], DeploymentRow>(
    `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments ORDER BY at DESC, event_id DESC LIMIT ?`,
  );
  const deploysByProject = db.prepare<[string, number], DeploymentRow>(
    `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE project = ? ORDER BY at DESC, event_id DESC LIMIT ?`,
  );
  const stateCounts = db.prepare<[string, number], { key: string; n: number }>(
    'SELECT state AS key, count(*) AS n FROM deployments WHERE project = ? AND at >= ? GROUP BY state ORDER BY n DESC, state',
  );

  return {
    recentPushes(repo: string | null, limit: number): RecentPush[] {
      const n = checkLimit(limit);
      const rows = repo === null ? pushesAll.all(n) : pushesByRepo.all(checkName(repo, 'repo'), n);
      return rows.map(toPush);
    },

    recentDeployments(project: string | null, limit: number): Deployment[] {
      const n = checkLimit(limit);
      const rows = project === null ? deploysAll.all(n) : deploysByProject.all(checkName(project, 'project'), n);
      return rows.map(toDeployment);
    },

    deploymentStatus(project: string): DeploymentStatus {
      const name = checkName(project, 'project');
      const latest = deploysByProject.get(name, 1);
      return {
        project: name,
        latest: latest ? toDeployment(latest) : null,
        last_24h: countsOf(stateCounts.all(name, now() - 24 * HOUR_MS)),
      };
    },
  };
}

function correlationQueries(db: Database.Database) {
  // Range scans on the lower-cased SHA columns: each uses its *_by_sha index.
  const commitShas = db.prepare<[string, string, number], ShaRow>(
    'SELECT sha, max(at) AS at FROM gh_commits WHERE sha >= ? AND sha < ? GROUP BY sha ORDER BY at DESC LIMIT ?',
  );
  const pushShas = db.prepare<[string, string, number], ShaRow>(
    'SELECT head_sha AS sha, max(at) AS at FROM gh_pushes WHERE head_sha >= ? AND head_sha < ? GROUP BY head_sha ORDER BY at DESC LIMIT ?',
  );
  const deploymentShas = db.prepare<[string, string, number], ShaRow>(
    'SELECT commit_sha AS sha, max(at) AS at FROM deployments WHERE commit_sha >= ? AND commit_sha < ? GROUP BY commit_sha ORDER BY at DESC LIMIT ?',
  );
  const commitBySha = db.prepare<[string], Omit<CorrelatedCommit, 'at' | 'verified'> & { at: number; verified: number }>(
    'SELECT sha, repo, message, author, at, verified FROM gh_commits WHERE sha = ? ORDER BY at DESC, event_id DESC LIMIT 1',
  );
  // Prefer the push that made it the head (the one deploy hooks fire on); else the push that carried it.
  const pushByHead = db.prepare<[string], Omit<CorrelatedPush, 'at' | 'verified'> & { at: number; verified: number }>(
    'SELECT repo, branch, pusher, head_sha, at, event_id, verified FROM gh_pushes WHERE head_sha = ? ORDER BY at DESC, event_id DESC LIMIT 1',
  );
  const pushCarrying = db.prepare<[string], Omit<CorrelatedPush, 'at' | 'verified'> & { at: number; verified: number }>(`
    SELECT p.repo, p.branch, p.pusher, p.head_sha, p.at, p.event_id, p.verified
    FROM gh_commits c JOIN gh_pushes p ON p.event_id = c.event_id
    WHERE c.sha = ? ORDER BY p.at DESC, p.event_id DESC LIMIT 1`);
  const deploymentsOf = db.prepare<[string], DeploymentRow>(
    `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE commit_sha = ? ORDER BY at, event_id`,
  );

  /** Distinct full SHAs with this prefix, newest first. */
  function candidates(lo: string, hi: string): string[] {
    const newest = new Map<string, number>();
    for (const stmt of [commitShas, pushShas, deploymentShas]) {
      for (const r of stmt.all(lo, hi, SHA_CANDIDATES)) newest.set(r.sha, Math.max(r.at, newest.get(r.sha) ?? -Infinity));
    }
    return [...newest].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([sha]) => sha);
  }

  return {
    correlate(commitSha: string): Correlation {
      const { prefix, lo, hi } = shaRange(commitSha);
      const shas = candidates(lo, hi);
      const sha = shas[0];
      if (sha === undefined) {
        return { commit_sha: prefix, push: null, commit: null, deployments: [], verdict: `no push or deployment seen for ${prefix}` };
      }
      const commitRow = commitBySha.get(sha);
      const pushRow = pushByHead.get(sha) ?? pushCarrying.get(sha);
      const push = pushRow ? { ...pushRow, at: iso(pushRow.at), verified: pushRow.verified === 1 } : null;
      const commit = commitRow ? { ...commitRow, at: iso(commitRow.at), verified: commitRow.verified === 1 } : null;
      const deployments = deploymentsOf.all(sha).map(toDeployment);
      const ambiguity = shas.length > 1 ? ambiguous(prefix, shas) : '';
      return { commit_sha: sha, push, commit, deployments, verdict: ambiguity + verdictFor(sha, push, deployments) };
    },
  };
}

function ambiguous(prefix: string, shas: string[]): string {
  const shown = shas.slice(0, 5).map((s) => s.slice(0, 12));
  const more = shas.length >= SHA_CANDIDATES ? ' or more' : '';
  return `${prefix} is ambiguous: it matches ${shas.length}${more} commits (${shown.join(', ')}${shas.length > 5 ? ', …' : ''}); showing the newest. `;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** One line: where it was pushed, and the latest thing any deployment of it reported. */
export function verdictFor(sha: string, push: CorrelatedPush | null, deployments: Deployment[]): string {
  const label = sha.slice(0, 7);
  const pushed = push
    ? `was pushed to ${push.branch ?? 'a tag or other ref'} in ${push.repo}${push.pusher ? ` by ${push.pusher}` : ''}`
    : null;
  const last = deployments[deployments.length - 1];
  // Vercel leaves the target empty for preview deployments.
  const deployed = last
    ? `deployed to ${last.environment ?? 'preview'} (${last.state}${last.duration_ms ? `, ${duration(last.duration_ms)}` : ''})${
        last.url ? ` at ${last.url}` : ''
      }`
    : null;
  const sentence =
    pushed && deployed
      ? `${label} ${pushed} and ${deployed}`
      : pushed
        ? `${label} ${pushed} but no deployment seen yet`
        : deployed
          ? `${label} was ${deployed}; no push of it was seen`
          : `no push or deployment seen for ${label}`;
  return sentence + unverifiedNote(push, last ?? null);
}

/** The verdict is read as fact; say when what it rests on came unsigned. */
function unverifiedNote(push: CorrelatedPush | null, deployment: Deployment | null): string {
  const unsigned = [push && !push.verified ? 'the push' : null, deployment && !deployment.verified ? 'the deployment report' : null];
  const named = unsigned.filter((x): x is string => x !== null);
  return named.length ? ` [UNVERIFIED: ${named.join(' and ')} came from a source without a signing secret]` : '';
}

// ---------------------------------------------------------------------------------------
// Channels and sources.

function channelQueries(db: Database.Database) {
  const channels = db.prepare<[], { channel: string | null; count: number; last: number }>(`
    SELECT subject AS channel, count(*) AS count, max(received_at) AS last FROM events
    WHERE source = 'mcp' GROUP BY subject ORDER BY last DESC`);
  const sources = db.prepare<[], { source: string; count: number; last: number }>(
    'SELECT source, count(*) AS count, max(received_at) AS last FROM events GROUP BY source ORDER BY last DESC',
  );
  return {
    channelStats(): ChannelStats {
      return {
        channels: channels.all().map(({ last, ...c }) => ({ ...c, last_at: iso(last) })),
        sources: sources.all().map(({ last, ...s }) => ({ ...s, last_at: iso(last) })),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------

export function createDomainQueries(db: Database.Database, options: QueryOptions = {}) {
  const now = options.now ?? Date.now;
  return {
    ...githubQueries(db, now),
    ...stripeQueries(db, now),
    ...deploymentQueries(db, now),
    ...correlationQueries(db),
    ...channelQueries(db),
  };
}

export type DomainQueries = ReturnType<typeof createDomainQueries>;
