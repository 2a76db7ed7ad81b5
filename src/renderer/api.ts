// The renderer's only door to the core: one async function per route of the local API
// (same origin, the HttpOnly session cookie does the auth), every answer parsed with the
// shared zod contract, every failure an ApiError with the server's sentence. An Electron
// preload may expose the same object as `window.tidingsApi`; then that is used instead.
import './zod-jitless';
import { z } from 'zod';
import {
  actionDetailSchema,
  actionsSchema,
  clientChangeSchema,
  clientsSchema,
  correlationSchema,
  deploymentsSchema,
  eventDetailSchema,
  eventPageSchema,
  eventRecordSchema,
  healthSchema,
  hourlySchema,
  linkChangeSchema,
  linksSchema,
  pushesSchema,
  secretChangeSchema,
  sendTestSchema,
  sourcesSchema,
  tunnelChangeSchema,
  tunnelInfoSchema,
  STREAM_EVENT,
  unlinkSchema,
} from '../shared/api';
import type { TunnelRequestBody } from '../shared/api';
import type { LinkGithubBody, LinkStripeBody } from '../shared/api';
import type { EventRecord } from '../shared/events';
import {
  deliveriesSchema,
  deliveryDetailSchema,
  pushResultSchema,
  retryResultSchema,
  targetSchema,
  targetsSchema,
  targetWithSecretSchema,
} from '../shared/outbound';
import type { DeliveryState, TargetCreate, TargetUpdate } from '../shared/outbound';
import { ApiError, parseApiResponse } from './lib/response';
import { seg, toQueryString } from './lib/query';
import type { QueryValue } from './lib/query';

export { ApiError } from './lib/response';

// Answers that src/shared/api.ts has no schema for (yet); kept here, minimal and strict
// about the fields the UI reads.
const resendResultSchema = z.object({ status: z.number(), body: z.unknown() });
const secretRemovalSchema = z.object({ removed: z.number(), remaining: z.number() });

// Outbound answers built from the shared schemas: an update carries the secret only when it
// was rotated, and a removal names the removed target.
const targetUpdateResultSchema = targetWithSecretSchema.extend({ secret: z.string().optional() });
const targetRemovalSchema = z.object({ removed: targetSchema });
const pushAnswerSchema = pushResultSchema;

export type TargetUpdateResult = z.infer<typeof targetUpdateResultSchema>;
export type PushAnswer = z.infer<typeof pushAnswerSchema>;

export interface DeliveryQuery {
  state?: DeliveryState;
  /** A target's name. */
  target?: string;
  /** Deliveries older than this id (the previous page's next_cursor). */
  before?: number;
  /** At most 500. */
  limit?: number;
}

export type ResendResult = z.infer<typeof resendResultSchema>;
export type SecretRemoval = z.infer<typeof secretRemovalSchema>;
export type SendTestResult = z.infer<typeof sendTestSchema>;
export type ClientChange = z.infer<typeof clientChangeSchema>;
export type EventPage = z.infer<typeof eventPageSchema>;

export interface EventQuery {
  source?: string;
  type?: string;
  subject?: string;
  verified?: boolean;
  /** Events after this id, oldest first. */
  after?: number;
  /** Events before this id, newest first (paging back). */
  before?: number;
  since?: string;
  until?: string;
  /** Full-text search. */
  q?: string;
  /** At most 1000. */
  limit?: number;
}

export type ActionStatusQuery = 'pending' | 'completed' | 'dismissed' | 'all';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamOptions {
  source?: string;
  type?: string;
  /** Replay every event since this ISO time, then continue live. */
  since?: string;
  /** The newest id the caller already has: the stream starts with the events after it. */
  after?: number;
}

export interface StreamHandlers {
  /** New events, oldest first; dedupe by id all the same (a list may also hold them from a page). */
  onEvents(events: EventRecord[]): void;
  onStatus(status: StreamStatus, detail?: string): void;
  onError(message: string): void;
}

const RETRY_MAX_MS = 30_000;

async function request<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
  const label = `${method} ${path.split('?')[0]}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw new ApiError(res.status, `the answer to ${label} was cut off: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseApiResponse(label, res.status, res.statusText, text, schema);
}

function eventQuery(q: EventQuery): Record<string, QueryValue> {
  return {
    source: q.source,
    type: q.type,
    subject: q.subject,
    verified: q.verified,
    after: q.after,
    before: q.before,
    since: q.since,
    until: q.until,
    q: q.q,
    limit: q.limit,
  };
}

function events(query: EventQuery = {}) {
  return request('GET', `/api/events${toQueryString(eventQuery(query))}`, eventPageSchema);
}

/**
 * Follow new events over Server-Sent Events. The core catches a stream up from a cursor
 * (`?after=`, or the Last-Event-ID header that EventSource sends when it reconnects by
 * itself) before going live, with no gap and no duplicate. When EventSource gives up for
 * good (an HTTP error, e.g. while the core restarts), this opens a new one with backoff,
 * resuming after the last id it delivered. Returns a function that stops it.
 */
function stream(options: StreamOptions, handlers: StreamHandlers): () => void {
  let closed = false;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let lastId = options.after ?? null;
  const filter = { source: options.source, type: options.type };

  function connect(url: string) {
    if (closed) return;
    handlers.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    const es = new EventSource(url);
    source = es;
    es.addEventListener('open', () => {
      if (closed || source !== es) return;
      attempt = 0;
      handlers.onStatus('live');
    });
    es.addEventListener(STREAM_EVENT, (message: MessageEvent<string>) => {
      if (closed || source !== es) return;
      let data: unknown;
      try {
        data = JSON.parse(message.data) as unknown;
      } catch {
        handlers.onError(`the live stream sent something that is not JSON (event ${message.lastEventId || '?'})`);
        return;
      }
      const parsed = eventRecordSchema.safeParse(data);
      if (!parsed.success) {
        handlers.onError(`the live stream sent an event that does not match the API contract (event ${message.lastEventId || '?'})`);
        return;
      }
      if (lastId === null || parsed.data.id > lastId) lastId = parsed.data.id;
      handlers.onEvents([parsed.data]);
    });
    es.addEventListener('error', () => {
      if (closed || source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        // A fresh EventSource cannot send Last-Event-ID, so the cursor goes in the URL.
        es.close();
        source = null;
        const delay = Math.min(RETRY_MAX_MS, 1000 * 2 ** attempt);
        attempt++;
        handlers.onStatus('reconnecting', `retrying in ${Math.round(delay / 1000)} s`);
        timer = setTimeout(() => connect(`/api/events/stream${toQueryString({ ...filter, after: lastId })}`), delay);
      } else {
        handlers.onStatus('reconnecting');
      }
    });
  }

  connect(
    options.since
      ? `/api/events/replay/${seg(options.since)}${toQueryString(filter)}`
      : `/api/events/stream${toQueryString({ ...filter, after: options.after })}`,
  );
  return () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    source?.close();
    source = null;
  };
}

export const httpApi = {
  health: () => request('GET', '/api/health', healthSchema),

  events,
  event: (id: number) => request('GET', `/api/events/${seg(id)}`, eventDetailSchema),
  /** Re-post the stored raw request to a URL (e.g. a local dev server). */
  resend: (id: number, url: string) => request('POST', `/api/events/${seg(id)}/resend`, resendResultSchema, { url }),
  stream,

  sources: () => request('GET', '/api/sources', sourcesSchema),
  /** The public URL providers post to (the authtoken's origin only, never its value). */
  tunnel: () => request('GET', '/api/tunnel', tunnelInfoSchema),
  /** Start ngrok, use your own URL, or turn it off; refused changes leave everything as it was. */
  setTunnel: (body: TunnelRequestBody) => request('PUT', '/api/tunnel', tunnelChangeSchema, body),
  /** Check now that the public URL reaches this core. */
  checkTunnel: () => request('POST', '/api/tunnel/check', tunnelInfoSchema),
  /** Replace the source's stored secrets with this one. */
  setSecret: (source: string, value: string) => request('PUT', `/api/secrets/${seg(source)}`, secretChangeSchema, { value }),
  /** Put a new secret in front; the old ones keep verifying until removed. */
  rotateSecret: (source: string, value: string) =>
    request('POST', `/api/secrets/${seg(source)}/rotate`, secretChangeSchema, { value }),
  /** Remove one stored secret (by fingerprint) or all of them. */
  removeSecret: (source: string, fingerprint?: string) =>
    request('DELETE', `/api/secrets/${seg(source)}${toQueryString({ fingerprint })}`, secretRemovalSchema),
  /** Send a signed sample webhook through the real receiver. */
  sendTest: async (source: string): Promise<SendTestResult> => {
    try {
      return await request('POST', `/api/sources/${seg(source)}/test`, sendTestSchema);
    } catch (e) {
      // The core answers 502 with the ingest result when the receiver refused the sample.
      const result = e instanceof ApiError ? sendTestSchema.safeParse(e.body) : null;
      if (result?.success) return result.data;
      throw e;
    }
  },

  actions: (status: ActionStatusQuery = 'pending') => request('GET', `/api/actions${toQueryString({ status })}`, actionsSchema),
  action: (id: number) => request('GET', `/api/actions/${seg(id)}`, actionDetailSchema),
  completeAction: (id: number, note?: string) => request('POST', `/api/actions/${seg(id)}/complete`, actionDetailSchema, note ? { note } : {}),
  dismissAction: (id: number, note?: string) => request('POST', `/api/actions/${seg(id)}/dismiss`, actionDetailSchema, note ? { note } : {}),
  reopenAction: (id: number, note?: string) => request('POST', `/api/actions/${seg(id)}/reopen`, actionDetailSchema, note ? { note } : {}),

  pushes: (query: { repo?: string; limit?: number } = {}) =>
    request('GET', `/api/pushes${toQueryString({ repo: query.repo, limit: query.limit })}`, pushesSchema),
  deployments: (query: { project?: string; limit?: number } = {}) =>
    request('GET', `/api/deployments${toQueryString({ project: query.project, limit: query.limit })}`, deploymentsSchema),
  correlate: (sha: string) => request('GET', `/api/correlate/${seg(sha)}`, correlationSchema),

  hourly: (hours = 24) => request('GET', `/api/stats/hourly${toQueryString({ hours })}`, hourlySchema),

  targets: () => request('GET', '/api/targets', targetsSchema),
  target: (name: string) => request('GET', `/api/targets/${seg(name)}`, targetSchema),
  /** Register a target; the answer is the only one besides a reveal that carries its secret. */
  createTarget: (spec: TargetCreate) => request('POST', '/api/targets', targetWithSecretSchema, spec),
  /** Change a target; with rotate_secret the answer carries the new secret. */
  updateTarget: (name: string, changes: TargetUpdate) => request('PATCH', `/api/targets/${seg(name)}`, targetUpdateResultSchema, changes),
  removeTarget: (name: string) => request('DELETE', `/api/targets/${seg(name)}`, targetRemovalSchema),
  /** Show a target's signing secret again, on a person's explicit request. */
  revealTargetSecret: (name: string) => request('POST', `/api/targets/${seg(name)}/secret`, targetWithSecretSchema),
  /** "Retry now" for every dead or waiting delivery of one target. */
  retryTarget: (name: string) => request('POST', `/api/targets/${seg(name)}/retry`, retryResultSchema),

  deliveries: (query: DeliveryQuery = {}) =>
    request(
      'GET',
      `/api/deliveries${toQueryString({ state: query.state, target: query.target, before: query.before, limit: query.limit })}`,
      deliveriesSchema,
    ),
  delivery: (id: number) => request('GET', `/api/deliveries/${seg(id)}`, deliveryDetailSchema),
  /** "Retry now" for every dead or waiting delivery of every target. */
  retryAllDeliveries: () => request('POST', '/api/deliveries/retry', retryResultSchema),
  retryDelivery: (id: number) => request('POST', `/api/deliveries/${seg(id)}/retry`, retryResultSchema),
  /** Queue a message for every enabled push target. */
  push: (message: string) => request('POST', '/api/push', pushAnswerSchema, { message }),

  /** End this browser's dashboard session (the token and MCP clients are not affected). */
  signOut: () => request('POST', '/api/session/logout', z.object({ signed_out: z.literal(true), ended_session: z.boolean() })),
  links: () => request('GET', '/api/links', linksSchema),
  /** The token goes to the core, which keeps it in secret storage; no answer carries it back. */
  linkGithub: (body: LinkGithubBody) => request('POST', '/api/links/github', linkChangeSchema, body),
  linkStripe: (body: LinkStripeBody) => request('POST', '/api/links/stripe', linkChangeSchema, body),
  unlink: (id: number) => request('DELETE', `/api/links/${seg(id)}`, unlinkSchema),

  clients: () => request('GET', '/api/clients', clientsSchema),
  connectClient: (client: string) => request('POST', `/api/clients/${seg(client)}/connect`, clientChangeSchema),
  disconnectClient: (client: string) => request('POST', `/api/clients/${seg(client)}/disconnect`, clientChangeSchema),
};

export type TidingsApi = typeof httpApi;

declare global {
  interface Window {
    /** Set by the Electron preload, with the same functions as httpApi. */
    tidingsApi?: TidingsApi;
  }
}

export const api: TidingsApi = (typeof window !== 'undefined' && window.tidingsApi) || httpApi;
