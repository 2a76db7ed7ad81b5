// The deployment shape in tool results, and its one-line rendering.
import type { Deployment } from '../../domain/queries';
import { unverifiedMark } from '../unverified';

export { deploymentSchema } from '../../../../shared/api';

export function deploymentLine(d: Deployment): string {
  const secs = d.duration_ms ? `, ${Math.round(d.duration_ms / 1000)} s` : '';
  return `${d.at} ${d.project} ${d.state}${d.environment ? ` (${d.environment})` : ''}${secs}${d.commit_sha ? ` commit ${d.commit_sha.slice(0, 7)}` : ''}${d.url ? ` ${d.url}` : ''}${unverifiedMark(d)}`;
}
