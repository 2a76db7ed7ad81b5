// get_recent_pushes: the newest pushes, optionally for one repository.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE } from '../present';
import { pushSchema } from '../../../../shared/api';

export function registerGetRecentPushesTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_recent_pushes',
    title: 'Recent pushes',
    description: 'The newest git pushes GitHub reported, with branch, head commit SHA, message and pusher.',
    input: { repo: z.string().min(3).max(200).optional(), limit: z.number().int().min(1).max(200).default(10) },
    output: {
      pushes: z.array(pushSchema),
    },
    annotations: READ_ONLY,
    run: ({ repo, limit }) => {
      const pushes = deps.queries.recentPushes(repo ?? null, limit);
      const lines = pushes.map((p) => `${p.at} ${p.repo}@${p.branch ?? '?'} ${p.head_sha?.slice(0, 7) ?? ''} by ${p.pusher ?? '?'} (${p.commit_count} commits): ${p.message ?? ''}`);
      return {
        structured: { pushes },
        text: pushes.length ? `${DATA_NOTICE}\n<external-data kind="pushes">\n${lines.join('\n')}\n</external-data>` : 'No pushes recorded yet.',
      };
    },
  });
}
