// correlate_push_to_deployment: which push a commit came in and what it deployed to.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { deploymentSchema, deploymentsText } from './deployment-schema';
import { correlatedCommitSchema, correlatedPushSchema } from '../../../../shared/api';
import { shown } from '../present';
import { derivedWarning, withWarning } from '../unverified';

export function registerCorrelatePushToDeploymentTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'correlate_push_to_deployment',
    title: 'Correlate a push to its deployment',
    description: 'Given a commit SHA (or a prefix of at least 4 hex characters), find the push that brought it and the deployments built from it.',
    input: { commit_sha: z.string().min(4).max(64) },
    output: {
      commit_sha: z.string(),
      push: correlatedPushSchema.nullable(),
      commit: correlatedCommitSchema.nullable(),
      deployments: z.array(deploymentSchema),
      verdict: z.string(),
      warning: z.string().nullable().describe('set when the push, commit or a deployment report was unsigned'),
    },
    annotations: READ_ONLY,
    run: ({ commit_sha }) => {
      const c = deps.queries.correlate(commit_sha);
      const rows = [...(c.push ? [c.push] : []), ...(c.commit ? [c.commit] : []), ...c.deployments];
      const warning = derivedWarning(rows, 'of the push, commit and deployment records');
      // The verdict names branches, repos, pushers, environments and URLs from payloads.
      const found = c.push || c.deployments.length > 0;
      const head = `Commit ${JSON.stringify(shown(commit_sha, 64))}: ${c.push ? 'push found' : 'no push seen'}, ${c.deployments.length} deployment(s).`;
      const text = found ? deploymentsText(head, [shown(c.verdict, 1000)]) : `${head} No push or deployment seen for it.`;
      return { structured: { ...c, warning }, text: withWarning(warning, text) };
    },
  });
}
