// Status changes to Stripe follow-up actions (complete, dismiss, reopen), each checked
// against the current status and recorded in the action's history, in one transaction.
// Runs on the write connection.
import type Database from 'better-sqlite3';
import { createDomainQueries } from '../domain/queries';
import type { ActionDetail } from '../domain/queries';
import { ACTION_STATUSES, canTransition } from '../domain/stripe-actions';
import type { ActionStatus } from '../domain/stripe-actions';

export type ActionErrorCode = 'NOT_FOUND' | 'INVALID_TRANSITION';

export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

interface Current {
  status: ActionStatus;
  actor: string | null;
  at: number | null;
}

function refusal(id: number, from: Current, to: ActionStatus): string {
  const when = from.at === null ? '' : new Date(from.at).toISOString();
  if (from.status === 'pending') {
    return `action ${id} is already pending${when ? ` (since ${when})` : ''}; mark it completed or dismissed instead`;
  }
  const by = from.actor ? ` (by ${from.actor}${when ? ` at ${when}` : ''})` : '';
  const verb = to === from.status ? '' : ` before marking it ${to}`;
  return `action ${id} is already ${from.status}${by}; reopen it first${verb}`;
}

function checkArgs(to: string, actor: string): void {
  if (!(ACTION_STATUSES as readonly string[]).includes(to)) {
    throw new ActionError('INVALID_TRANSITION', `status must be one of ${ACTION_STATUSES.join(', ')}; got ${JSON.stringify(to)}`);
  }
  // The history is the audit trail: a change nobody can be named for is not recorded.
  if (typeof actor !== 'string' || actor.trim() === '') throw new Error('actions: actor must be a non-empty string');
}

export function createActionWrites(db: Database.Database, now: () => number = Date.now) {
  const queries = createDomainQueries(db, { now });
  const load = db.prepare<[number], Current>(`
    SELECT a.status, h.actor, h.at FROM stripe_actions a
    LEFT JOIN stripe_action_history h ON h.id = (SELECT max(id) FROM stripe_action_history WHERE action_id = a.id)
    WHERE a.id = ?`);
  const update = db.prepare<[string, number, number]>('UPDATE stripe_actions SET status = ?, updated_at = ? WHERE id = ?');
  const append = db.prepare<[number, string, string | null, string, number]>(
    'INSERT INTO stripe_action_history (action_id, status, note, actor, at) VALUES (?, ?, ?, ?, ?)',
  );

  const run = db.transaction((id: number, to: ActionStatus, note: string | null, actor: string): ActionDetail => {
    const current = Number.isSafeInteger(id) ? load.get(id) : undefined;
    if (!current) throw new ActionError('NOT_FOUND', `there is no action ${id}; list them with get_pending_actions`);
    if (!canTransition(current.status, to)) throw new ActionError('INVALID_TRANSITION', refusal(id, current, to));
    const at = now();
    update.run(to, at, id);
    append.run(id, to, note, actor, at);
    return queries.action(id)!;
  });

  return {
    /** Move an action to `to`, or throw ActionError saying why not and what to do instead. */
    transition(actionId: number, to: ActionStatus, note: string | null, actor: string): ActionDetail {
      checkArgs(to, actor);
      const cleanNote = note === null || note.trim() === '' ? null : note.trim();
      // IMMEDIATE takes the write lock before the read, so no other writer can change the
      // status between the check and the update.
      return run.immediate(actionId, to, cleanNote, actor.trim());
    },
  };
}

export type ActionWrites = ReturnType<typeof createActionWrites>;
