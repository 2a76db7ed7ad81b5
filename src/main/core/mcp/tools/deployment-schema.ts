// The deployment shape in tool results, and its one-line rendering. Project names, states,
// environments, URLs and SHAs come from the payloads: lines go inside an <external-data>
// block (deploymentsText).
import type { Deployment } from '../../domain/queries';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { unverifiedMark } from '../unverified';

export { deploymentSchema } from '../../../../shared/api';

export function deploymentLine(d: Deployment): string {
  const secs = d.duration_ms ? `, ${Math.round(d.duration_ms / 1000)} s` : '';
  // The time and, for an unsigned report, the mark come before any of the sender's text.
  return `${d.at}${unverifiedMark(d)} ${shown(d.project)} ${shown(d.state)}${d.environment ? ` (${shown(d.environment)})` : ''}${secs}${d.commit_sha ? ` commit ${shown(d.commit_sha.slice(0, 7))}` : ''}${d.url ? ` ${shown(d.url)}` : ''}`;
}

/** Our header line, then sender-derived lines inside one block. */
export function deploymentsText(head: string, lines: string[]): string {
  return `${head}\n${DATA_NOTICE}\n${dataBlock('deployments', lines)}`;
}
