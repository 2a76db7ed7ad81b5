// The shape of a Stripe follow-up action in tool results, and its one-line rendering.
// Customer emails, ids, currencies and event ids come from the Stripe payload: the line
// is outside text and goes inside an <external-data> block (actionsText).
import type { ActionRecord } from '../../domain/queries';
import { DATA_NOTICE, dataBlock, shown } from '../present';
import { unverifiedMark } from '../unverified';

export { actionDetailSchema, actionSchema } from '../../../../shared/api';

export function actionLine(a: ActionRecord): string {
  const who = shown(a.customer_email ?? a.customer_id) || 'unknown customer';
  const money = a.amount !== null ? ` ${a.amount.toFixed(2)} ${shown(a.currency, 10).toUpperCase()}` : '';
  const age = a.age_seconds < 3600 ? `${Math.round(a.age_seconds / 60)} min` : `${Math.round(a.age_seconds / 3600)} h`;
  // The id and, for an unsigned delivery, the mark come before any of the sender's text.
  return `#${a.id}${unverifiedMark(a)} ${a.action_type} for ${who}${money} (${a.status}, ${age} old, from ${shown(a.stripe_event)})`;
}

/** Our header line, then the actions inside one block. */
export function actionsText(head: string, actions: ActionRecord[]): string {
  return `${head}\n${DATA_NOTICE}\n${dataBlock('stripe-actions', actions.map(actionLine))}`;
}
