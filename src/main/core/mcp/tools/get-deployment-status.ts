// get_deployment_status: a project's latest deployment and its last 24 hours by state.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { deploymentLine, deploymentSchema, deploymentsText } from './deployment-schema';
import { shown } from '../present';
import { derivedWarning, withWarning } from '../unverified';

export function registerGetDeploymentStatusTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_deployment_status',
    title: 'Deployment status',
    description: 'The latest deployment of a project (Vercel project name, or owner/repo for GitHub deployments) and counts by state over the last 24 hours.',
    input: { project: z.string().min(1).max(200) },
    output: {
      project: z.string(),
      latest: deploymentSchema.nullable(),
      last_24h: z.record(z.string(), z.number()),
      warning: z.string().nullable().describe('set when the latest deployment report was unsigned'),
    },
    annotations: READ_ONLY,
    run: ({ project }) => {
      const s = deps.queries.deploymentStatus(project);
      // States are the sender's words too, so the counts go inside the block.
      const counts = Object.entries(s.last_24h).map(([k, n]) => `${shown(k)}: ${n}`).join(', ') || 'none';
      const warning = derivedWarning(s.latest ? [s.latest] : [], 'deployment report(s)');
      const text = s.latest
        ? deploymentsText('Deployment status:', [`latest: ${deploymentLine(s.latest)}`, `last 24 h: ${counts}`])
        : 'No deployments recorded for that project.';
      return { structured: { ...s, warning }, text: withWarning(warning, text) };
    },
  });
}
