// mark_action_complete: close a pending Stripe action, recording who did it and when.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool } from '../define-tool';
import type { McpDeps } from '../deps';
import type { ActionDetail } from '../../domain/queries';
import { actionDetailSchema, actionsText } from './action-schema';

export function registerMarkActionCompleteTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'mark_action_complete',
    title: 'Mark an action complete',
    description: 'Mark a pending action (by its id from get_pending_actions) as completed, with details of what was done. Unknown or already completed ids are refused.',
    input: {
      action_id: z.number().int().positive(),
      details: z.string().min(1).max(2000).describe('what was done, e.g. "sent welcome email via Postmark"'),
    },
    output: { action: actionDetailSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: async ({ action_id, details }, extra) => {
      const client = extra.requestInfo?.headers?.['user-agent'];
      const actor = `mcp${extra.sessionId ? ` session ${extra.sessionId.slice(0, 8)}` : ''}${typeof client === 'string' ? ` (${client.slice(0, 60)})` : ''}`;
      const action = await deps.write<ActionDetail>('action.transition', { id: action_id, to: 'completed', note: details, actor });
      deps.resourceChanged('tidings://stripe/actions/pending');
      return { structured: { action }, text: actionsText(`Completed action #${action.id}:`, [action]) };
    },
  });
}
