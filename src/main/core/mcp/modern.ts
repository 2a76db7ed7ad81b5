// MCP 2026-07-28 on /mcp: no sessions and no handshake, a fresh server for every request
// (the SDK's createMcpHandler, strict: 2025 traffic is routed elsewhere before it gets
// here, see http.ts). Resource updates reach a 2026 client only on the subscriptions/listen
// streams it opens, so the core publishes them on the handler's bus. Responses are written
// to the socket here rather than by the SDK's Node adapter, so that a listen stream whose
// client stopped reading is cut off once its backlog passes MAX_STREAM_BUFFER, as the
// 2025 GET streams are, instead of growing without bound inside the process.
import type { Request as ExpressRequest, Response } from 'express';
import { createMcpHandler, InMemoryServerEventBus } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { toWebRequest } from '@modelcontextprotocol/node';
import type { Logger } from '../logger';

/** Resource URIs one listen stream may name; each committed event is checked against them. */
export const MAX_LISTEN_URIS = 256;
/** Longer URIs than this name nothing Tidings serves. */
export const MAX_LISTEN_URI_LENGTH = 1024;

type RpcId = string | number | null;

/** Why a subscriptions/listen request asks for too much, or null if it is within bounds. Pure. */
export function listenOverLimit(body: unknown): { id: RpcId; message: string } | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const msg = body as { method?: unknown; id?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown } } };
  if (msg.method !== 'subscriptions/listen') return null;
  const uris = msg.params?.notifications?.resourceSubscriptions;
  if (!Array.isArray(uris)) return null;
  const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? msg.id : null;
  if (uris.length > MAX_LISTEN_URIS) {
    return {
      id,
      message: `subscriptions/listen names ${uris.length} resource URIs; one stream may name at most ${MAX_LISTEN_URIS}. Name fewer: tidings://events/recent changes with every event, and tidings://sources/{source}/recent with every event of that source.`,
    };
  }
  const long = uris.find((u) => typeof u === 'string' && u.length > MAX_LISTEN_URI_LENGTH);
  if (long !== undefined) return { id, message: `a resource URI in subscriptions/listen is longer than ${MAX_LISTEN_URI_LENGTH} characters; Tidings serves no such resource` };
  return null;
}

function isListen(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'subscriptions/listen';
}

export interface ModernMcpOptions {
  /** Builds the server for one request (the same tools, resources and prompts as a 2025 session). */
  factory: () => McpServer;
  logger: Logger;
  /** A listen stream with more than this many bytes queued for its client is closed. */
  maxStreamBuffer: number;
}

export function createModernMcp(options: ModernMcpOptions) {
  const { logger } = options;
  const bus = new InMemoryServerEventBus((err) => logger.warn('mcp listen stream failed', { error: err.message }));
  const handler = createMcpHandler(() => options.factory(), {
    legacy: 'reject',
    bus,
    // Rejected requests are reported here too; the client already got the answer.
    onerror: (err) => logger.debug('mcp 2026 request refused or failed', { error: err.message }),
  });
  let shed = 0;

  /** Write a web Response to the Node response; `bounded` streams are cut off when their client stops reading. */
  async function write(res: Response, response: globalThis.Response, abort: AbortController, bounded: boolean): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    res.writeHead(response.status, headers);
    if (!response.body) {
      res.end();
      return;
    }
    const gone = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      for await (const chunk of response.body) {
        if (abort.signal.aborted) break;
        const flowing = res.write(chunk);
        if (bounded) {
          // Keep reading the stream, so the backlog builds up here, where it can be measured
          // (the response's buffer plus its socket's), not inside the SDK's stream.
          if (res.writableLength > options.maxStreamBuffer) {
            shed++;
            logger.warn('mcp listen stream closed: the client stopped reading', { backlog: res.writableLength });
            res.destroy();
            break;
          }
        } else if (!flowing) {
          await Promise.race([new Promise((resolve) => res.once('drain', resolve)), gone]);
        }
      }
    } catch {
      // The stream ended under us (client gone, handler closed): nothing left to write.
    }
    if (!res.destroyed) res.end();
  }

  return {
    bus,
    /** Is any listen stream open? (Skip working out URIs nobody listens for.) */
    listening: () => bus.listenerCount > 0,
    resourceUpdated: (uri: string) => handler.notify.resourceUpdated(uri),
    /** Listen streams closed because their client stopped reading. */
    shedCount: () => shed,

    /** Serve one 2026 request; `request` is the web form of `req` (the router built it to classify). */
    async serve(req: ExpressRequest, res: Response, request: globalThis.Request, abort: AbortController): Promise<void> {
      const over = listenOverLimit(req.body);
      if (over) {
        res.status(400).json({ jsonrpc: '2.0', id: over.id, error: { code: -32602, message: over.message } });
        return;
      }
      const response = await handler.fetch(request, req.body === undefined ? {} : { parsedBody: req.body });
      await write(res, response, abort, isListen(req.body));
    },

    close: () => handler.close(),
  };
}

/**
 * The web Request for an Express request whose JSON body was already parsed, carrying an
 * abort signal that fires when the client goes away before the answer is complete: that is
 * how a 2026 client cancels (it closes the response stream), and how a listen stream ends.
 */
export async function webRequest(req: ExpressRequest, res: Response): Promise<{ request: globalThis.Request; abort: AbortController }> {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const request = await toWebRequest(req, req.body, { signal: abort.signal });
  return { request, abort };
}
