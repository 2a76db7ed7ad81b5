// summarize_commits: pushes, commits, contributors and messages for a repository.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY } from '../define-tool';
import type { McpDeps } from '../deps';
import { DATA_NOTICE, dataBlock, shown } from '../present';
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
      // Branch names, contributor names and messages are the senders' words: all inside the block.
      const head = `Commits, last ${hours} h: ${s.total_pushes} push(es), ${s.total_commits} commit(s), ${s.branches.length} branch(es), ${s.contributors.length} contributor(s).`;
      const unsignedMessages = s.recent_messages.filter((m) => !m.verified).length;
      const warning = countWarning(Math.max(s.unverified_pushes, unsignedMessages), 'of these pushes and commits');
      if (s.total_pushes === 0 && s.recent_messages.length === 0 && s.contributors.length === 0) return { structured: { ...s, warning }, text: withWarning(warning, head) };
      const lines = [
        `branches: ${s.branches.map((b) => shown(b)).join(', ') || 'none'}`,
        `contributors: ${s.contributors.map((c) => shown(c)).join(', ') || 'none'}`,
        // The SHA and, for an unsigned commit, the mark come before the author and message.
        ...s.recent_messages.map((m) => `${shown(m.sha)}${unverifiedMark(m)} ${shown(m.author) || '?'}: ${shown(m.message)}`),
      ];
      return { structured: { ...s, warning }, text: withWarning(warning, `${head}\n${DATA_NOTICE}\n${dataBlock('commits', lines)}`) };
    },
  });
}
