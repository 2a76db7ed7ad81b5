// `tidings mcp`: the stdio bridge that Claude Desktop (and other stdio clients) launch. It
// forwards every JSON-RPC message between stdin/stdout and the running core's /mcp, both
// ways, notifications included, in either protocol revision: the core's /mcp tells them
// apart, and the HTTP transport sets the 2026 headers from each message's own envelope.
// It starts a core when none runs, and when the core restarts under it, it reconnects and
// replays what the client had set up, so the client never notices: the 2025 handshake and
// resource subscriptions, or the 2026 subscriptions/listen requests still open. A
// notifications/cancelled from the client aborts the forwarded request (closing its HTTP
// stream is how a 2026 server learns of it). stdout belongs to the protocol: logs go to stderr.
//
// This module must stay light: no better-sqlite3, no express (a test checks its bundle).
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { paths, readRuntime, readToken } from '../core/data-dir';
import type { RuntimeInfo } from '../core/data-dir';
import { runtimeUrlProblem, verifyCoreIdentity } from '../core/core-identity';
import { ensurePrivateDir } from '../core/private-file';

export interface BridgeOptions {
  dataDir: string;
  /** Starts a core in the background; the bridge then waits for its runtime.json. */
  startCore?: (dataDir: string) => void;
  startTimeoutMs?: number;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  log?: (message: string) => void;
}

type Msg = JSONRPCMessage & { id?: string | number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown };

const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const SUBSCRIPTION_ID_KEY = 'io.modelcontextprotocol/subscriptionId';

/** A 2026 message carries its protocol version in its own _meta; a 2025 one never does. */
const isModern = (m: Msg) => typeof (m.params?._meta as Record<string, unknown> | undefined)?.[PROTOCOL_VERSION_KEY] === 'string';
const isResponse = (m: Msg) => m.method === undefined && m.id !== undefined && ('result' in m || 'error' in m);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start `tidings serve` detached, logging to the data directory, as this very CLI. */
export function spawnServe(dataDir: string): void {
  // Explicit modes as well as the umask: the bridge may be the first to create the directory.
  ensurePrivateDir(dataDir);
  fs.mkdirSync(paths(dataDir).logs, { recursive: true, mode: 0o700 });
  const log = fs.openSync(path.join(paths(dataDir).logs, 'serve-from-bridge.log'), 'a', 0o600);
  const script = process.argv[1]!;
  const child = spawn(process.execPath, [...process.execArgv, script, 'serve', '--data-dir', dataDir], {
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  fs.closeSync(log);
}

async function findOrStartCore(o: Required<Pick<BridgeOptions, 'dataDir' | 'startTimeoutMs'>> & BridgeOptions, log: (m: string) => void) {
  let runtime = readRuntime(o.dataDir);
  if (!runtime && o.startCore) {
    log(`no Tidings core is running on ${o.dataDir}; starting one`);
    o.startCore(o.dataDir);
    const deadline = Date.now() + o.startTimeoutMs;
    // Start-up only: wait for the new core to write runtime.json and answer.
    while (Date.now() < deadline) {
      runtime = readRuntime(o.dataDir);
      if (runtime && !runtimeUrlProblem(runtime) && (await fetch(`${runtime.ingest_url}/health`).then((r) => r.ok, () => false))) break;
      runtime = null;
      await sleep(100);
    }
  }
  const token = readToken(o.dataDir);
  if (!runtime || !token) {
    throw new Error(`no Tidings core is running on ${o.dataDir}${o.startCore ? ` and none started within ${o.startTimeoutMs / 1000} s (see ${paths(o.dataDir).logs})` : ''}`);
  }
  // The token goes only to a loopback core that proves it is the one runtime.json names.
  await verifyCoreIdentity(runtime, token);
  return { runtime, token };
}

export async function runBridge(options: BridgeOptions): Promise<void> {
  const o = { startTimeoutMs: 10_000, ...options };
  const log = o.log ?? ((m: string) => process.stderr.write(`tidings mcp: ${m}\n`));
  const stdio = new StdioServerTransport(o.stdin as never, o.stdout as never);
  let upstream: StreamableHTTPClientTransport | null = null;
  let connecting: Promise<StreamableHTTPClientTransport> | null = null;
  let initialize: Msg | null = null;
  const subscribed = new Set<string>();
  /** Requests forwarded and not yet answered, so a client's cancellation can abort them. */
  const inflight = new Map<string | number, AbortController>();
  /** 2026 subscriptions/listen requests still open, by id: re-sent to a restarted core. */
  const listens = new Map<string | number, Msg>();
  /** Listens re-sent to a new core: their second acknowledgement is not the client's news. */
  const relistened = new Set<string | number>();
  let internalId = 0;
  const internal = new Map<string, (m: Msg) => void>();
  let closed = false;

  /** A request of the bridge's own (replays after a reconnect), answered to us, not the client. */
  const ask = (t: StreamableHTTPClientTransport, method: string, params: unknown) =>
    new Promise<Msg>((resolve, reject) => {
      const id = `tidings-bridge-${++internalId}`;
      internal.set(id, resolve);
      t.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage).catch(reject);
    });

  async function connect(replay: boolean): Promise<StreamableHTTPClientTransport> {
    const { runtime, token } = await findOrStartCore(o, log);
    const t = new StreamableHTTPClientTransport(new URL(runtime.mcp_url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    t.onmessage = (raw) => {
      const m = raw as Msg;
      const id = m.id;
      const mine = typeof id === 'string' ? internal.get(id) : undefined;
      if (mine) {
        internal.delete(id as string);
        mine(m);
        return;
      }
      if (id !== undefined && isResponse(m)) {
        inflight.delete(id);
        if (listens.has(id) && 'result' in m) {
          // The core ended the stream itself, which it does only when it stops: keep the
          // listen for the next core rather than tell the client it is over.
          reconnectSoon(t);
          return;
        }
        listens.delete(id);
      }
      if (m.method === 'notifications/subscriptions/acknowledged') {
        const sub = (m.params?._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION_ID_KEY];
        if ((typeof sub === 'string' || typeof sub === 'number') && relistened.delete(sub)) return;
      }
      void stdio.send(m).catch(() => undefined);
    };
    t.onerror = (err) => {
      if (closed) return;
      log(`connection to the core: ${err.message}`);
      // The notification stream broke (the core stopped or restarted): reconnect now
      // rather than at the client's next request, so notifications keep flowing.
      reconnectSoon(t);
    };
    await t.start();
    if (replay && initialize) {
      await ask(t, 'initialize', initialize.params);
      await t.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
      for (const uri of subscribed) await ask(t, 'resources/subscribe', { uri });
      log(`reconnected to the core at ${describe(runtime)}`);
    }
    if (replay && listens.size > 0) {
      for (const [id, m] of listens) {
        relistened.add(id);
        await t.send(m, { requestSignal: track(id) });
      }
      log(`reconnected to the core at ${describe(runtime)}; ${listens.size} listen request(s) re-sent`);
    }
    return t;
  }

  /**
   * The core went away under an open stream: reconnect now rather than at the client's next
   * request, so notifications keep flowing. A core that is still shutting down refuses the
   * replay, so try a few times, further apart each time.
   */
  function reconnectSoon(t: StreamableHTTPClientTransport): void {
    if (upstream !== t) return;
    upstream = null;
    void (async () => {
      for (let attempt = 1; attempt <= 20; attempt++) {
        await sleep(500 * Math.min(attempt, 6));
        if (closed || upstream) return;
        if (connecting) {
          await connecting.catch(() => undefined);
          continue;
        }
        if (await ensure(true).then(() => true, () => false)) return;
      }
    })();
  }

  /** A fresh abort signal for a forwarded request (replacing one from an earlier core). */
  function track(id: string | number): AbortSignal {
    const controller = new AbortController();
    inflight.set(id, controller);
    return controller.signal;
  }

  function ensure(replay: boolean): Promise<StreamableHTTPClientTransport> {
    if (upstream) return Promise.resolve(upstream);
    connecting ??= connect(replay)
      .then((t) => (upstream = t))
      .finally(() => {
        connecting = null;
      });
    return connecting;
  }

  const forward = async (m: Msg) => {
    if (m.method === 'initialize') initialize = m;
    if (m.method === 'resources/subscribe' && typeof m.params?.uri === 'string') subscribed.add(m.params.uri);
    if (m.method === 'resources/unsubscribe' && typeof m.params?.uri === 'string') subscribed.delete(m.params.uri);
    if (m.method === 'notifications/cancelled') {
      const id = m.params?.requestId;
      if (typeof id === 'string' || typeof id === 'number') {
        listens.delete(id);
        inflight.get(id)?.abort();
        inflight.delete(id);
      }
      // A 2026 server learns of it from the closed stream; a 2025 session is told as well.
      if (isModern(m) || !initialize) return;
    }
    const options = m.method !== undefined && m.id !== undefined ? { requestSignal: track(m.id) } : undefined;
    const replay = m.method !== 'initialize';
    // Kept once sent, not before: a reconnect in between would re-send it twice.
    const sent = () => {
      if (m.method === 'subscriptions/listen' && m.id !== undefined) listens.set(m.id, m);
    };
    try {
      await (await ensure(replay)).send(m, options);
      sent();
    } catch (first) {
      // The core may have restarted (refused connection, or it no longer knows our session).
      upstream = null;
      try {
        await (await ensure(replay)).send(m, options);
        sent();
      } catch (err) {
        log(`could not forward ${m.method ?? 'a response'}: ${(err as Error).message} (first try: ${(first as Error).message})`);
        if (m.id !== undefined && m.method) {
          await stdio.send({ jsonrpc: '2.0', id: m.id, error: { code: -32000, message: `Tidings core unreachable: ${(err as Error).message}` } } as JSONRPCMessage);
        }
      }
    }
  };

  // Keep the client's order: one message at a time toward the core.
  let chain = Promise.resolve();
  stdio.onmessage = (m) => {
    chain = chain.then(() => forward(m as Msg));
  };

  const done = new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      void chain
        .then(async () => {
          await upstream?.terminateSession().catch(() => undefined);
          await upstream?.close().catch(() => undefined);
        })
        .finally(resolve);
    };
    (o.stdin ?? process.stdin).on('end', finish);
    (o.stdin ?? process.stdin).on('close', finish);
    stdio.onclose = finish;
  });
  await stdio.start();
  // Connect early so the first request does not pay for starting a core.
  await ensure(false).catch((err: unknown) => log((err as Error).message));
  await done;
}

function describe(r: RuntimeInfo): string {
  return `${r.control_url} (pid ${r.pid})`;
}
