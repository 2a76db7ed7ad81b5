// The shape of a Stripe follow-up action in tool results, and its one-line rendering.
import { z } from 'zod';
import type { ActionRecord } from '../../domain/queries';

export const actionSchema = z.object({
  id: z.number(),
  action_type: z.string(),
  status: z.string(),
  customer_id: z.string().nullable(),
  customer_email: z.string().nullable(),
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  plan: z.string().nullable(),
  stripe_event: z.string(),
  event_id: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  age_seconds: z.number(),
  last_note: z.string().nullable(),
  last_actor: z.string().nullable(),
});

export const actionDetailSchema = actionSchema.extend({
  history: z.array(z.object({ status: z.string(), note: z.string().nullable(), actor: z.string(), at: z.string() })),
});

export function actionLine(a: ActionRecord): string {
  const who = a.customer_email ?? a.customer_id ?? 'unknown customer';
  const money = a.amount !== null ? ` ${a.amount.toFixed(2)} ${(a.currency ?? '').toUpperCase()}` : '';
  const age = a.age_seconds < 3600 ? `${Math.round(a.age_seconds / 60)} min` : `${Math.round(a.age_seconds / 3600)} h`;
  return `#${a.id} ${a.action_type} for ${who}${money} (${a.status}, ${age} old, from ${a.stripe_event})`;
}
