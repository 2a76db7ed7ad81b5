// The Stripe follow-up queue as people read it: what each action asks for, who it is about,
// and which buttons apply in each status.
import type { ActionInfo } from '../../shared/api';

const LABELS: Record<string, string> = {
  send_welcome_email: 'Welcome email',
  send_payment_failed_email: 'Payment failed',
  send_churn_survey: 'Churn survey',
};

export function actionLabel(type: string): string {
  return LABELS[type] ?? type.replace(/^send_/, '').replace(/_/g, ' ');
}

export function customerLabel(a: Pick<ActionInfo, 'customer_email' | 'customer_id'>): string {
  if (a.customer_email && a.customer_id) return `${a.customer_email} (${a.customer_id})`;
  return a.customer_email ?? a.customer_id ?? 'unknown customer';
}

export type ActionStatusFilter = 'pending' | 'completed' | 'dismissed' | 'all';
export const ACTION_FILTERS: readonly ActionStatusFilter[] = ['pending', 'completed', 'dismissed', 'all'];

/** Complete and Dismiss apply to pending actions; Reopen to finished ones. */
export function verbsFor(status: ActionInfo['status']): Array<'complete' | 'dismiss' | 'reopen'> {
  return status === 'pending' ? ['complete', 'dismiss'] : ['reopen'];
}

/** Keep the list consistent after one action changed: replace it, or drop it if the filter no longer matches. */
export function replaceAction(list: readonly ActionInfo[], changed: ActionInfo, filter: ActionStatusFilter): ActionInfo[] {
  const keep = filter === 'all' || filter === changed.status;
  const out: ActionInfo[] = [];
  for (const a of list) {
    if (a.id !== changed.id) out.push(a);
    else if (keep) out.push(changed);
  }
  return out;
}
