// list_tracked_repos: every repository GitHub has sent events about.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE } from '../present';

export function registerListTrackedReposTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'list_tracked_repos',
    title: 'Tracked repositories',
    description: 'Repositories that GitHub has sent events about, most recently active first, with counts of pushes, pull request and issue events.',
    input: {},
    output: {
      repos: z.array(
        z.object({ repo: z.string(), events: z.number(), last_event_at: z.string().nullable(), pushes: z.number(), pull_request_events: z.number(), issue_events: z.number() }),
      ),
    },
    annotations: READ_ONLY,
    run: () => {
      const repos = deps.queries.trackedRepos();
      const text = repos.length
        ? `${DATA_NOTICE}\n<external-data kind="repos">\n${repos.map((r) => `${r.repo}: ${r.events} events, ${r.pushes} pushes, last ${r.last_event_at}`).join('\n')}\n</external-data>`
        : 'No GitHub events yet. Add a webhook in GitHub → Settings → Webhooks pointing at the github URL that `tidings serve` prints.';
      return { structured: { repos }, text };
    },
  });
}
