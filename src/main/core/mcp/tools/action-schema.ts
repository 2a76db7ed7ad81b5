// The shape of a Stripe follow-up action in tool results, and its one-line rendering.
import type { ActionRecord } from '../../domain/queries';
import { unverifiedMark } from '../unverified';

export { actionDetailSchema, actionSchema } from '../../../../shared/api';

export function actionLine(a: ActionRecord): string {
  const who = a.customer_email ?? a.customer_id ?? 'unknown customer';
  const money = a.amount !== null ? ` ${a.amount.toFixed(2)} ${(a.currency ?? '').toUpperCase()}` : '';
  const age = a.age_seconds < 3600 ? `${Math.round(a.age_seconds / 60)} min` : `${Math.round(a.age_seconds / 3600)} h`;
  return `#${a.id} ${a.action_type} for ${who}${money} (${a.status}, ${age} old, from ${a.stripe_event})${unverifiedMark(a)}`;
}
