// What Tidings derived from one event, for `tidings events show`: the GitHub activity rows,
// the deployment state, the Stripe actions it created, and the outbound deliveries that
// carry it. Read-only; times come back as ISO 8601.
import type Database from 'better-sqlite3';

export interface DerivedOfEvent {
  github_push: Record<string, unknown> | null;
  github_commits: Record<string, unknown>[];
  github_pull_request: Record<string, unknown> | null;
  github_issue: Record<string, unknown> | null;
  deployment: Record<string, unknown> | null;
  stripe_actions: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
}

/** Columns that hold ms since the epoch, by the schema's naming (`at`, `*_at`). */
const TIME_COLUMN = /(^at$|_at$)/;

function iso(row: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, TIME_COLUMN.test(k) && typeof v === 'number' ? new Date(v).toISOString() : v]));
}

export function createDerivedReader(db: Database.Database) {
  const one = (sql: string) => db.prepare<[number], Record<string, unknown>>(sql);
  const push = one('SELECT * FROM gh_pushes WHERE event_id = ?');
  const commits = one('SELECT sha, branch, message, author, at FROM gh_commits WHERE event_id = ? ORDER BY at, sha');
  const pullRequest = one('SELECT * FROM gh_pull_requests WHERE event_id = ?');
  const issue = one('SELECT * FROM gh_issues WHERE event_id = ?');
  const deployment = one('SELECT * FROM deployments WHERE event_id = ?');
  const actions = one('SELECT id, action_type, status, customer_id, customer_email, amount, currency, plan, created_at, updated_at FROM stripe_actions WHERE event_id = ? ORDER BY id');
  const deliveries = one(`
    SELECT d.id, t.name AS target, d.kind, d.state, d.attempts, d.last_status, d.last_error, d.created_at, d.delivered_at
    FROM deliveries d JOIN targets t ON t.id = d.target_id WHERE d.event_id = ? ORDER BY d.id`);
  return {
    forEvent(id: number): DerivedOfEvent {
      return {
        github_push: iso(push.get(id)),
        github_commits: commits.all(id).map((r) => iso(r)!),
        github_pull_request: iso(pullRequest.get(id)),
        github_issue: iso(issue.get(id)),
        deployment: iso(deployment.get(id)),
        stripe_actions: actions.all(id).map((r) => iso(r)!),
        deliveries: deliveries.all(id).map((r) => iso(r)!),
      };
    },
  };
}
export type DerivedReader = ReturnType<typeof createDerivedReader>;
