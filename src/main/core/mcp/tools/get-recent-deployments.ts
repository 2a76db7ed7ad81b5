// get_recent_deployments: the newest deployment reports from Vercel and GitHub.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { deploymentLine, deploymentSchema } from './deployment-schema';

export function registerGetRecentDeploymentsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_recent_deployments',
    title: 'Recent deployments',
    description: 'The newest deployment reports (Vercel deployment events and GitHub deployment_status), with state, environment, URL, commit and duration.',
    input: { project: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(200).default(10) },
    output: { deployments: z.array(deploymentSchema) },
    annotations: READ_ONLY,
    run: ({ project, limit }) => {
      const deployments = deps.queries.recentDeployments(project ?? null, limit);
      return { structured: { deployments }, text: deployments.length ? deployments.map(deploymentLine).join('\n') : 'No deployments recorded yet.' };
    },
  });
}
