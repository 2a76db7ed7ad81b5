// The local REST API under /api, used by the CLI and the renderer. Every input is checked
// with zod and every failure is a 4xx with a sentence a person can act on.
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { SOURCE_PATTERN } from '../../../shared/events';
import type { EventStore } from '../store/event-store';
import type { Secrets } from '../secrets';
import { fingerprint } from '../secrets';
import { KNOWN_PROVIDERS } from '../webhooks/providers';
import type { Health } from '../health';

export interface ApiDeps {
  store: EventStore;
  secrets: Secrets;
  health: () => Health;
  /** The URL a sender should use for a source (public URL if set, else local). */
  webhookUrl: (source: string) => string;
  /** Send a signed sample delivery to our own ingest listener over HTTP. */
  sendTest: (source: string) => Promise<{ status: number; body: unknown }>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sourceParam = z.string().regex(SOURCE_PATTERN, 'must be a source name like github or my-app');
const intParam = (name: string, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must not be negative`)
    .max(max, `${name} must be at most ${max}`);
const timeParam = (name: string) =>
  z.string().transform((v, ctx) => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an ISO 8601 time or milliseconds since the epoch` });
      return z.NEVER;
    }
    return ms;
  });

export const eventsQuerySchema = z
  .object({
    source: sourceParam.optional(),
    type: z.string().max(200).optional(),
    subject: z.string().max(300).optional(),
    verified: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    after: intParam('after').optional(),
    before: intParam('before').optional(),
    since: timeParam('since').optional(),
    until: timeParam('until').optional(),
    q: z.string().max(500).optional(),
    limit: intParam('limit', 1000).default(50),
  })
  .strict();

const secretBody = z
  .object({ value: z.string().min(8, 'a secret must be at least 8 characters').max(1000) })
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => (i.code === 'unrecognized_keys' ? `unknown ${what} ${i.keys.join(', ')}` : `${i.path.join('.') || what}: ${i.message}`))
      .join('; ');
    throw new ApiError(400, `invalid ${what}: ${detail}`);
  }
  return result.data;
}

type Handler = (req: Request, res: Response) => unknown;
const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .catch(next);
};

export function createApiRouter(deps: ApiDeps): express.Router {
  const api = express.Router();
  api.use(express.json({ limit: '256kb' }));

  api.get('/health', wrap((_req, res) => res.json(deps.health())));

  api.get(
    '/events',
    wrap((req, res) => {
      const q = parse(eventsQuerySchema, req.query, 'query parameter');
      if (q.q) {
        res.json({ events: deps.store.search(q.q, q.limit), next_cursor: null });
        return;
      }
      const events = deps.store.list({
        source: q.source,
        type: q.type,
        subject: q.subject,
        verified: q.verified,
        afterId: q.after,
        beforeId: q.before,
        since: q.since,
        until: q.until,
        limit: q.limit,
      });
      const last = events[events.length - 1];
      res.json({ events, next_cursor: last ? last.id : null });
    }),
  );

  api.get(
    '/events/:id',
    wrap((req, res) => {
      const id = parse(intParam('id'), req.params.id, 'event id');
      const event = deps.store.get(id);
      if (!event) throw new ApiError(404, `there is no event ${id} (it may have been pruned by retention)`);
      res.json(event);
    }),
  );

  api.get(
    '/sources',
    wrap((_req, res) => {
      const stats = new Map(deps.store.sources().map((s) => [s.source, s]));
      const secretInfo = new Map(deps.secrets.summary().map((s) => [s.source, s]));
      const names = new Set<string>([...KNOWN_PROVIDERS, ...stats.keys(), ...secretInfo.keys()]);
      res.json({
        sources: [...names].sort().map((source) => ({
          source,
          url: deps.webhookUrl(source),
          secret: secretInfo.get(source) ?? null,
          stats: stats.get(source) ?? null,
          rejections: deps.store.rejections(source, 5),
        })),
      });
    }),
  );

  api.get(
    '/rejections',
    wrap((req, res) => {
      const q = parse(z.object({ source: sourceParam.optional(), limit: intParam('limit', 500).default(50) }).strict(), req.query, 'query parameter');
      res.json({ rejections: deps.store.rejections(q.source ?? null, q.limit) });
    }),
  );

  api.get('/secrets', wrap((_req, res) => res.json({ secrets: deps.secrets.summary(), backend: deps.secrets.describe() })));

  api.put(
    '/secrets/:source',
    wrap((req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const { value } = parse(secretBody, req.body, 'body');
      deps.secrets.set(source, value);
      res.json({ source, fingerprint: fingerprint(value), count: deps.secrets.forSource(source).length });
    }),
  );

  api.post(
    '/secrets/:source/rotate',
    wrap((req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const { value } = parse(secretBody, req.body, 'body');
      deps.secrets.rotate(source, value);
      res.json({ source, fingerprint: fingerprint(value), count: deps.secrets.forSource(source).length });
    }),
  );

  api.delete(
    '/secrets/:source',
    wrap((req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const q = parse(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{8}$/).optional() }).strict(), req.query, 'query parameter');
      const removed = deps.secrets.remove(source, q.fingerprint);
      if (removed === 0) {
        throw new ApiError(404, q.fingerprint ? `${source} has no stored secret with fingerprint ${q.fingerprint}` : `${source} has no stored secrets`);
      }
      res.json({ source, removed, remaining: deps.secrets.forSource(source).length });
    }),
  );

  api.post(
    '/sources/:source/test',
    wrap(async (req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const result = await deps.sendTest(source);
      res.status(result.status >= 200 && result.status < 300 ? 200 : 502).json({ source, ingest_status: result.status, ingest_response: result.body });
    }),
  );

  api.use((req, _res, next) => next(new ApiError(404, `no API route ${req.method} /api${req.path}`)));
  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) {
      res.status(err.status).json({ status: err.status, error: err.message });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ status: 400, error: `the body is not valid JSON: ${e.message}` });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ status: e.status, error: e.message ?? 'bad request' });
      return;
    }
    res.status(500).json({ status: 500, error: `internal error: ${e.message ?? String(err)}` });
  });
  return api;
}
