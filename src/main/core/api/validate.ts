// Input checking and error plumbing shared by the API's route files: zod at the boundary,
// and every failure a 4xx with a sentence a person can act on.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { SOURCE_PATTERN } from '../../../shared/events';
import { storeFailure } from '../store/failures';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const sourceParam = z.string().regex(SOURCE_PATTERN, 'must be a source name like github or my-app');
export const intParam = (name: string, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must not be negative`)
    .max(max, `${name} must be at most ${max}`);
export const timeParam = (name: string) =>
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

export const secretBody = z
  .object({ value: z.string().min(8, 'a secret must be at least 8 characters').max(1000) })
  .strict();

export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => (i.code === 'unrecognized_keys' ? `unknown ${what} ${i.keys.join(', ')}` : `${i.path.join('.') || what}: ${i.message}`))
      .join('; ');
    throw new ApiError(400, `invalid ${what}: ${detail}`);
  }
  return result.data;
}

export type Handler = (req: Request, res: Response) => unknown;
export const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .catch(next);
};


/** The end of the /api chain: unknown routes, then every error as a JSON 4xx/5xx. */
export function apiFallback(req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError(404, `no API route ${req.method} /api${req.path}`));
}

export function apiErrorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  // Already answered (a stalled body got its 408 from the listener): the body's abort is no news.
  if (res.headersSent) return;
  if (err instanceof ApiError) {
    res.status(err.status).json({ status: err.status, error: err.message });
    return;
  }
  const failure = storeFailure(err);
  if (failure) {
    res.status(503).set('Retry-After', String(failure.retryAfter)).json({ status: 503, error: `${failure.message}; try again shortly` });
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
}
