// The outbound contract: targets (where Tidings delivers), deliveries (one message or event
// to one target) and their attempts. The core validates with these; the renderer and the
// CLI parse responses with them.
import { z } from 'zod';

export const TARGET_MODES = ['push', 'forward'] as const;
export type TargetMode = (typeof TARGET_MODES)[number];

export const DELIVERY_STATES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** What a delivery carries: a pushed message, a forwarded webhook, or a subscription match. */
export const DELIVERY_KINDS = ['push', 'forward', 'subscription'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

const targetName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'a target name: lower-case letters, digits and _ . -, up to 64 characters, e.g. "dev-server"');

export const targetUrl = z
  .string()
  .max(2048, 'a URL of at most 2048 characters')
  .superRefine((u, ctx) => {
    // One check after another: a string that is not a URL gets one message, not a throw.
    const parsed = URL.canParse(u) ? new URL(u) : null;
    if (!parsed) ctx.addIssue({ code: 'custom', message: 'a full URL, e.g. http://localhost:3000/webhooks' });
    else if (!/^https?:$/.test(parsed.protocol)) ctx.addIssue({ code: 'custom', message: 'an http:// or https:// URL' });
    else if (parsed.username !== '' || parsed.password !== '') ctx.addIssue({ code: 'custom', message: 'a URL without a user name or password in it' });
  });

/** A path segment that reads as a word of a route (hooks, catch, api, v1, webhook.php). */
const ROUTE_WORD = /^(?:(?:[a-z]+|[A-Z][a-z]+)(?:[-_.][a-z]+)*|v\d{1,3})$/;
const MAX_WORD = 32;

/**
 * A target URL as lists show it. Webhook URLs carry their credential in the path (Zapier
 * `/hooks/catch/123456/abcdefg/`, Slack `/services/T…/B…/token`, Discord
 * `/api/webhooks/id/token`) or the query, and a short all-letter token looks like any word.
 * So a path is shown up to its first segment that is not a plain route word, and that
 * segment and every one after it become "…"; ids come before tokens, so nothing past an
 * id is shown. The query is hidden and the fragment dropped. Not reversible.
 */
export function maskTargetUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '…';
  }
  let hiding = false;
  const path = u.pathname
    .split('/')
    .map((seg, i) => {
      if (i === 0 || seg === '') return seg;
      if (!hiding && (seg.length > MAX_WORD || !ROUTE_WORD.test(seg))) hiding = true;
      return hiding ? '…' : seg;
    })
    .join('/');
  return `${u.protocol}//${u.host}${path}${u.search ? '?…' : ''}`;
}

const filterList = z.array(z.string().min(1).max(200)).max(50);

/** Register a target. */
export const targetCreateSchema = z
  .object({
    name: targetName,
    url: targetUrl,
    mode: z.enum(TARGET_MODES).default('push'),
    /** Forwarding only: the sources to forward; empty or absent means every source. */
    sources: filterList.optional(),
    /** Forwarding only: event types; a type also matches its sub-types. */
    types: filterList.optional(),
    /** Deliver to a private, loopback or link-local address (a local dev server). */
    allow_private: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type TargetCreate = z.input<typeof targetCreateSchema>;

export const targetUpdateSchema = z
  .object({
    url: targetUrl.optional(),
    mode: z.enum(TARGET_MODES).optional(),
    sources: filterList.optional(),
    types: filterList.optional(),
    allow_private: z.boolean().optional(),
    enabled: z.boolean().optional(),
    /** Make a new signing secret; the old one stops working at once. */
    rotate_secret: z.boolean().optional(),
  })
  .strict();
export type TargetUpdate = z.infer<typeof targetUpdateSchema>;

export const targetSchema = z.object({
  id: z.number(),
  name: z.string(),
  url: z.string(),
  mode: z.enum(TARGET_MODES),
  sources: z.array(z.string()),
  types: z.array(z.string()),
  allow_private: z.boolean(),
  enabled: z.boolean(),
  /** Why the target is disabled, when Tidings disabled it (410 Gone, failing too long). */
  disabled_reason: z.string().nullable(),
  /** When the current run of failures began, if the target is failing. */
  failing_since: z.string().nullable(),
  /** A short fingerprint of the signing secret, to tell secrets apart. */
  secret_fingerprint: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  pending: z.number(),
  dead: z.number(),
  delivered: z.number(),
  last_attempt_at: z.string().nullable(),
  last_status: z.number().nullable(),
});
export type TargetInfo = z.infer<typeof targetSchema>;
export const targetsSchema = z.object({ targets: z.array(targetSchema) });
/** The only answers that carry the signing secret: creation, rotation and an explicit reveal. */
export const targetWithSecretSchema = z.object({ target: targetSchema, secret: z.string() });

export const deliverySchema = z.object({
  id: z.number(),
  target_id: z.number(),
  target: z.string(),
  kind: z.enum(DELIVERY_KINDS),
  /** The webhook-id header: the same on every attempt, so receivers can drop repeats. */
  message_id: z.string(),
  event_id: z.number().nullable(),
  summary: z.string(),
  state: z.enum(DELIVERY_STATES),
  attempts: z.number(),
  created_at: z.string(),
  next_attempt_at: z.string().nullable(),
  last_status: z.number().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
});
export type DeliveryInfo = z.infer<typeof deliverySchema>;
export const deliveriesSchema = z.object({ deliveries: z.array(deliverySchema), next_cursor: z.number().nullable() });

export const attemptSchema = z.object({
  id: z.number(),
  at: z.string(),
  /** The HTTP status, or null when no answer came (refused, timed out, blocked). */
  status: z.number().nullable(),
  duration_ms: z.number(),
  error: z.string().nullable(),
  /** The first 2 KiB of the answer. */
  response: z.string().nullable(),
});
export type AttemptInfo = z.infer<typeof attemptSchema>;
export const deliveryDetailSchema = deliverySchema.extend({ attempts_log: z.array(attemptSchema) });
export type DeliveryDetailInfo = z.infer<typeof deliveryDetailSchema>;

export const pushBodySchema = z.object({ message: z.string().min(1, 'a message to push').max(64 * 1024) }).strict();
export const pushResultSchema = z.object({
  /** "queued" from the core's own calls; POST /api/push says "success", as the reference design did. */
  status: z.enum(['queued', 'success']),
  id: z.string(),
  message: z.string(),
  timestamp: z.string(),
  /** How many targets the message was queued for. */
  webhooks_notified: z.number(),
  total_webhooks: z.number(),
  deliveries: z.array(z.number()),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const retryResultSchema = z.object({ retried: z.number() });
