// The ingest listener's routes: POST /webhooks/:source (and /webhook/:source), GET /health.
// Order matters: cheap refusals first, then the raw body, then the signature on those
// exact bytes, then parsing, and a 200 only once the event is committed to disk.
import crypto from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SOURCE_PATTERN } from '../../../shared/events';
import type { IngestItem } from '../store/event-store';
import type { Rejection } from '../../../shared/events';
import type { GroupCommitter } from '../store/group-commit';
import { CommitterClosedError } from '../store/group-commit';
import type { Secrets } from '../secrets';
import type { Logger } from '../logger';
import { redactedHeaders, storableHeaders } from '../logger';
import { providerFor } from './providers';
import type { RateLimiter } from './rate-limit';
import { searchText } from './search-text';
import { PayloadError } from './types';
import type { IncomingDelivery } from './types';
import { storeFailure } from '../store/failures';

/** Sources whose events come from inside: publish_event ("mcp") and Tidings itself. */
export const RESERVED_SOURCES = new Set(['mcp', 'tidings']);

export interface ReceiverDeps {
  /** Keeps a refused delivery in the capped rejection log (best effort, never awaited). */
  recordRejection: (r: Omit<Rejection, 'id' | 'at'> & { at: number }) => void;
  committer: GroupCommitter;
  secrets: Secrets;
  limiter: RateLimiter;
  logger: Logger;
  maxBodyBytes: number;
  version: string;
  now?: () => number;
  /** Told about storage failures (disk full, locked), so health can report them. */
  onStoreError?: (err: unknown) => void;
  /** Told when a write succeeds again after a failure. */
  onStoreOk?: () => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {
    super(message);
  }
}

function mediaType(req: Request): string {
  const raw = req.headers['content-type'];
  return (raw ?? '').split(';')[0]!.trim().toLowerCase();
}

function lowerHeaders(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function createReceiver(deps: ReceiverDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Senders never revalidate; hashing every answer for an ETag is wasted work.
  app.set('etag', false);
  app.set('trust proxy', false);
  const now = deps.now ?? Date.now;

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'tidings-ingest', version: deps.version });
  });

  const reject = (req: Request, res: Response, source: string, err: HttpError, bodyBytes = 0) => {
    // Bad signatures and bad bodies are what a person needs to see when a provider's
    // deliveries "vanish"; rate limiting and overload are not about the sender's setup.
    if (err.status === 400 || err.status === 401 || err.status === 413 || err.status === 415) {
      try {
        deps.recordRejection({
          source,
          at: now(),
          status: err.status,
          reason: err.message,
          delivery_id: deliveryIdFromHeaders(req),
          body_bytes: bodyBytes,
          remote: remoteOf(req),
          headers: redactedHeaders(req.headers),
        });
      } catch {
        // The log of rejections is best effort; the answer to the sender is not.
      }
      deps.logger.info('webhook rejected', { source, status: err.status, reason: err.message });
    }
    res.status(err.status).set(err.extraHeaders).json({ error: err.message, status: err.status });
  };

  const rawBody = express.raw({ type: () => true, limit: deps.maxBodyBytes, inflate: false });

  const handler = async (req: Request, res: Response) => {
    const source = String(req.params.source ?? '');
    if (!SOURCE_PATTERN.test(source)) {
      const shown = source.length > 70 ? `${source.slice(0, 64)}…` : source;
      res.status(400).json({
        status: 400,
        error: `"${shown}" is not a valid source name: use 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit (e.g. /webhooks/github or /webhooks/my-app)`,
      });
      return;
    }
    if (RESERVED_SOURCES.has(source)) {
      res.status(400).json({
        status: 400,
        error: `the source name "${source}" is reserved for events that Tidings and assistants make; send webhooks to another name, e.g. /webhooks/my-app`,
      });
      return;
    }
    const provider = providerFor(source);
    const contentType = mediaType(req);
    if (!provider.contentTypes.includes(contentType)) {
      const sent = contentType ? `Content-Type ${contentType}` : 'no Content-Type';
      reject(req, res, source, new HttpError(415, `${sent} is not accepted for ${source}; send ${provider.contentTypes.join(' or ')}`));
      return;
    }
    const wait = deps.limiter.take(source);
    if (wait > 0) {
      res
        .status(429)
        .set('Retry-After', String(wait))
        .json({ status: 429, error: `too many deliveries for ${source}; retry in ${wait} s` });
      return;
    }
    await new Promise<void>((resolve, rejectRead) =>
      rawBody(req, res, (err?: unknown) => (err ? rejectRead(err) : resolve())),
    );
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) throw new HttpError(400, 'the request body is empty; a webhook needs a payload');

    const delivery: IncomingDelivery = { source, headers: lowerHeaders(req), body, contentType, now: now() };
    const secrets = deps.secrets.forSource(source);
    if (secrets.length > 0) {
      const verdict = provider.verify(delivery, secrets);
      if (!verdict.ok) {
        reject(req, res, source, new HttpError(401, `signature check failed for ${source}: ${verdict.reason}`), body.length);
        return;
      }
    }
    let payload: unknown;
    try {
      payload = provider.parse(delivery);
    } catch (err) {
      if (err instanceof PayloadError) {
        reject(req, res, source, new HttpError(400, `unreadable ${source} payload: ${err.message}`), body.length);
        return;
      }
      throw err;
    }
    const direct = provider.directReply?.(delivery, payload);
    if (direct) {
      res.status(direct.status).json(direct.body);
      return;
    }
    const event = provider.normalize(delivery, payload);
    // Without a provider delivery id, the body's hash stands in: a byte-identical resend
    // is the same delivery.
    event.deliveryId ??= `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;
    const item: IngestItem = {
      source,
      provider: provider.kind,
      verified: secrets.length > 0,
      contentType,
      headers: storableHeaders(req.headers),
      body,
      event,
      searchText: searchText(event.summary, event.subject, event.type, payload),
      receivedAt: delivery.now,
    };
    const result = await deps.committer.submit(item);
    deps.onStoreOk?.();
    res.json({ status: result.duplicate ? 'duplicate' : 'received', id: result.id });
  };

  const route = (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
  app.post('/webhooks/:source', route);
  app.post('/webhook/:source', route);

  app.use((req, res) => {
    const hint =
      req.method === 'POST'
        ? 'webhooks go to POST /webhooks/<source>'
        : `${req.method} ${req.path} is not served here; webhooks go to POST /webhooks/<source>`;
    res.status(req.method === 'POST' || req.method === 'GET' ? 404 : 405).json({ status: 404, error: hint });
  });

  // Errors become statuses here, at the edge, with messages a person can act on.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const source = String(req.params?.source ?? 'unknown');
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof HttpError) return reject(req, res, source, err);
    if (e.type === 'entity.too.large') {
      return reject(req, res, source, new HttpError(413, `the body is larger than the ${deps.maxBodyBytes} byte limit`));
    }
    if (e.type === 'encoding.unsupported') {
      return reject(req, res, source, new HttpError(415, 'compressed bodies (Content-Encoding) are not accepted; send the body uncompressed'));
    }
    if (e.type === 'request.aborted' || e.type === 'request.size.invalid' || e.type === 'charset.unsupported') {
      return reject(req, res, source, new HttpError(400, `the body could not be read: ${e.message ?? e.type}`));
    }
    if (err instanceof CommitterClosedError) {
      return res.status(503).set('Retry-After', '5').json({ status: 503, error: 'Tidings is shutting down; retry shortly' });
    }
    const failure = storeFailure(err);
    if (failure) {
      deps.onStoreError?.(err);
      deps.logger.error('store write failed', { source, code: failure.code, message: (err as Error).message });
      return res
        .status(503)
        .set('Retry-After', String(failure.retryAfter))
        .json({ status: 503, error: `${failure.message}; the event was not stored, retry later` });
    }
    deps.logger.error('ingest failed', { source, error: (err as Error)?.stack ?? String(err) });
    res.status(500).json({ status: 500, error: 'internal error while storing the event; it was not stored' });
  });

  return app;
}

function deliveryIdFromHeaders(req: Request): string | null {
  const h = req.headers;
  const id = h['x-github-delivery'] ?? h['webhook-id'] ?? h['svix-id'];
  return typeof id === 'string' ? id.slice(0, 200) : null;
}

function remoteOf(req: Request): string | null {
  const fwd = req.headers['x-forwarded-for'];
  const first = typeof fwd === 'string' ? fwd.split(',')[0]!.trim() : null;
  return first || req.socket.remoteAddress || null;
}
