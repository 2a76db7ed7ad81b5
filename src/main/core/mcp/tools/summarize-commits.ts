// summarize_commits: pushes, commits, contributors and messages for a repository.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE } from '../present';
import { hoursInput } from '../schemas';
import { countWarning, unverifiedMark, withWarning } from '../unverified';

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
      recent_messages: z.array(z.object({ sha: z.string(), message: z.string(), author: z.string().nullable(), at: z.string(), verified: z.boolean() })),
      unverified_pushes: z.number(),
      warning: z.string().nullable().describe('set when some pushes or commits were unsigned'),
    },
    annotations: READ_ONLY,
    run: ({ repo, hours }) => {
      const s = deps.queries.summarizeCommits(repo, hours);
      const head = `${repo}, last ${hours} h: ${s.total_pushes} push(es), ${s.total_commits} commit(s) on ${s.branches.join(', ') || 'no branch'}; contributors: ${s.contributors.join(', ') || 'none'}.`;
      const body = s.recent_messages.map((m) => `${m.sha}${unverifiedMark(m)} ${m.author ?? '?'}: ${m.message}`).join('\n');
      const unsignedMessages = s.recent_messages.filter((m) => !m.verified).length;
      const warning = countWarning(Math.max(s.unverified_pushes, unsignedMessages), 'of these pushes and commits');
      const text = body ? `${head}\n${DATA_NOTICE}\n<external-data kind="commit-messages">\n${body}\n</external-data>` : head;
      return { structured: { ...s, warning }, text: withWarning(warning, text) };
    },
  });
}
