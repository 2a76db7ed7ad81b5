// get_deployment_status: a project's latest deployment and its last 24 hours by state.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { deploymentLine, deploymentSchema } from './deployment-schema';

export function registerGetDeploymentStatusTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_deployment_status',
    title: 'Deployment status',
    description: 'The latest deployment of a project (Vercel project name, or owner/repo for GitHub deployments) and counts by state over the last 24 hours.',
    input: { project: z.string().min(1).max(200) },
    output: { project: z.string(), latest: deploymentSchema.nullable(), last_24h: z.record(z.string(), z.number()) },
    annotations: READ_ONLY,
    run: ({ project }) => {
      const s = deps.queries.deploymentStatus(project);
      const counts = Object.entries(s.last_24h).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
      return { structured: s, text: s.latest ? `Latest: ${deploymentLine(s.latest)}\nLast 24 h: ${counts}` : `No deployments recorded for ${project}.` };
    },
  });
}
