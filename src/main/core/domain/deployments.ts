// Deployments from Vercel and from GitHub deployment_status events, in one shape, so a
// push can be matched to what it deployed by commit SHA.
import type { DerivedInput } from './derived-input';
import { str } from './fields';

export interface DeploymentRow {
  provider: 'vercel' | 'github';
  project: string;
  deployment_id: string | null;
  url: string | null;
  state: string;
  environment: string | null;
  commit_sha: string | null;
}

/** Vercel and GitHub name the same outcomes differently; one vocabulary for both. */
const STATE_ALIASES: Record<string, string> = {
  success: 'succeeded',
  ready: 'succeeded',
  failure: 'error',
  failed: 'error',
  cancelled: 'canceled',
  in_progress: 'building',
  queued: 'queued',
  pending: 'queued',
};

export function normalizeState(state: string): string {
  return STATE_ALIASES[state] ?? state;
}

export function deploymentFor(input: DerivedInput): DeploymentRow | null {
  const f = input.fields;
  if (input.provider === 'vercel') {
    const state = str(f, 'state');
    const project = str(f, 'project') ?? input.subject;
    if (!state || !project || !input.type.startsWith('deployment')) return null;
    return {
      provider: 'vercel',
      project,
      deployment_id: str(f, 'deployment_id'),
      url: str(f, 'url'),
      state: normalizeState(state),
      environment: str(f, 'target'),
      commit_sha: str(f, 'commit_sha')?.toLowerCase() ?? null,
    };
  }
  if (input.provider === 'github' && str(f, 'event') === 'deployment_status' && input.subject) {
    const state = str(f, 'state');
    if (!state) return null;
    const id = f['deployment_id'];
    return {
      provider: 'github',
      project: input.subject,
      deployment_id: typeof id === 'number' || typeof id === 'string' ? String(id) : null,
      url: str(f, 'target_url'),
      state: normalizeState(state),
      environment: str(f, 'environment'),
      commit_sha: str(f, 'sha')?.toLowerCase() ?? null,
    };
  }
  return null;
}
