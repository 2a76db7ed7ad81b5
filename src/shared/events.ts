// The event as every client sees it (MCP, local API, renderer, CLI): one zod schema,
// so the server and its clients cannot drift apart.
import { z } from 'zod';

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const eventRecordSchema = z.object({
  /** A cursor that only grows. */
  id: z.number().int().positive(),
  source: z.string(),
  type: z.string(),
  /** ISO 8601, when Tidings committed it. */
  received_at: z.string(),
  /** ISO 8601, when the provider says it happened, if it says. */
  occurred_at: z.string().nullable(),
  subject: z.string().nullable(),
  summary: z.string(),
  /** False when the source has no secret: anyone who knows the URL could have sent it. */
  verified: z.boolean(),
  delivery_id: z.string(),
  fields: z.record(z.string(), z.unknown()),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;

export const eventDetailSchema = eventRecordSchema.extend({
  content_type: z.string(),
  body_bytes: z.number().int(),
  /** Request headers as received, with credentials removed. */
  headers: z.record(z.string(), z.string()),
  /** The body as text (UTF-8); the exact bytes the sender signed. */
  body: z.string(),
  /** The parsed payload when the body is JSON or a form, else null. */
  payload: z.unknown(),
  /** Set when the body or payload cannot be shown as usual, saying why. */
  problem: z.string().optional(),
});
export type EventDetail = z.infer<typeof eventDetailSchema>;

export const sourceStatsSchema = z.object({
  source: z.string(),
  count: z.number().int(),
  unverified: z.number().int(),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
});
export type SourceStats = z.infer<typeof sourceStatsSchema>;

export const rejectionSchema = z.object({
  id: z.number().int(),
  source: z.string(),
  at: z.string(),
  status: z.number().int(),
  reason: z.string(),
  delivery_id: z.string().nullable(),
  body_bytes: z.number().int(),
  remote: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
});
export type Rejection = z.infer<typeof rejectionSchema>;
