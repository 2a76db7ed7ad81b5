// get_repo_activity: a repository's events over the last hours, counted by type.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventListText, shown } from '../present';
import { hoursInput } from '../schemas';
import { eventRecordSchema } from '../../../../shared/events';

export function registerGetRepoActivityTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_repo_activity',
    title: 'Repository activity',
    description: 'Activity in one repository (owner/name) over the last hours: event counts by type and the 10 most recent events. event_type narrows it (e.g. push, pull_request, issues).',
    input: { repo: z.string().min(3).max(200), hours: hoursInput, event_type: z.string().max(100).optional() },
    output: { repo: z.string(), period_hours: z.number(), total_events: z.number(), events_by_type: z.record(z.string(), z.number()), recent_events: z.array(eventRecordSchema) },
    annotations: READ_ONLY,
    run: ({ repo, hours, event_type }) => {
      const a = deps.queries.repoActivity(repo, hours, event_type);
      // Types are the sender's words: counted inside the block, not in our header, which
      // does not repeat the repo either (a name an assistant may have copied from a payload).
      const counts = Object.entries(a.events_by_type).map(([t, n]) => `${shown(t)}: ${n}`).join(', ') || 'none';
      return {
        structured: a,
        text: eventListText(`Repository activity, last ${hours} h (${a.total_events} events)`, a.recent_events, undefined, [`events by type: ${counts}`]),
      };
    },
  });
}
