// The follow-up work a Stripe event asks for, by the reference rules: a completed checkout
// wants a welcome email, a failed invoice payment a dunning email, a cancelled
// subscription a churn survey. Pure: one event in, zero or more action drafts out.
import type { DerivedInput } from './derived-input';
import { num, str } from './fields';

export const ACTION_TYPES = ['send_welcome_email', 'send_payment_failed_email', 'send_churn_survey'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const ACTION_STATUSES = ['pending', 'completed', 'dismissed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const STRIPE_ACTION_RULES: Readonly<Record<string, ActionType>> = {
  'checkout.session.completed': 'send_welcome_email',
  'invoice.payment_failed': 'send_payment_failed_email',
  'customer.subscription.deleted': 'send_churn_survey',
};

export interface ActionDraft {
  stripe_event: string;
  action_type: ActionType;
  customer_id: string | null;
  customer_email: string | null;
  amount: number | null;
  currency: string | null;
  plan: string | null;
}

export function stripeActionsFor(input: DerivedInput): ActionDraft[] {
  if (input.provider !== 'stripe') return [];
  const actionType = STRIPE_ACTION_RULES[input.type];
  const stripeEvent = str(input.fields, 'event_id');
  if (!actionType || !stripeEvent) return [];
  const f = input.fields;
  return [
    {
      stripe_event: stripeEvent,
      action_type: actionType,
      customer_id: str(f, 'customer_id'),
      customer_email: str(f, 'customer_email'),
      amount: num(f, 'amount'),
      currency: str(f, 'currency'),
      plan: str(f, 'plan'),
    },
  ];
}

/** Which status changes a person (or an assistant) may make, from where. */
export function canTransition(from: ActionStatus, to: ActionStatus): boolean {
  if (from === to) return false;
  if (from === 'pending') return to === 'completed' || to === 'dismissed';
  return to === 'pending'; // reopen
}
