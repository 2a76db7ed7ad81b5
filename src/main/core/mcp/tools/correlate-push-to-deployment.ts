// correlate_push_to_deployment: which push a commit came in and what it deployed to.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { deploymentSchema } from './deployment-schema';

export function registerCorrelatePushToDeploymentTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'correlate_push_to_deployment',
    title: 'Correlate a push to its deployment',
    description: 'Given a commit SHA (or a prefix of at least 4 hex characters), find the push that brought it and the deployments built from it.',
    input: { commit_sha: z.string().min(4).max(64) },
    output: {
      commit_sha: z.string(),
      push: z.object({ repo: z.string(), branch: z.string().nullable(), pusher: z.string().nullable(), head_sha: z.string().nullable(), at: z.string(), event_id: z.number() }).nullable(),
      commit: z.object({ sha: z.string(), repo: z.string(), message: z.string(), author: z.string().nullable(), at: z.string() }).nullable(),
      deployments: z.array(deploymentSchema),
      verdict: z.string(),
    },
    annotations: READ_ONLY,
    run: ({ commit_sha }) => {
      const c = deps.queries.correlate(commit_sha);
      return { structured: c, text: c.verdict };
    },
  });
}
