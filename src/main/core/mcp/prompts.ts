// Prompts: ready-made requests a person can pick in their client. They point the model at
// the tools and remind it that event text is data. Their arguments (a repo, a project) are
// often copied from event text, so they are flattened, bounded, defanged and quoted like it;
// they complete from the store (completable: repositories, hours, projects).
import { z } from 'zod';
import { completable } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Completers } from './completions';
import { DATA_NOTICE, shown } from './present';

const quoted = (value: string) => JSON.stringify(shown(value, 200));

const user = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text: `${text}\n\n${DATA_NOTICE}` } }] });

export function registerPrompts(server: McpServer, complete: Completers): void {
  server.registerPrompt(
    'summarize_activity',
    {
      title: 'Summarize activity',
      description: 'Summarize recent GitHub activity for one repository or all tracked ones',
      argsSchema: z.object({ repo: completable(z.string(), complete.repo).optional(), hours: completable(z.string(), complete.hours).optional() }),
    },
    ({ repo, hours }) => {
      const h = Number(hours ?? 24) > 0 ? Number(hours ?? 24) : 24;
      const scope = repo ? `the repository ${quoted(repo)}` : 'every repository from list_tracked_repos';
      return user(
        `Summarize what happened in ${scope} over the last ${h} hours. Use get_repo_activity, summarize_commits and get_pr_activity. Group by theme (features, fixes, reviews), name contributors, and call out anything unusual, failed or unverified.`,
      );
    },
  );

  server.registerPrompt(
    'triage_pending_actions',
    { title: 'Triage pending actions', description: 'Go through the Stripe follow-up queue' },
    () =>
      user(
        'Call get_pending_actions. For each action, say what should be done for that customer and how urgent it is (failed payments first). Do not mark anything complete until I confirm it was done; then use mark_action_complete with details of what was done.',
      ),
  );

  server.registerPrompt(
    'deployment_report',
    { title: 'Deployment report', description: 'Report on a project’s deployments', argsSchema: z.object({ project: completable(z.string(), complete.project) }) },
    ({ project }) =>
      user(
        `Report on deployments of ${quoted(project)}: call get_deployment_status and get_recent_deployments, and for the latest ones correlate_push_to_deployment with their commit SHAs. Say what is live, what failed and why if the events say, and how long builds took.`,
      ),
  );
}
