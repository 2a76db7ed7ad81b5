// Server-sent events for the dashboard: committed events, live, with resumption. A client
// that reconnects with Last-Event-ID (or ?after=) first gets what it missed from the store,
// then the live stream, with no gap and no duplicate. /replay/:timestamp does the same from
// a time. Idle connections get a keep-alive comment; a client that stops reading is cut off
// once its buffer passes a bound, so it cannot hold memory hostage.
import express from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { STREAM_EVENT, STREAM_KEEPALIVE_MS } from '../../../shared/api';
import type { EventRecord } from '../../../shared/events';
import type { EventBus } from '../event-bus';
import type { EventStore } from '../store/event-store';
import { typeMatches } from '../mcp/subscriptions';
import { intParam, parse, sourceParam, timeParam, wrap } from './validate';

const CATCH_UP_PAGE = 500;
/** Bytes queued for a client that is not reading before we hang up on it. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export interface StreamDeps {
  store: EventStore;
  bus: EventBus;
  keepAliveMs?: number;
}

const filterSchema = z
  .object({ source: sourceParam.optional(), type: z.string().max(200).optional(), after: intParam('after').optional() })
  .strict();

/** An event as one SSE data line; one that cannot be serialized still sends its id. */
function serialize(e: EventRecord): string {
  try {
    return JSON.stringify(e);
  } catch (err) {
    return JSON.stringify({ ...e, fields: {}, summary: `event ${e.id} could not be shown: ${(err as Error).message}` });
  }
}

function open(req: Request, res: Response, deps: StreamDeps, start: { afterId: number } | { since: number }, filter: { source?: string | undefined; type?: string | undefined }) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  res.write(`retry: 2000\n\n`);
  const matches = (e: EventRecord) => (!filter.source || e.source === filter.source) && (!filter.type || typeMatches(e.type, filter.type));
  let lastSent = 'afterId' in start ? start.afterId : 0;
  let closed = false;
  const send = (e: EventRecord) => {
    if (closed || e.id <= lastSent) return;
    lastSent = e.id;
    if (!matches(e)) return;
    res.write(`id: ${e.id}\nevent: ${STREAM_EVENT}\ndata: ${serialize(e)}\n\n`);
    // A client that stopped reading is cut off, not buffered for: it reconnects with Last-Event-ID.
    if (res.writableLength > MAX_BUFFERED) stop(true);
  };
  // Live events that arrive while we catch up wait here, so order holds.
  let pending: EventRecord[] | null = [];
  const unsubscribe = deps.bus.subscribe((e) => (pending ? pending.push(e) : send(e)));
  const keepAlive = setInterval(() => !closed && res.write(`: keep-alive ${new Date().toISOString()}\n\n`), deps.keepAliveMs ?? STREAM_KEEPALIVE_MS);
  const stop = (shed = false) => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(keepAlive);
    // end() would wait behind the unread bytes; destroy() frees them now.
    if (shed) res.destroy();
    else res.end();
  };
  req.on('close', () => stop());

  // Catch up from the store in pages, yielding between them.
  const since = 'since' in start ? start.since : undefined;
  const catchUp = async () => {
    for (;;) {
      const page = deps.store.list({ afterId: lastSent, since, order: 'asc', limit: CATCH_UP_PAGE });
      for (const e of page) send(e);
      if (page.length < CATCH_UP_PAGE || closed) break;
      await new Promise((r) => setImmediate(r));
    }
    const queued = pending ?? [];
    pending = null;
    for (const e of queued) send(e);
  };
  void catchUp();
}

export function createStreamRouter(deps: StreamDeps): express.Router {
  const r = express.Router();
  r.get(
    '/events/stream',
    wrap((req, res) => {
      const q = parse(filterSchema, req.query, 'query parameter');
      const header = req.headers['last-event-id'];
      const resumeFrom = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
      // Without a cursor, a new stream starts at "now": history is what /api/events is for.
      const afterId = resumeFrom ?? q.after ?? deps.store.maxId();
      open(req, res, deps, { afterId }, q);
    }),
  );
  r.get(
    '/events/replay/:timestamp',
    wrap((req, res) => {
      const since = parse(timeParam('timestamp'), req.params.timestamp, 'timestamp');
      const q = parse(filterSchema.omit({ after: true }), req.query, 'query parameter');
      const header = req.headers['last-event-id'];
      if (typeof header === 'string' && /^\d+$/.test(header)) open(req, res, deps, { afterId: Number(header) }, q);
      else open(req, res, deps, { since }, q);
    }),
  );
  return r;
}
