// Pushes and deployments side by side: which deployment (if any) carries a push's commit,
// and how a deployment state reads. Pure, over the API's rows.
import type { DeploymentInfo, PushInfo } from '../../shared/api';

export type Tone = 'ok' | 'bad' | 'busy' | 'neutral' | 'warn';

/** The core normalizes states to one vocabulary (succeeded, error, canceled, building, queued). */
export function stateTone(state: string): Tone {
  switch (state.toLowerCase()) {
    case 'succeeded':
    case 'ready':
    case 'success':
      return 'ok';
    case 'error':
    case 'failed':
    case 'failure':
      return 'bad';
    case 'building':
    case 'queued':
    case 'in_progress':
    case 'pending':
    case 'created':
      return 'busy';
    case 'canceled':
    case 'cancelled':
    case 'inactive':
      return 'neutral';
    default:
      return 'warn';
  }
}

/** Two SHAs name the same commit: equal, or one an abbreviation (≥ 7 chars) of the other. */
export function sameCommit(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.length >= 7 && long.startsWith(short);
}

/**
 * A deployment reports each state change as its own event; keep the newest row of each
 * deployment (the API lists newest first). Rows without a deployment id stay as they are.
 */
export function latestPerDeployment(rows: readonly DeploymentInfo[]): DeploymentInfo[] {
  const seen = new Set<string>();
  const out: DeploymentInfo[] = [];
  for (const d of rows) {
    if (d.deployment_id) {
      const key = `${d.provider}:${d.deployment_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(d);
  }
  return out;
}

/** The newest deployment row of each commit, by full lowercase SHA. */
export function deploymentsBySha(rows: readonly DeploymentInfo[]): Map<string, DeploymentInfo> {
  const map = new Map<string, DeploymentInfo>();
  for (const d of rows) {
    if (!d.commit_sha) continue;
    const sha = d.commit_sha.toLowerCase();
    const have = map.get(sha);
    if (!have || d.at > have.at || (d.at === have.at && d.event_id > have.event_id)) map.set(sha, d);
  }
  return map;
}

/** The deployment of a push's head commit, if any (exact SHA first, then an abbreviation). */
export function deploymentForPush(push: PushInfo, bySha: ReadonlyMap<string, DeploymentInfo>): DeploymentInfo | null {
  if (!push.head_sha) return null;
  const exact = bySha.get(push.head_sha.toLowerCase());
  if (exact) return exact;
  for (const [sha, d] of bySha) if (sameCommit(sha, push.head_sha)) return d;
  return null;
}

/** Distinct values of a field, sorted, for a filter's choices. */
export function distinct(values: Iterable<string | null>): string[] {
  const set = new Set<string>();
  for (const v of values) if (v) set.add(v);
  return [...set].sort((a, b) => a.localeCompare(b));
}
