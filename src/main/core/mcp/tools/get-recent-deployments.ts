// get_recent_deployments: the newest deployment reports from Vercel and GitHub.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { deploymentLine, deploymentSchema, deploymentsText } from './deployment-schema';
import { derivedWarning, withWarning } from '../unverified';

export function registerGetRecentDeploymentsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_recent_deployments',
    title: 'Recent deployments',
    description: 'The newest deployment reports (Vercel deployment events and GitHub deployment_status), with state, environment, URL, commit and duration.',
    input: { project: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(200).default(10) },
    output: { deployments: z.array(deploymentSchema), warning: z.string().nullable().describe('set when some deployment reports were unsigned') },
    annotations: READ_ONLY,
    run: ({ project, limit }) => {
      const deployments = deps.queries.recentDeployments(project ?? null, limit);
      const warning = derivedWarning(deployments, 'deployment report(s)');
      const text = deployments.length ? deploymentsText(`${deployments.length} deployment(s), newest first:`, deployments.map(deploymentLine)) : 'No deployments recorded yet.';
      return { structured: { deployments, warning }, text: withWarning(warning, text) };
    },
  });
}
