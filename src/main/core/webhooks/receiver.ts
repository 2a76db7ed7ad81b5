// The ingest listener's routes: POST /webhooks/:source (and /webhook/:source), GET /health,
// as a plain Node handler (see createReceiver for why). Order matters: cheap refusals
// first, then the raw body, then the signature on those exact bytes, then parsing, and a
// 200 only once the event is committed to disk.
import crypto from 'node:crypto';
import type http from 'node:http';
import { SOURCE_PATTERN } from '../../../shared/events';
import type { IngestItem } from '../store/event-store';
import type { Rejection } from '../../../shared/events';
import type { GroupCommitter } from '../store/group-commit';
import { CommitterClosedError } from '../store/group-commit';
import type { Secrets } from '../secrets';
import type { Logger } from '../logger';
import { maskedHeaders, storableHeaders } from '../credential-headers';
import { cleanEvent } from './clean-text';
import { providerFor } from './providers';
import type { IngestLimiter } from './rate-limit';
import type { SourceGate } from './source-gate';
import { searchText } from './search-text';
import { PayloadError } from './types';
import type { IncomingDelivery } from './types';
import { storeFailure } from '../store/failures';
import { transferEncodingProblem } from '../http-framing';
import { createRemoteAddress } from './remote-address';

/** Sources whose events come from inside: publish_event ("mcp") and Tidings itself. */
export const RESERVED_SOURCES = new Set(['mcp', 'tidings']);

export interface ReceiverDeps {
  /** Keeps a refused delivery in the capped rejection log (best effort, never awaited). */
  recordRejection: (r: Omit<Rejection, 'id' | 'at'> & { at: number }) => void;
  committer: GroupCommitter;
  secrets: Secrets;
  limiter: IngestLimiter;
  /** Which source names are accepted (see source-gate.ts). */
  gate: SourceGate;
  logger: Logger;
  maxBodyBytes: number;
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges); none by default. */
  trustedProxies?: readonly string[];
  version: string;
  /**
   * A random id, new at each start, given in the /health answer: a public URL is
   * "reachable" when its /health answers with this core's id (tunnel/reachability.ts).
   */
  instance: string;
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

type IncomingMessage = http.IncomingMessage;
type ServerResponse = http.ServerResponse;
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

function mediaType(req: IncomingMessage): string {
  const raw = req.headers['content-type'];
  return (raw ?? '').split(';')[0]!.trim().toLowerCase();
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The path without its query, for absolute-form request targets too. */
function pathOf(url: string): string {
  if (url.startsWith('/')) {
    const q = url.indexOf('?');
    return q === -1 ? url : url.slice(0, q);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

const ROUTE = /^\/webhooks?\/([^/]+)\/?$/i;

/**
 * The raw body, up to `limit` bytes. Over the limit is a 413 and the connection is closed
 * rather than drained: a sender pushing megabytes past the limit gets its answer at once.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `the body is larger than the ${limit} byte limit`, { connection: 'close' });
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(tooLarge());
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (err: Error) => finish(new HttpError(400, `the body could not be read: ${err.message}`));
    const onClose = () => {
      if (!req.complete) finish(new HttpError(400, 'the sender closed the connection before the body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * The ingest listener as a plain Node request handler. It serves three routes, and every
 * delivery passes through it, so it does only what those routes need: with express's
 * router and body parser in front, it verified half as many deliveries per second.
 */
export function createReceiver(deps: ReceiverDeps): RequestListener {
  const now = deps.now ?? Date.now;
  const remoteAddress = createRemoteAddress(deps.trustedProxies ?? []);

  const reject = (req: IncomingMessage, res: ServerResponse, source: string, err: HttpError, bodyBytes = 0) => {
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
          remote: remoteAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']),
          headers: maskedHeaders(req.headers),
        });
      } catch {
        // The log of rejections is best effort; the answer to the sender is not.
      }
      deps.logger.info('webhook rejected', { source, status: err.status, reason: err.message });
    }
    sendJson(res, err.status, { error: err.message, status: err.status }, err.extraHeaders);
  };

  const ingest = async (req: IncomingMessage, res: ServerResponse, source: string) => {
    if (!SOURCE_PATTERN.test(source)) {
      const shown = source.length > 70 ? `${source.slice(0, 64)}…` : source;
      sendJson(res, 400, {
        status: 400,
        error: `"${shown}" is not a valid source name: use 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit (e.g. /webhooks/github or /webhooks/my-app)`,
      });
      return;
    }
    if (RESERVED_SOURCES.has(source)) {
      sendJson(res, 400, {
        status: 400,
        error: `the source name "${source}" is reserved for events that Tidings and assistants make; send webhooks to another name, e.g. /webhooks/my-app`,
      });
      return;
    }
    const admission = deps.gate.admit(source);
    if (!admission.ok) {
      const headers: Record<string, string> = admission.retryAfter ? { 'retry-after': String(admission.retryAfter) } : {};
      sendJson(res, admission.status, { status: admission.status, error: admission.error }, headers);
      return;
    }
    let stored = false;
    try {
      stored = await receive(req, res, source);
    } finally {
      admission.done(stored);
    }
  };

  /** Everything after the source is admitted; true once the event is stored (or a duplicate). */
  const receive = async (req: IncomingMessage, res: ServerResponse, source: string): Promise<boolean> => {
    const provider = providerFor(source);
    const contentType = mediaType(req);
    if (!provider.contentTypes.includes(contentType)) {
      const sent = contentType ? `Content-Type ${contentType}` : 'no Content-Type';
      reject(req, res, source, new HttpError(415, `${sent} is not accepted for ${source}; send ${provider.contentTypes.join(' or ')}`));
      return false;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      // Never inflated: a small compressed body can expand to gigabytes (a "zip bomb").
      reject(req, res, source, new HttpError(415, 'compressed bodies (Content-Encoding) are not accepted; send the body uncompressed'));
      return false;
    }
    const limit = deps.limiter.take(source);
    if (limit.wait > 0) {
      const error =
        'scope' in limit && limit.scope === 'global'
          ? `too many deliveries to this Tidings from all sources together (rateLimit.globalPerSecond); retry in ${limit.wait} s`
          : `too many deliveries for ${source} (rateLimit.perSecond); retry in ${limit.wait} s`;
      sendJson(res, 429, { status: 429, error }, { 'retry-after': String(limit.wait) });
      return false;
    }
    const body = await readBody(req, deps.maxBodyBytes);
    if (body.length === 0) throw new HttpError(400, 'the request body is empty; a webhook needs a payload');

    const delivery: IncomingDelivery = { source, headers: lowerHeaders(req), body, contentType, now: now() };
    const secrets = deps.secrets.forSource(source);
    if (secrets.length > 0) {
      const verdict = provider.verify(delivery, secrets);
      if (!verdict.ok) {
        reject(req, res, source, new HttpError(401, `signature check failed for ${source}: ${verdict.reason}`), body.length);
        return false;
      }
    }
    let payload: unknown;
    try {
      payload = provider.parse(delivery);
    } catch (err) {
      if (err instanceof PayloadError) {
        reject(req, res, source, new HttpError(400, `unreadable ${source} payload: ${err.message}`), body.length);
        return false;
      }
      throw err;
    }
    const direct = provider.directReply?.(delivery, payload);
    if (direct) {
      sendJson(res, direct.status, direct.body);
      return false;
    }
    const normalized = provider.normalize(delivery, payload);
    // Without a provider delivery id, the body's hash stands in: a byte-identical resend
    // is the same delivery.
    normalized.deliveryId ??= `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;
    // Control characters, invisible ones and unbounded lengths go here, before anything
    // (search index, derived views, subscribers) sees the sender's text.
    const event = cleanEvent(normalized);
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
    sendJson(res, 200, { status: result.duplicate ? 'duplicate' : 'received', id: result.id });
    return true;
  };

  // Errors become statuses here, at the edge, with messages a person can act on.
  const failed = (req: IncomingMessage, res: ServerResponse, source: string, err: unknown) => {
    if (err instanceof HttpError) return reject(req, res, source, err);
    if (err instanceof CommitterClosedError) {
      return sendJson(res, 503, { status: 503, error: 'Tidings is shutting down; retry shortly' }, { 'retry-after': '5' });
    }
    const failure = storeFailure(err);
    if (failure) {
      deps.onStoreError?.(err);
      deps.logger.error('store write failed', { source, code: failure.code, message: (err as Error).message });
      return sendJson(
        res,
        503,
        { status: 503, error: `${failure.message}; the event was not stored, retry later` },
        { 'retry-after': String(failure.retryAfter) },
      );
    }
    deps.logger.error('ingest failed', { source, error: (err as Error)?.stack ?? String(err) });
    sendJson(res, 500, { status: 500, error: 'internal error while storing the event; it was not stored' });
  };

  return (req, res) => {
    const path = pathOf(req.url ?? '/');
    const method = req.method ?? 'GET';
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
      sendJson(res, 200, { status: 'ok', service: 'tidings-ingest', version: deps.version, instance: deps.instance });
      return;
    }
    const match = ROUTE.exec(path);
    const framing = transferEncodingProblem(req.headers['transfer-encoding']);
    if (framing) {
      // Closed after the answer: with the body's framing unknown, the socket holds nothing readable.
      const err = new HttpError(400, framing, { connection: 'close' });
      const named = match && method === 'POST' ? safeDecode(match[1]!) : null;
      if (named !== null && SOURCE_PATTERN.test(named)) reject(req, res, named, err);
      else sendJson(res, 400, { status: 400, error: framing }, err.extraHeaders);
      return;
    }
    if (match && method === 'POST') {
      const source = safeDecode(match[1]!);
      if (source === null) {
        sendJson(res, 400, { status: 400, error: `the source name in ${path.slice(0, 100)} is not valid URL encoding` });
        return;
      }
      ingest(req, res, source).catch((err: unknown) => failed(req, res, source, err));
      return;
    }
    const hint =
      method === 'POST'
        ? 'webhooks go to POST /webhooks/<source>'
        : `${method} ${path.slice(0, 200)} is not served here; webhooks go to POST /webhooks/<source>`;
    const status = method === 'POST' || method === 'GET' || method === 'HEAD' ? 404 : 405;
    sendJson(res, status, { status, error: hint }, status === 405 ? { allow: 'POST' } : {});
  };
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function deliveryIdFromHeaders(req: IncomingMessage): string | null {
  const h = req.headers;
  const id = h['x-github-delivery'] ?? h['webhook-id'] ?? h['svix-id'];
  return typeof id === 'string' ? id.slice(0, 200) : null;
}
