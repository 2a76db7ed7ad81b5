// list_tracked_repos: every repository GitHub has sent events about.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { countWarning, UNVERIFIED_MARK, withWarning } from '../unverified';

export function registerListTrackedReposTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'list_tracked_repos',
    title: 'Tracked repositories',
    description: 'Repositories that GitHub has sent events about, most recently active first, with counts of pushes, pull request and issue events.',
    input: {},
    output: {
      repos: z.array(
        z.object({
          repo: z.string(),
          events: z.number(),
          last_event_at: z.string().nullable(),
          pushes: z.number(),
          pull_request_events: z.number(),
          issue_events: z.number(),
          unverified_events: z.number().describe('events of this repo that came unsigned'),
        }),
      ),
      warning: z.string().nullable().describe('set when some repos are known only from unsigned events'),
    },
    annotations: READ_ONLY,
    run: () => {
      const repos = deps.queries.trackedRepos();
      const text = repos.length
        ? `${repos.length} repositories.\n${DATA_NOTICE}\n${dataBlock(
            'repos',
            // The unverified count and mark come before the sender's repo name.
            repos.map((r) => `${r.unverified_events ? `(${r.unverified_events} ${UNVERIFIED_MARK}) ` : ''}${shown(r.repo)}: ${r.events} events, ${r.pushes} pushes, last ${r.last_event_at}`),
          )}`
        : 'No GitHub events yet. Add a webhook in GitHub → Settings → Webhooks pointing at the github URL that `tidings serve` prints.';
      const warning = countWarning(repos.reduce((n, r) => n + r.unverified_events, 0), 'GitHub event(s) behind these repos');
      return { structured: { repos, warning }, text: withWarning(warning, text) };
    },
  });
}
