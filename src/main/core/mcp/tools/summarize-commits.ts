// summarize_commits: pushes, commits, contributors and messages for a repository.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE } from '../present';
import { hoursInput } from '../schemas';

export function registerSummarizeCommitsTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'summarize_commits',
    title: 'Summarize commits',
    description: 'Commits pushed to a repository over the last hours: how many pushes and commits, who contributed, which branches, and the recent commit messages.',
    input: { repo: z.string().min(3).max(200), hours: hoursInput },
    output: {
      repo: z.string(),
      period_hours: z.number(),
      total_pushes: z.number(),
      total_commits: z.number(),
      contributors: z.array(z.string()),
      branches: z.array(z.string()),
      recent_messages: z.array(z.object({ sha: z.string(), message: z.string(), author: z.string().nullable(), at: z.string() })),
    },
    annotations: READ_ONLY,
    run: ({ repo, hours }) => {
      const s = deps.queries.summarizeCommits(repo, hours);
      const head = `${repo}, last ${hours} h: ${s.total_pushes} push(es), ${s.total_commits} commit(s) on ${s.branches.join(', ') || 'no branch'}; contributors: ${s.contributors.join(', ') || 'none'}.`;
      const body = s.recent_messages.map((m) => `${m.sha} ${m.author ?? '?'}: ${m.message}`).join('\n');
      return { structured: s, text: body ? `${head}\n${DATA_NOTICE}\n<external-data kind="commit-messages">\n${body}\n</external-data>` : head };
    },
  });
}
