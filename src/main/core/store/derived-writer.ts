// Writes the derived views (GitHub activity, deployments, Stripe actions) inside the same
// transaction as the event, so the views can never disagree with the events after a crash.
import type Database from 'better-sqlite3';
import type { DerivedInput } from '../domain/derived-input';
import { deploymentFor } from '../domain/deployments';
import { githubRows } from '../domain/github-activity';
import { stripeActionsFor } from '../domain/stripe-actions';

export function createDerivedWriter(db: Database.Database) {
  const push = db.prepare(`
    INSERT INTO gh_pushes (event_id, repo, branch, ref, head_sha, pusher, commit_count, forced, at, verified)
    VALUES (@event_id, @repo, @branch, @ref, @head_sha, @pusher, @commit_count, @forced, @at, @verified)`);
  const commit = db.prepare(`
    INSERT OR IGNORE INTO gh_commits (event_id, repo, branch, sha, message, author, at, verified)
    VALUES (@event_id, @repo, @branch, @sha, @message, @author, @at, @verified)`);
  const pullRequest = db.prepare(`
    INSERT INTO gh_pull_requests (event_id, repo, number, action, title, user, state, merged, head_sha, at, verified)
    VALUES (@event_id, @repo, @number, @action, @title, @user, @state, @merged, @head_sha, @at, @verified)`);
  const issue = db.prepare(`
    INSERT INTO gh_issues (event_id, repo, number, action, title, user, state, at, verified)
    VALUES (@event_id, @repo, @number, @action, @title, @user, @state, @at, @verified)`);
  const deployment = db.prepare(`
    INSERT INTO deployments (event_id, provider, project, deployment_id, url, state, environment, commit_sha,
                             started_at, duration_ms, at, verified)
    VALUES (@event_id, @provider, @project, @deployment_id, @url, @state, @environment, @commit_sha,
            @started_at, @duration_ms, @at, @verified)`);
  // The first event seen for a deployment marks its start; later states measure from it.
  const deploymentStart = db.prepare<[string, string], { started: number | null }>(
    'SELECT min(started_at) AS started FROM deployments WHERE provider = ? AND deployment_id = ?',
  );
  const action = db.prepare(`
    INSERT INTO stripe_actions (event_id, stripe_event, action_type, customer_id, customer_email, amount, currency,
                                plan, status, created_at, updated_at, verified)
    VALUES (@event_id, @stripe_event, @action_type, @customer_id, @customer_email, @amount, @currency,
            @plan, 'pending', @at, @at, @verified)
    ON CONFLICT(stripe_event, action_type) DO NOTHING
    RETURNING id`);
  const history = db.prepare(`
    INSERT INTO stripe_action_history (action_id, status, note, actor, at) VALUES (?, 'pending', ?, 'tidings', ?)`);

  return {
    /** `verified`: whether the event's signature was checked; every row it makes carries it. */
    apply(eventId: number, input: DerivedInput, verified: boolean): void {
      const v = verified ? 1 : 0;
      // Windows ("the last 24 hours") mean when Tidings heard of it, as the reference tools do;
      // a push of week-old commits is still today's push.
      const at = input.receivedAt;
      const gh = githubRows(input);
      if (gh.push) push.run({ event_id: eventId, ...gh.push, forced: gh.push.forced ? 1 : 0, at, verified: v });
      for (const c of gh.commits) commit.run({ event_id: eventId, ...c, verified: v });
      if (gh.pullRequest) {
        pullRequest.run({ event_id: eventId, ...gh.pullRequest, merged: gh.pullRequest.merged ? 1 : 0, at, verified: v });
      }
      if (gh.issue) issue.run({ event_id: eventId, ...gh.issue, at, verified: v });

      const d = deploymentFor(input);
      if (d) {
        const earlier = d.deployment_id ? deploymentStart.get(d.provider, d.deployment_id)?.started ?? null : null;
        // Unknown until an earlier event of the same deployment says when it started.
        deployment.run({ event_id: eventId, ...d, started_at: earlier ?? at, duration_ms: earlier === null ? null : at - earlier, at, verified: v });
      }

      for (const draft of stripeActionsFor(input)) {
        const created = action.get({ event_id: eventId, ...draft, at: input.receivedAt, verified: v }) as { id: number } | undefined;
        if (created) history.run(created.id, `created from ${input.type}`, input.receivedAt);
      }
    },
  };
}
