// get_pr_activity: pull request events for a repository, grouped by action.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { hoursInput } from '../schemas';
import { derivedWarning, unverifiedMark, withWarning } from '../unverified';

const prEvent = z.object({
  number: z.number().nullable(),
  title: z.string().nullable(),
  user: z.string().nullable(),
  state: z.string().nullable(),
  merged: z.boolean(),
  at: z.string(),
  verified: z.boolean(),
});

export function registerGetPrActivityTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_pr_activity',
    title: 'Pull request activity',
    description: 'Pull request events in a repository over the last hours, grouped by action (opened, closed, synchronize, ...), with the PRs still open.',
    input: { repo: z.string().min(3).max(200), hours: hoursInput },
    output: { repo: z.string(), period_hours: z.number(), total_pr_events: z.number(), by_action: z.record(z.string(), z.array(prEvent)), open_prs: z.array(z.number()), warning: z.string().nullable().describe('set when some pull request events were unsigned') },
    annotations: READ_ONLY,
    run: ({ repo, hours }) => {
      const a = deps.queries.prActivity(repo, hours);
      // The number and, for an unsigned event, the mark come before any of the sender's text.
      const lines = Object.entries(a.by_action).flatMap(([action, prs]) =>
        prs.map((p) => `#${p.number ?? '?'}${unverifiedMark(p)} ${shown(action)}: ${shown(p.title)} by ${shown(p.user) || '?'}${p.merged ? ' (merged)' : ''}`),
      );
      const head = `Pull requests, last ${hours} h: ${a.total_pr_events} pull request event(s); open: ${a.open_prs.map((n) => `#${n}`).join(', ') || 'none'}.`;
      const warning = derivedWarning(Object.values(a.by_action).flat(), 'pull request event(s)');
      const text = lines.length ? `${head}\n${DATA_NOTICE}\n${dataBlock('pull-requests', lines)}` : head;
      return { structured: { ...a, warning }, text: withWarning(warning, text) };
    },
  });
}
