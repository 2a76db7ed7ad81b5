// The local API contract: every route the renderer (and the CLI) uses, with zod schemas
// for what goes in and what comes out. The server validates against these; the renderer's
// api module parses responses with them. One file, so the two cannot drift.
import { z } from 'zod';
import { eventDetailSchema, eventRecordSchema, rejectionSchema, sourceStatsSchema } from './events';
import { publicUrlStatusSchema } from './public-url';

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  pid: z.number(),
  started_at: z.string(),
  uptime_s: z.number(),
  data_dir: z.string(),
  ingest_url: z.string(),
  control_url: z.string(),
  events: z.number(),
  last_event_id: z.number(),
  db_bytes: z.number(),
  rss_bytes: z.number(),
  heap_bytes: z.number(),
  external_bytes: z.number(),
  writer_heap_bytes: z.number(),
  store_problem: z.object({ code: z.string(), message: z.string(), since: z.string() }).nullable(),
  store_warning: z.string().nullable(),
  secrets_backend: z.string(),
  commits: z.object({ batches: z.number(), committed: z.number(), queued: z.number() }),
  outbound: z.object({ targets: z.number(), enabled: z.number(), pending: z.number(), dead: z.number() }),
  /** The public URL providers post to, and whether it reaches this core. */
  public_url: publicUrlStatusSchema,
});
export type HealthInfo = z.infer<typeof healthSchema>;

export const eventPageSchema = z.object({ events: z.array(eventRecordSchema), next_cursor: z.number().nullable() });

export const secretSummarySchema = z.object({
  source: z.string(),
  count: z.number(),
  fingerprints: z.array(z.string()),
  origin: z.enum(['env', 'store', 'env+store']),
  updated_at: z.string().nullable(),
});
export type SecretSummaryInfo = z.infer<typeof secretSummarySchema>;

export const sourceInfoSchema = z.object({
  source: z.string(),
  /** The URL to paste into the provider. */
  url: z.string(),
  /** github, stripe, vercel, slack, or standard (Standard Webhooks) for other names. */
  provider: z.string(),
  secret: secretSummarySchema.nullable(),
  stats: sourceStatsSchema.nullable(),
  rejections: z.array(rejectionSchema),
});
export type SourceInfo = z.infer<typeof sourceInfoSchema>;
export const sourcesSchema = z.object({ sources: z.array(sourceInfoSchema) });

export const secretChangeSchema = z.object({ source: z.string(), fingerprint: z.string(), count: z.number() });
export const sendTestSchema = z.object({ source: z.string(), ingest_status: z.number(), ingest_response: z.unknown() });

export const actionSchema = z.object({
  id: z.number(),
  action_type: z.string(),
  status: z.enum(['pending', 'completed', 'dismissed']),
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
  /** False when the Stripe event behind it was unsigned: anyone could have made it up. */
  verified: z.boolean(),
});
export type ActionInfo = z.infer<typeof actionSchema>;
export const actionDetailSchema = actionSchema.extend({
  history: z.array(z.object({ status: z.string(), note: z.string().nullable(), actor: z.string(), at: z.string() })),
});
export type ActionDetailInfo = z.infer<typeof actionDetailSchema>;
export const actionsSchema = z.object({ actions: z.array(actionSchema) });
export const actionNoteSchema = z.object({ note: z.string().max(2000).optional() }).strict();
export const ACTION_VERBS = ['complete', 'dismiss', 'reopen'] as const;

export const pushSchema = z.object({
  event_id: z.number(),
  repo: z.string(),
  branch: z.string().nullable(),
  head_sha: z.string().nullable(),
  pusher: z.string().nullable(),
  commit_count: z.number(),
  message: z.string().nullable(),
  at: z.string(),
  verified: z.boolean(),
});
export type PushInfo = z.infer<typeof pushSchema>;
export const deploymentSchema = z.object({
  event_id: z.number(),
  provider: z.string(),
  project: z.string(),
  deployment_id: z.string().nullable(),
  url: z.string().nullable(),
  state: z.string(),
  environment: z.string().nullable(),
  commit_sha: z.string().nullable(),
  duration_ms: z.number().nullable(),
  started_at: z.string().nullable(),
  at: z.string(),
  verified: z.boolean(),
});
export type DeploymentInfo = z.infer<typeof deploymentSchema>;
export const pushesSchema = z.object({ pushes: z.array(pushSchema) });
export const deploymentsSchema = z.object({ deployments: z.array(deploymentSchema) });
export const correlatedPushSchema = z.object({
  repo: z.string(),
  branch: z.string().nullable(),
  pusher: z.string().nullable(),
  head_sha: z.string().nullable(),
  at: z.string(),
  event_id: z.number(),
  verified: z.boolean(),
});
export const correlatedCommitSchema = z.object({
  sha: z.string(),
  repo: z.string(),
  message: z.string(),
  author: z.string().nullable(),
  at: z.string(),
  verified: z.boolean(),
});
export const correlationSchema = z.object({
  commit_sha: z.string(),
  push: correlatedPushSchema.nullable(),
  commit: correlatedCommitSchema.nullable(),
  deployments: z.array(deploymentSchema),
  verdict: z.string(),
});
export type CorrelationInfo = z.infer<typeof correlationSchema>;

export const hourlySchema = z.object({
  /** ISO start of each hour, oldest first. */
  hours: z.array(z.string()),
  series: z.array(z.object({ source: z.string(), counts: z.array(z.number()) })),
});
export type HourlyInfo = z.infer<typeof hourlySchema>;

export const clientStatusSchema = z.object({
  client: z.string(),
  name: z.string(),
  path: z.string(),
  exists: z.boolean(),
  connected: z.boolean(),
  entryMatches: z.boolean(),
  problem: z.string().nullable(),
});
export type ClientStatusInfo = z.infer<typeof clientStatusSchema>;
/** `token` is null for the dashboard's session: it never hands out the token (read `token_file`). */
export const clientsSchema = z.object({ clients: z.array(clientStatusSchema), mcp_url: z.string(), token: z.string().nullable(), token_file: z.string().nullable() });
export const clientChangeSchema = z.object({
  client: z.string(),
  path: z.string(),
  changed: z.boolean(),
  backupPath: z.string().nullable(),
  diff: z.string(),
  dryRun: z.boolean(),
  summary: z.string(),
});

/** GET /api/tunnel: the status JSON, and where the ngrok authtoken comes from (never its value). */
export const tunnelInfoSchema = publicUrlStatusSchema.extend({ authtoken: z.enum(['env', 'stored']).nullable() });
export type TunnelInfo = z.infer<typeof tunnelInfoSchema>;

const authtokenValue = z
  .string()
  .trim()
  .min(20, 'an ngrok authtoken is longer than that: copy it from https://dashboard.ngrok.com/get-started/your-authtoken')
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'an ngrok authtoken has only letters, digits, "_" and "-"');

/** PUT /api/tunnel. The authtoken, when given, is stored as a secret and never returned. */
export const tunnelRequestSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }).strict(),
  z.object({ mode: z.literal('ngrok'), domain: z.string().max(253).nullable().optional(), authtoken: authtokenValue.optional() }).strict(),
  z.object({ mode: z.literal('url'), url: z.string().min(1).max(2000) }).strict(),
]);
export type TunnelRequestBody = z.infer<typeof tunnelRequestSchema>;
export const tunnelChangeSchema = z.object({ status: tunnelInfoSchema, warnings: z.array(z.string()) });
/** PUT /api/tunnel/authtoken. */
export const tunnelAuthtokenSchema = z.object({ authtoken: authtokenValue }).strict();

export const apiErrorSchema = z.object({ status: z.number(), error: z.string() });

/** Server-sent events on /api/events/stream and /api/events/replay/:timestamp. */
export const STREAM_EVENT = 'event';
export const STREAM_KEEPALIVE_MS = 15_000;

export { eventDetailSchema, eventRecordSchema, publicUrlStatusSchema };

// Provider links (PRODUCT.md, "Provider links"): webhooks Tidings set up at GitHub or Stripe
// with the user's token. The token or key goes in and never comes back out.
export const LINK_PROVIDERS = ['github', 'stripe'] as const;
export const linkInfoSchema = z.object({
  id: z.number(),
  provider: z.enum(LINK_PROVIDERS),
  scope: z.enum(['repo', 'org', 'account']),
  /** owner/repo, the organization, or "test" / "live" for Stripe's mode. */
  target: z.string(),
  source: z.string(),
  /** The provider's hook (GitHub) or endpoint (Stripe) id. */
  hook_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  secret_fingerprint: z.string(),
  state: z.enum(['active', 'broken']),
  error: z.string().nullable(),
  last_result: z.string().nullable(),
  synced_at: z.string().nullable(),
  created_at: z.string(),
  /** The newest delivery this core received on the link's source, accepted or rejected. */
  last_delivery: z
    .object({ at: z.string(), outcome: z.enum(['verified', 'unverified', 'rejected']), detail: z.string() })
    .nullable(),
});
export type LinkInfo = z.infer<typeof linkInfoSchema>;
export const linksSchema = z.object({ links: z.array(linkInfoSchema) });

const eventTypeList = z
  .array(z.string().regex(/^(\*|[a-z][a-z0-9_.]{0,99})$/, 'must be an event name such as push, pull_request or invoice.paid, or *'))
  .min(1, 'give at least one event, or leave events out for every event')
  .max(100);
const githubName = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$/;
export const linkGithubBodySchema = z
  .object({
    token: z.string().min(1, 'a GitHub token is required').max(1000),
    repo: z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, 'must be OWNER/REPO').optional(),
    org: z.string().regex(githubName, 'must be an organization name').optional(),
    events: eventTypeList.optional(),
  })
  .strict()
  .refine((b) => (b.repo === undefined) !== (b.org === undefined), { message: 'give either repo (OWNER/REPO) or org, not both and not neither' });
export type LinkGithubBody = z.infer<typeof linkGithubBodySchema>;
export const linkStripeBodySchema = z
  .object({
    key: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,250}$/, 'must be a Stripe secret key (sk_test_… or sk_live_…) or a restricted key (rk_…)'),
    events: eventTypeList.optional(),
  })
  .strict();
export type LinkStripeBody = z.infer<typeof linkStripeBodySchema>;
export const linkChangeSchema = z.object({ link: linkInfoSchema, created: z.boolean() });
export const unlinkSchema = z.object({ removed: linkInfoSchema, provider_deleted: z.boolean() });
