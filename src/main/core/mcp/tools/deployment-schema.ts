// The deployment shape in tool results, and its one-line rendering.
import { z } from 'zod';
import type { Deployment } from '../../domain/queries';

export const deploymentSchema = z.object({
  event_id: z.number(),
  provider: z.string(),
  project: z.string(),
  deployment_id: z.string().nullable(),
  url: z.string().nullable(),
  state: z.string(),
  environment: z.string().nullable(),
  commit_sha: z.string().nullable(),
  duration_ms: z.number().nullable(),
  started_at: z.string().nullable(),
  at: z.string(),
});

export function deploymentLine(d: Deployment): string {
  const secs = d.duration_ms ? `, ${Math.round(d.duration_ms / 1000)} s` : '';
  return `${d.at} ${d.project} ${d.state}${d.environment ? ` (${d.environment})` : ''}${secs}${d.commit_sha ? ` commit ${d.commit_sha.slice(0, 7)}` : ''}${d.url ? ` ${d.url}` : ''}`;
}
