// Works through the delivery queue: one lane per target, lanes in parallel, each lane in
// order. A lane takes its target's pending deliveries oldest first and does not move past
// one until it is delivered or dead-lettered, so a dev server that comes back receives the
// backlog in the order it arrived. Attempts are recorded in batches on the writer thread;
// a crash before a record is written means the attempt is made again (at least once).
import type { EventStore } from '../store/event-store';
import type { Logger } from '../logger';
import type { EventRecord } from '../../../shared/events';
import { decide, failingTooLong } from './policy';
import type { RetryPolicy } from './policy';
import type { OutboundReads, PendingDelivery } from './reads';
import type { AttemptRecord, TargetRow } from './writes';
import { forwardableHeaders, signedHeaders } from './send';
import type { SendRequest, SendResult, Sender } from './send';

const PAGE = 64;
/** Attempt records waiting for the writer beyond this are dropped from memory (they are retried). */
const MAX_UNRECORDED = 10_000;

export interface DispatcherOptions {
  reads: OutboundReads;
  store: Pick<EventStore, 'raw' | 'get'>;
  write: <T>(op: string, args: unknown) => Promise<T>;
  sender: Pick<Sender, 'send'>;
  policy: RetryPolicy;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Tidings disabled a target (410, or failing too long): tell the person. */
  onTargetDisabled?: (target: { id: number; name: string; url: string }, reason: string) => void;
  /** Something about deliveries changed (for live views). */
  onChange?: () => void;
}

interface Lane {
  id: number;
  cursor: number;
  stopped: boolean;
  /** Set by "retry now": start again from the oldest pending delivery. */
  restart: boolean;
  wake: (() => void) | null;
  /** Waiting for work (not for a retry's delay): new deliveries wake it. */
  idling: boolean;
  /** When the current run of failures began; undefined until read from the target. */
  failingSince: number | null | undefined;
  running: Promise<void>;
  inFlight: number;
}

export function createDispatcher(o: DispatcherOptions) {
  const now = o.now ?? Date.now;
  const lanes = new Map<number, Lane>();
  let closed = false;
  const counters = { attempts: 0, delivered: 0, failed: 0, dead: 0 };

  // Attempt records, written in batches with one write in flight (like the ingest commits).
  let queue: AttemptRecord[] = [];
  let flushing: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    if (flushing) return flushing;
    if (queue.length === 0) return Promise.resolve();
    flushing = (async () => {
      while (queue.length > 0) {
        const batch = queue;
        queue = [];
        try {
          await o.write('outbound.record', batch);
          o.onChange?.();
        } catch (err) {
          o.logger.warn('could not record delivery attempts; they will be made again', { error: String(err), count: batch.length });
          if (queue.length + batch.length <= MAX_UNRECORDED) queue = [...batch, ...queue];
          await new Promise((r) => setTimeout(r, 1000).unref());
          if (closed) break;
        }
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  };
  const record = (r: AttemptRecord) => {
    queue.push(r);
    void flush();
  };

  const sleep = (lane: Lane, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        lane.wake = null;
        resolve();
      }, ms);
      timer.unref();
      lane.wake = () => {
        clearTimeout(timer);
        lane.wake = null;
        resolve();
      };
    });
  const idle = async (lane: Lane) => {
    lane.idling = true;
    try {
      await sleep(lane, 60_000);
    } finally {
      lane.idling = false;
    }
  };

  function requestFor(target: TargetRow, d: PendingDelivery, at: number): SendRequest | string {
    const base = { url: target.url, timeoutMs: o.timeoutMs, allowPrivate: target.allow_private === 1 };
    if (d.kind === 'push') {
      const body = Buffer.from(d.payload ?? []);
      return { ...base, body, headers: { 'content-type': 'application/json', ...signedHeaders(target.secret, d.message_id, body, at) } };
    }
    if (d.event_id === null) return 'the delivery names no event';
    if (d.kind === 'forward') {
      const raw = o.store.raw(d.event_id);
      if (!raw) return `event ${d.event_id} is no longer stored (removed by retention)`;
      const headers = forwardableHeaders(raw.headers);
      headers['content-type'] ??= raw.contentType;
      headers['x-tidings-event-id'] = String(d.event_id);
      headers['x-tidings-source'] = raw.source;
      headers['x-tidings-delivery'] = d.message_id;
      return { ...base, body: raw.body, headers };
    }
    const event: EventRecord | null = o.store.get(d.event_id);
    if (!event) return `event ${d.event_id} is no longer stored (removed by retention)`;
    const body = Buffer.from(JSON.stringify({ id: d.message_id, type: 'tidings.event', subscription_id: d.subscription_id, event }));
    return { ...base, body, headers: { 'content-type': 'application/json', ...signedHeaders(target.secret, d.message_id, body, at) } };
  }

  /** Attempts one delivery until it is settled; false when the lane must stop or restart. */
  async function deliver(lane: Lane, d: PendingDelivery): Promise<boolean> {
    let attempts = d.attempts;
    let due = d.next_attempt_at ?? 0;
    for (;;) {
      if (lane.stopped || lane.restart) return false;
      const wait = due - now();
      if (wait > 0) {
        await sleep(lane, wait);
        continue; // re-check: woken early by "retry now", a target change or shutdown
      }
      const target = o.reads.target(lane.id);
      if (!target || target.enabled !== 1) return false;
      const at = now();
      const request = requestFor(target, d, at);
      let result: SendResult;
      if (typeof request === 'string') {
        result = { status: null, durationMs: 0, error: request, response: null, retryAfter: undefined };
      } else {
        lane.inFlight++;
        try {
          result = await o.sender.send(request);
        } finally {
          lane.inFlight--;
        }
      }
      attempts++;
      counters.attempts++;
      const settledNow = now();
      const decision =
        typeof request === 'string'
          ? ({ kind: 'dead', why: request } as const)
          : decide({ status: result.status, retryAfter: result.retryAfter, attempts, createdAt: d.created_at, now: settledNow, local: target.allow_private === 1 }, o.policy, o.random);
      const ok = decision.kind === 'delivered';
      if (lane.failingSince === undefined) lane.failingSince = target.failing_since;
      const failingSince = ok ? null : (lane.failingSince ?? at);
      lane.failingSince = failingSince;
      let disable: string | null = null;
      if (decision.kind === 'gone') disable = `the receiver answered 410 Gone on ${new Date(at).toISOString()}; re-enable the target once the URL is fixed`;
      else if (!ok && failingTooLong(failingSince, settledNow, o.policy)) {
        disable = `failing without a success since ${new Date(failingSince!).toISOString()}; re-enable it when the receiver is back`;
      }
      const next = decision.kind === 'retry' ? settledNow + decision.delayMs : null;
      record({
        delivery_id: d.id,
        target_id: target.id,
        at,
        status: result.status,
        duration_ms: result.durationMs,
        error: result.error ?? (decision.kind === 'dead' ? decision.why : null),
        response: result.response,
        outcome: ok ? 'delivered' : decision.kind === 'dead' ? 'dead' : decision.kind === 'gone' ? 'held' : 'retry',
        next_attempt_at: next ?? (decision.kind === 'gone' ? settledNow : null),
        disable,
        failing_since: failingSince,
      });
      if (ok) counters.delivered++;
      else counters.failed++;
      if (decision.kind === 'dead') counters.dead++;
      if (disable) {
        await flush();
        o.logger.warn('outbound target disabled', { target: target.name, reason: disable });
        o.onTargetDisabled?.({ id: target.id, name: target.name, url: target.url }, disable);
        return false;
      }
      if (decision.kind !== 'retry') return true;
      due = next!;
    }
  }

  async function run(lane: Lane): Promise<void> {
    while (!lane.stopped && !closed) {
      if (lane.restart) {
        lane.restart = false;
        await flush(); // settled deliveries must be on disk before the lane reads from the start
        lane.cursor = 0;
      }
      const target = o.reads.target(lane.id);
      if (!target) break;
      if (target.enabled !== 1) {
        await idle(lane);
        continue;
      }
      const page = o.reads.pendingPage(lane.id, lane.cursor, PAGE);
      if (page.length === 0) {
        await idle(lane);
        continue;
      }
      for (const d of page) {
        const settled = await deliver(lane, d);
        if (!settled) break;
        lane.cursor = d.id;
      }
    }
  }

  function ensureLane(id: number): Lane {
    let lane = lanes.get(id);
    if (lane) return lane;
    const created: Lane = {
      id,
      cursor: 0,
      stopped: false,
      restart: false,
      wake: null,
      idling: false,
      failingSince: undefined,
      running: Promise.resolve(),
      inFlight: 0,
    };
    lanes.set(id, created);
    created.running = run(created)
      .catch((err: unknown) => o.logger.error('outbound lane failed', { target: id, error: String(err) }))
      .finally(() => {
        if (lanes.get(id) === created) lanes.delete(id);
      });
    return created;
  }

  /** Bring the lanes in line with the targets table and wake them. */
  function refresh(): void {
    if (closed) return;
    const ids = new Set(o.reads.targets().map((t) => t.id));
    for (const [id, lane] of lanes) {
      if (!ids.has(id)) {
        lane.stopped = true;
        lane.wake?.();
      }
    }
    for (const id of ids) {
      const lane = ensureLane(id);
      lane.failingSince = undefined; // re-enabling a target clears its failure clock
      lane.wake?.();
    }
  }

  return {
    start: refresh,
    refresh,
    /** New deliveries may be queued: wake idle lanes. */
    nudge(targetIds?: number[]): void {
      if (closed) return;
      // Only idle lanes: one waiting out a retry delay keeps waiting.
      if (!targetIds) {
        for (const lane of lanes.values()) if (lane.idling) lane.wake?.();
        return;
      }
      for (const id of targetIds) {
        const lane = ensureLane(id);
        if (lane.idling) lane.wake?.();
      }
    },
    /** After "retry now": lanes start again from their oldest pending delivery. */
    restart(targetId?: number): void {
      for (const lane of lanes.values()) {
        if (targetId !== undefined && lane.id !== targetId) continue;
        lane.restart = true;
        lane.wake?.();
      }
    },
    stats() {
      let inFlight = 0;
      for (const lane of lanes.values()) inFlight += lane.inFlight;
      return { ...counters, lanes: lanes.size, in_flight: inFlight, unrecorded: queue.length };
    },
    flush,
    async close(): Promise<void> {
      closed = true;
      for (const lane of lanes.values()) {
        lane.stopped = true;
        lane.wake?.();
      }
      await Promise.all([...lanes.values()].map((l) => l.running));
      await flush();
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
