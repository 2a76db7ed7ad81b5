// Outbound benchmarks against a core in this process and a plain node:http receiver on
// 127.0.0.1 that answers 200 at once: push deliveries/s with one target (one in-order
// lane) and with four (parallel lanes), the delay from sending a webhook to ingest until
// its forward reaches the receiver, and forwards/s at an unthrottled burst. For scale, the
// same receiver's requests/s from a bare keep-alive client in this process, measured in
// the same run; the core, the receiver and the load share this process's event loop.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, startTestCore, tempDir } from '../test/helpers/core';
import type { TestCore } from '../test/helpers/core';
import { percentile, runLoad } from './load';
import type { LoadResult } from './load';

interface Receiver {
  url(pathname: string): string;
  port: number;
  /** Requests that reached a path so far. */
  count(pathname: string): number;
  /** When the latest request arrived (performance.now()). */
  last(): number;
  /** Hold every answer until release(), so a backlog can build up behind the lanes. */
  hold(): void;
  release(): void;
  onRequest: ((req: http.IncomingMessage, at: number) => void) | null;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const counts = new Map<string, number>();
  let last = 0;
  let held: Array<() => void> | null = null;
  const server = http.createServer((req, res) => {
    const at = performance.now();
    last = at;
    counts.set(req.url ?? '', (counts.get(req.url ?? '') ?? 0) + 1);
    receiver.onRequest?.(req, at);
    req.resume();
    req.on('end', () => {
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      if (held) held.push(answer);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    port,
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    count: (pathname) => counts.get(pathname) ?? 0,
    last: () => last,
    hold: () => void (held ??= []),
    release() {
      const answers = held ?? [];
      held = null;
      for (const answer of answers) answer();
    },
    onRequest: null,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`outbound bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function createTarget(core: TestCore, spec: { name: string; url: string; mode: 'push' | 'forward'; sources?: string[] }) {
  const res = await api(core, 'POST', '/api/targets', { ...spec, allow_private: true });
  if (res.status !== 201) throw new Error(`outbound bench: creating target ${spec.name} got ${res.status} ${JSON.stringify(res.body)}`);
}

async function removeTargets(core: TestCore, names: string[]) {
  for (const name of names) await api(core, 'DELETE', `/api/targets/${name}`);
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { n: xs.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};

export interface PushResult {
  targets: number;
  queued: number;
  queue_per_second: number;
  delivered: number;
  drain_seconds: number;
  perSecond: number;
  /** From releasing the receiver until every attempt was on disk (GET /api/targets says so). */
  recorded_seconds: number;
}

/**
 * Push deliveries/s: the receiver holds its answers while messages are queued through
 * POST /api/push, so each lane waits on its first delivery with the rest pending behind
 * it; then it lets go, and the drain of that backlog is timed at the receiver.
 */
async function benchPush(core: TestCore, receiver: Receiver, targets: number, queueSeconds: number): Promise<PushResult> {
  const names = Array.from({ length: targets }, (_, i) => `push-${targets}-${i}`);
  for (const name of names) await createTarget(core, { name, url: receiver.url(`/${name}`), mode: 'push' });
  const total = () => names.reduce((n, name) => n + receiver.count(`/${name}`), 0);
  receiver.hold();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${core.token}` };
  const queued = await runLoad({
    port: core.runtime.control_port,
    path: '/api/push',
    concurrency: 16,
    seconds: queueSeconds,
    request: (i) => ({ headers, body: Buffer.from(JSON.stringify({ message: `bench message ${i} ${crypto.randomUUID()}` })) }),
  });
  if (queued.errors > 0) throw new Error(`outbound bench: ${queued.errors} of ${queued.requests} pushes failed`);
  const expected = queued.requests * targets;
  const before = total();
  const released = performance.now();
  receiver.release();
  await until(`${expected} push deliveries`, () => total() >= expected);
  const drained = receiver.last();
  const delivered = total() - before;
  for (;;) {
    const { body } = await api<{ targets: Array<{ name: string; pending: number }> }>(core, 'GET', '/api/targets');
    const pending = body.targets.filter((t) => names.includes(t.name)).reduce((n, t) => n + t.pending, 0);
    if (pending === 0) break;
    if (performance.now() - drained > 60_000) throw new Error(`outbound bench: ${pending} push deliveries still pending a minute after the last arrived`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const recorded = performance.now();
  if (total() !== expected) throw new Error(`outbound bench: ${total()} push deliveries arrived, expected ${expected}`);
  await removeTargets(core, names);
  const drainSeconds = (drained - released) / 1000;
  return {
    targets,
    queued: queued.requests,
    queue_per_second: queued.perSecond,
    delivered,
    drain_seconds: drainSeconds,
    perSecond: delivered / drainSeconds,
    recorded_seconds: (recorded - released) / 1000,
  };
}

/** One webhook to ingest, with a sequence number the forward carries back in its headers. */
function sendWebhook(agent: http.Agent, core: TestCore, source: string, seq: number): Promise<{ status: number; ackedAt: number }> {
  return new Promise((resolve) => {
    const body = Buffer.from(JSON.stringify({ type: 'bench.tick', seq, nonce: crypto.randomUUID() }));
    const req = http.request(
      {
        host: '127.0.0.1',
        port: core.runtime.ingest_port,
        path: `/webhooks/${source}`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-bench-seq': String(seq) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ackedAt: performance.now() }));
      },
    );
    req.on('error', () => resolve({ status: 0, ackedAt: performance.now() }));
    req.end(body);
  });
}

/**
 * Ingest → forward delay: webhooks sent at a steady rate (paced, not closed-loop); each
 * one's delay is its forward's arrival at the receiver minus the moment it was sent.
 */
async function benchForwardDelay(core: TestCore, receiver: Receiver, seconds: number, rate: number) {
  await createTarget(core, { name: 'forward-steady', url: receiver.url('/forward-steady'), mode: 'forward', sources: ['steady'] });
  const sentAt: number[] = [];
  const delays: number[] = [];
  receiver.onRequest = (req, at) => {
    if (req.url === '/forward-steady') delays.push(at - sentAt[Number(req.headers['x-bench-seq'])]!);
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const pending: Array<Promise<{ status: number; ackedAt: number }>> = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (sentAt.length < due) {
      const seq = sentAt.length;
      sentAt.push(performance.now());
      pending.push(sendWebhook(agent, core, 'steady', seq));
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const answers = await Promise.all(pending);
  const achieved = sentAt.length / ((performance.now() - started) / 1000);
  const errors = answers.filter((a) => a.status !== 200).length;
  if (errors > 0) throw new Error(`outbound bench: ${errors} of ${answers.length} webhooks were refused`);
  await until(`${answers.length} forwards`, () => delays.length >= answers.length);
  receiver.onRequest = null;
  agent.destroy();
  // The ingest answer's own latency, for context: the rest of the delay is the dispatcher's.
  const ack = stats(answers.map((a, seq) => a.ackedAt - sentAt[seq]!));
  return { rate: achieved, ...stats(delays), ack_p50: ack.p50, ack_p99: ack.p99 };
}

/** Forwards/s while webhooks arrive as fast as 50 closed-loop senders can send them. */
async function benchForwardBurst(core: TestCore, receiver: Receiver, seconds: number) {
  await createTarget(core, { name: 'forward-burst', url: receiver.url('/forward-burst'), mode: 'forward', sources: ['burst'] });
  const started = performance.now();
  const ingest = await runLoad({
    port: core.runtime.ingest_port,
    path: '/webhooks/burst',
    concurrency: 50,
    seconds,
    request: (i) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ type: 'bench.burst', i, nonce: crypto.randomUUID() })) }),
  });
  const ingestDone = performance.now();
  const forwardedDuring = receiver.count('/forward-burst');
  if (ingest.errors > 0) throw new Error(`outbound bench: ${ingest.errors} of ${ingest.requests} burst webhooks were refused`);
  await until(`${ingest.requests} burst forwards`, () => receiver.count('/forward-burst') >= ingest.requests, 120_000);
  const last = receiver.last();
  const forwarded = receiver.count('/forward-burst');
  return {
    webhooks: ingest.requests,
    ingest_per_second: ingest.perSecond,
    forwarded,
    /** From the first webhook sent to the last forward received. */
    perSecond: forwarded / ((last - started) / 1000),
    /** How long after the last webhook was acknowledged its forward arrived (the backlog). */
    lag_seconds: (last - ingestDone) / 1000,
    /** The backlog's pace once ingest stopped: the forward lane without ingest beside it. */
    drain_per_second: (forwarded - forwardedDuring) / ((last - ingestDone) / 1000),
  };
}

/** The receiver's own pace: a bare keep-alive client posting a push-sized body. */
function baseline(receiver: Receiver, concurrency: number, seconds: number): Promise<LoadResult> {
  const body = Buffer.from(JSON.stringify({ id: `msg_${crypto.randomBytes(12).toString('base64url')}`, message: 'bench message 12345', timestamp: new Date().toISOString() }));
  return runLoad({ port: receiver.port, path: '/baseline', concurrency, seconds, request: () => ({ headers: { 'content-type': 'application/json' }, body }) });
}

export async function benchOutbound(seconds: number, forwardRate = 200) {
  const dataDir = tempDir('tidings-bench-outbound-');
  const receiver = await startReceiver();
  let core: TestCore | null = null;
  const short = Math.max(1, seconds / 5);
  const queue = Math.max(1, seconds / 3);
  try {
    // Held answers must outlast the queueing phase, or the first delivery would be retried.
    core = await startTestCore({ dataDir, rateLimit: { perSecond: 1e6, burst: 1e6 }, outbound: { timeoutMs: 120_000 } });
    const base1 = await baseline(receiver, 1, short);
    const base4 = await baseline(receiver, 4, short);
    const one = await benchPush(core, receiver, 1, queue);
    const four = await benchPush(core, receiver, 4, queue);
    const steady = await benchForwardDelay(core, receiver, seconds, forwardRate);
    const burst = await benchForwardBurst(core, receiver, Math.max(1, seconds / 2));
    return {
      baseline: { one: base1, four: base4 },
      push: { one, four, ratio_one: one.perSecond / base1.perSecond, ratio_four: four.perSecond / base4.perSecond },
      forward: { steady, burst, ratio_drain: burst.drain_per_second / base1.perSecond },
    };
  } finally {
    await core?.close();
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
