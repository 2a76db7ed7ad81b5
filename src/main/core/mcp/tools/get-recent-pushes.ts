// get_recent_pushes: the newest pushes, optionally for one repository.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { pushSchema } from '../../../../shared/api';
import { derivedWarning, unverifiedMark, withWarning } from '../unverified';

export function registerGetRecentPushesTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_recent_pushes',
    title: 'Recent pushes',
    description: 'The newest git pushes GitHub reported, with branch, head commit SHA, message and pusher.',
    input: { repo: z.string().min(3).max(200).optional(), limit: z.number().int().min(1).max(200).default(10) },
    output: {
      pushes: z.array(pushSchema),
      warning: z.string().nullable().describe('set when some pushes were unsigned'),
    },
    annotations: READ_ONLY,
    run: ({ repo, limit }) => {
      const pushes = deps.queries.recentPushes(repo ?? null, limit);
      // The time and, for an unsigned push, the mark come before any of the sender's text.
      const lines = pushes.map(
        (p) =>
          `${p.at}${unverifiedMark(p)} ${shown(p.repo)}@${shown(p.branch) || '?'} ${shown(p.head_sha?.slice(0, 7))} by ${shown(p.pusher) || '?'} (${p.commit_count} commits): ${shown(p.message)}`,
      );
      const warning = derivedWarning(pushes, 'push(es)');
      return {
        structured: { pushes, warning },
        text: withWarning(warning, pushes.length ? `${pushes.length} push(es).\n${DATA_NOTICE}\n${dataBlock('pushes', lines)}` : 'No pushes recorded yet.'),
      };
    },
  });
}
