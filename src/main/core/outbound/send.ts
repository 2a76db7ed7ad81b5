// One HTTP attempt: POST with a deadline, no redirects followed, the address checked as the
// socket connects, and the first 2 KiB of the answer kept for the delivery log.
import http from 'node:http';
import https from 'node:https';
import { addressProblem, BlockedAddressError, guardedLookup, literalHost } from './address';
import { hmacBase64 } from '../webhooks/hmac';
import { storableHeaders } from '../credential-headers';

export const RESPONSE_KEEP = 2048;
/** Read at most this much of an answer (to reuse the connection); more closes it. */
const RESPONSE_DRAIN = 64 * 1024;

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface SendResult {
  status: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
  retryAfter: string | undefined;
}

/** Standard Webhooks headers for a body: the id stays, the timestamp and signature are fresh. */
export function signedHeaders(secret: string, messageId: string, body: Buffer, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = hmacBase64('sha256', key, [`${messageId}.${timestamp}.`, body]);
  return { 'webhook-id': messageId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

const HOP_BY_HOP = /^(host|content-length|connection|transfer-encoding|keep-alive|expect|upgrade|te|trailer|proxy-connection)$/i;

/**
 * The original headers of a webhook, minus those that belong to the connection it came on
 * and any credential (rows stored before credentials were dropped at ingest still hold
 * some). The provider's body signature stays: the receiving app verifies it.
 */
export function forwardableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(storableHeaders(headers)).filter(([k]) => !HOP_BY_HOP.test(k)));
}

export function createSender(options: { resolve?: (host: string) => Promise<string[]>; userAgent: string }) {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 8 }),
  };
  const lookup = guardedLookup(options.resolve);

  function send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const done = (partial: Partial<SendResult>): SendResult => ({
      status: null,
      error: null,
      response: null,
      retryAfter: undefined,
      ...partial,
      durationMs: Math.round(performance.now() - started),
    });
    const url = new URL(req.url);
    if (!req.allowPrivate) {
      // A literal address never goes through DNS, so it is checked here.
      const literal = literalHost(url);
      const problem = literal ? addressProblem(literal) : null;
      if (problem) return Promise.resolve(done({ error: `refused to connect: ${problem}` }));
    }
    const isHttps = url.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(r);
      };
      const request = (isHttps ? https : http).request(
        url,
        {
          method: 'POST',
          agent: isHttps ? agents.https : agents.http,
          headers: { ...req.headers, 'user-agent': req.headers['user-agent'] ?? options.userAgent, 'content-length': String(req.body.length) },
          ...(req.allowPrivate ? {} : { lookup }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          let seen = 0;
          const status = res.statusCode ?? null;
          const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined;
          const location = res.headers.location;
          const complete = () => {
            let text = Buffer.concat(chunks).toString('utf8');
            if (seen > RESPONSE_KEEP) text += '…';
            const redirect = status !== null && status >= 300 && status < 400;
            finish(
              done({
                status,
                retryAfter,
                response: text || null,
                error: redirect ? `redirect to ${location ?? '(no Location)'} not followed` : null,
              }),
            );
          };
          res.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (kept < RESPONSE_KEEP) {
              const part = chunk.subarray(0, RESPONSE_KEEP - kept);
              chunks.push(part);
              kept += part.length;
            }
            if (seen > RESPONSE_DRAIN) {
              res.destroy();
              complete();
            }
          });
          res.on('end', complete);
          res.on('error', complete);
          res.on('close', complete);
        },
      );
      const deadline = setTimeout(() => {
        request.destroy(new Error(`no answer within ${Math.round(req.timeoutMs / 100) / 10} s`));
      }, req.timeoutMs);
      request.on('error', (err: NodeJS.ErrnoException) => {
        const message =
          err instanceof BlockedAddressError
            ? err.message
            : err.code === 'ECONNREFUSED'
              ? `connection refused by ${url.host} (is the server running?)`
              : err.code === 'ENOTFOUND'
                ? `${url.hostname} was not found in DNS`
                : err.message;
        finish(done({ error: message }));
      });
      request.end(req.body);
    });
  }

  return {
    send,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

export type Sender = ReturnType<typeof createSender>;
