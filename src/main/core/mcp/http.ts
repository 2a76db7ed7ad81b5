// MCP over Streamable HTTP at /mcp on the control listener, in both revisions a client may
// speak. The SDK's own classifier (isLegacyRequest) sends each request one way:
// - 2025-11-25 and earlier: one server and transport per session (cryptographically
//   random ids, closed when idle), a bounded replay buffer so a dropped GET stream resumes
//   with Last-Event-ID, and the fan-out of committed events to sessions that subscribed to
//   resources or made subscriptions;
// - 2026-07-28: no sessions, a server per request, resource updates on subscriptions/listen
//   streams (modern.ts).
// Token, Host and Origin are checked before a request gets here, for both (api/guard.ts).
import crypto from 'node:crypto';
import express from 'express';
import type { Request, Response } from 'express';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, isJsonContentType, isLegacyRequest } from '@modelcontextprotocol/server';
import type { McpServer, EventStore as ReplayStore, JSONRPCMessage } from '@modelcontextprotocol/server';
import type { EventRecord } from '../../../shared/events';
import type { Logger } from '../logger';
import type { McpDeps } from './deps';
import { createModernMcp, webRequest } from './modern';
import { touchedUris, uriMatches } from './resources';
import { createMcpServer } from './server';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../webhooks/util';
import type { ToolRegistrar } from './server';

/** Messages kept per session for resumption; older ones are gone (the client re-reads). */
const REPLAY_LIMIT = 500;
/**
 * A GET stream (2025) or listen stream (2026) whose client stopped reading is closed once
 * this much is queued for it and not yet taken by the socket: memory stays bounded, and
 * the client can reconnect (with Last-Event-ID on 2025). (The SDK's 2025 transport writes
 * through a web stream that waits for the socket, so that backlog builds up inside the
 * process, not in the response's own buffer; modern.ts measures its own.)
 */
export const MAX_STREAM_BUFFER = 1024 * 1024;
/**
 * Sessions kept at most. Clients that vanish without ending their session (most do) would
 * otherwise hold memory until the idle timeout; past this many, the least recently used
 * idle ones are closed. A closed session's client gets 404 and starts a new one.
 */
export const MAX_SESSIONS = 64;
/** SSE framing around each message (event, id and data lines): an estimate is enough. */
const FRAME_OVERHEAD = 64;

interface StreamWatch {
  /** Bytes of messages handed to the SDK for this stream. */
  queued: number;
  /** The socket's bytesWritten when the stream opened. */
  base: number;
}

export function createReplayBuffer(limit = REPLAY_LIMIT): ReplayStore {
  const events: Array<{ id: string; stream: string; message: JSONRPCMessage }> = [];
  let seq = 0;
  return {
    async storeEvent(stream, message) {
      const id = `${stream}_${++seq}`;
      events.push({ id, stream, message });
      if (events.length > limit) events.splice(0, events.length - limit);
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.id === eventId)?.stream;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = events.findIndex((e) => e.id === lastEventId);
      if (at < 0) return '';
      const stream = events[at]!.stream;
      for (const e of events.slice(at + 1)) if (e.stream === stream) await send(e.id, e.message);
      return stream;
    },
  };
}

interface Session {
  id: string;
  server: McpServer;
  transport: NodeStreamableHTTPServerTransport;
  lastSeen: number;
  uris: Set<string>;
  /** Requests (including long GET streams and waits) still open: not idle while > 0. */
  open: number;
  /** Open GET streams, watched for clients that stopped reading. */
  streams: Map<Response, StreamWatch>;
}

export interface McpHttpOptions {
  deps: Omit<McpDeps, 'sessionCount' | 'resourceChanged'>;
  logger: Logger;
  idleMs?: number;
  extraTools?: ToolRegistrar[];
}

function rpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

export function createMcpHttp(options: McpHttpOptions) {
  const sessions = new Map<string, Session>();
  const idleMs = options.idleMs ?? 30 * 60_000;
  const { logger } = options;

  let shed = 0;
  /** Account for a message about to go to the session's GET stream; cut off a stalled one. */
  const queueOnStreams = (session: Session, message: unknown) => {
    const size = JSON.stringify(message).length + FRAME_OVERHEAD;
    for (const [res, watch] of session.streams) {
      watch.queued += size;
      const taken = (res.socket?.bytesWritten ?? 0) - watch.base;
      const backlog = watch.queued - taken;
      if (backlog <= MAX_STREAM_BUFFER) continue;
      shed++;
      logger.warn('mcp stream closed: the client stopped reading', { session: session.id.slice(0, 8), backlog });
      session.streams.delete(res);
      res.destroy();
    }
  };
  const notify = (session: Session, uri: string) => {
    queueOnStreams(session, { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } });
    void session.server.server.sendResourceUpdated({ uri }).catch(() => undefined);
  };
  // Built below, once deps exist; resourceChanged only runs after that.
  let modern: ReturnType<typeof createModernMcp> | null = null;
  const resourceChanged = (uri: string) => {
    for (const s of sessions.values()) if (s.uris.has(uri)) notify(s, uri);
    modern?.resourceUpdated(uri);
  };
  const deps: McpDeps = { ...options.deps, sessionCount: () => sessions.size, resourceChanged };
  modern = createModernMcp({ factory: () => createMcpServer(deps, null, options.extraTools), logger, maxStreamBuffer: MAX_STREAM_BUFFER });
  const live = modern;

  const lookup = (id: number) => deps.subscriptions.get(id);
  const onEvent = (e: EventRecord) => {
    for (const s of sessions.values()) {
      for (const uri of s.uris) if (uriMatches(uri, e, lookup)) notify(s, uri);
    }
    if (live.listening()) for (const uri of touchedUris(e, deps.subscriptions.matchingIds(e))) live.resourceUpdated(uri);
  };
  const unsubscribeBus = deps.bus.subscribe(onEvent);
  deps.subscriptions.setNotifier((sessionId, sub, event) => {
    const s = sessions.get(sessionId);
    if (!s) return;
    // The subscription itself is the request to be told; a resources/subscribe is not needed.
    if (!s.uris.has(sub.resource_uri)) notify(s, sub.resource_uri);
    const log = { level: 'info' as const, logger: 'tidings', data: { subscription_id: sub.id, event_id: event.id, source: event.source, type: event.type } };
    queueOnStreams(s, { jsonrpc: '2.0', method: 'notifications/message', params: log });
    void s.server.server.sendLoggingMessage(log).catch(() => undefined);
  });

  const close = async (s: Session) => {
    sessions.delete(s.id);
    await s.transport.close().catch(() => undefined);
    await s.server.close().catch(() => undefined);
  };
  const evictIdleSessions = () => {
    if (sessions.size <= MAX_SESSIONS) return;
    const idle = [...sessions.values()].filter((s) => s.open === 0).sort((a, b) => a.lastSeen - b.lastSeen);
    for (const s of idle.slice(0, sessions.size - MAX_SESSIONS)) {
      logger.info('mcp session closed: too many sessions, this one idle longest', { session: s.id.slice(0, 8) });
      void close(s);
    }
  };
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) {
      if (s.open === 0 && now - s.lastSeen > idleMs) {
        logger.info('mcp session expired', { session: s.id.slice(0, 8) });
        void close(s);
      }
    }
  }, Math.min(60_000, idleMs));
  sweeper.unref();

  const track = (s: Session, res: Response) => {
    s.open++;
    s.lastSeen = Date.now();
    res.on('close', () => {
      s.open--;
      s.lastSeen = Date.now();
    });
  };

  async function start(req: Request, res: Response): Promise<void> {
    let session: Session | null = null;
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomBytes(24).toString('base64url'),
      eventStore: createReplayBuffer(),
      onsessioninitialized: (id) => {
        if (session) {
          session.id = id;
          sessions.set(id, session);
          evictIdleSessions();
        }
      },
    });
    const hooks = {
      onSubscribe: (uri: string) => session?.uris.add(uri),
      onUnsubscribe: (uri: string) => session?.uris.delete(uri),
    };
    const server = createMcpServer(deps, hooks, options.extraTools);
    session = { id: '', server, transport, lastSeen: Date.now(), uris: new Set(), open: 0, streams: new Map() };
    transport.onclose = () => {
      if (session?.id) sessions.delete(session.id);
    };
    await server.connect(transport);
    track(session, res);
    await transport.handleRequest(req, res, req.body);
  }

  /** 2025 traffic: every request belongs to a session, except the initialize that starts one. */
  async function legacy(req: Request, res: Response): Promise<void> {
    const header = req.headers['mcp-session-id'];
    const id = typeof header === 'string' ? header : undefined;
    if (id) {
      const s = sessions.get(id);
      if (!s) return rpcError(res, 404, -32001, 'unknown or expired MCP session: start a new one with initialize');
      track(s, res);
      if (req.method === 'GET') {
        s.streams.set(res, { queued: 0, base: res.socket?.bytesWritten ?? 0 });
        res.on('close', () => s.streams.delete(res));
      }
      return s.transport.handleRequest(req, res, req.body);
    }
    if (req.method === 'POST' && isInitializeRequest(req.body)) return start(req, res);
    return rpcError(res, 400, -32000, 'no Mcp-Session-Id header: send an initialize request first (or speak MCP 2026-07-28, which needs no session)');
  }

  const router = express.Router();
  router.use(
    express.json({
      limit: '4mb',
      // JSON.parse copes with deep nesting, but the SDK's request adapter stringifies the body
      // again and would overflow the stack: refuse it here, as ingest does (400, below).
      verify: (_req, _res, buf) => {
        if (nestedDeeperThan(buf)) throw new Error(`the JSON-RPC message nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`);
      },
    }),
  );
  router.all('/', (req, res) => {
    const run = async () => {
      // Checked here because neither path would read a body the JSON parser left alone.
      if (req.method === 'POST' && !isJsonContentType(req.headers['content-type'] ?? null)) {
        return rpcError(res, 415, -32000, 'MCP requests are JSON: send Content-Type: application/json');
      }
      const { request, abort } = await webRequest(req, res);
      if (await isLegacyRequest(request, req.body)) return legacy(req, res);
      return live.serve(req, res, request, abort);
    };
    run().catch((err: unknown) => {
      logger.error('mcp request failed', { error: (err as Error)?.stack ?? String(err) });
      if (!res.headersSent) rpcError(res, 500, -32603, 'internal error in Tidings');
    });
  });
  router.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.parse.failed') return rpcError(res, 400, -32700, `parse error: ${e.message}`);
    if (e.type === 'entity.too.large') return rpcError(res, 413, -32600, 'request body larger than 4 MB');
    return rpcError(res, 400, -32600, e.message ?? 'bad request');
  });

  return {
    router,
    deps,
    sessionCount: () => sessions.size,
    /** GET and listen streams closed because their client stopped reading. */
    shedCount: () => shed + live.shedCount(),
    async close(): Promise<void> {
      clearInterval(sweeper);
      unsubscribeBus();
      deps.subscriptions.setNotifier(null);
      await Promise.all([...sessions.values()].map(close));
      await live.close();
    },
  };
}
