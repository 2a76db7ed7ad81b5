// Starts the core: takes the data directory, opens the store, and brings up the two
// listeners. The same function runs headless (`tidings serve`) and inside the Electron
// main process; it imports nothing from Electron.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { CoreConfig } from './config';
import { acquireLock, loadOrCreateToken, paths, removeRuntime, writeRuntime } from './data-dir';
import type { RuntimeInfo } from './data-dir';
import { createEventBus } from './event-bus';
import type { EventBus } from './event-bus';
import type { Health, StoreProblem } from './health';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { createFileSecretBackend, createSecrets } from './secrets';
import type { SecretBackend, Secrets } from './secrets';
import { createEventStore } from './store/event-store';
import type { EventStore } from './store/event-store';
import { createGroupCommitter } from './store/group-commit';
import { startWriter } from './store/writer';
import type { Writer } from './store/writer';
import { createReceiver } from './webhooks/receiver';
import { createRateLimiter } from './webhooks/rate-limit';
import { providerFor } from './webhooks/providers';
import { triggerDelivery } from './webhooks/catalog';
import { createOriginGuard, createTokenGuard } from './api/guard';
import { createApiRouter } from './api/router';
import { apiErrorHandler, apiFallback } from './api/validate';
import { createActivityRouter } from './api/activity-routes';
import { createClientsRouter } from './api/clients-routes';
import { createDashboardRouter, createLoginCodes, defaultStaticDir } from './api/dashboard';
import { createStreamRouter } from './api/stream';
import { createArchiveRouter } from './api/archive-routes';
import { clientEnvFromProcess } from '../clients/paths';
import type { McpLaunch } from '../clients/launch';
import { VERSION } from './version';
import { createDomainQueries } from './domain/queries';
import { createDerivedReader } from './domain/derived-of-event';
import type { DomainQueries } from './domain/queries';
import { createMcpHttp } from './mcp/http';
import { createSubscriptionRegistry } from './mcp/subscriptions';
import type { SubscriptionRegistry } from './mcp/subscriptions';
import Database from 'better-sqlite3';
import { createOutbound } from './outbound/service';
import type { Outbound } from './outbound/service';
import { createOutboundRouter } from './api/outbound-routes';

export interface StartCoreOptions {
  config: CoreConfig;
  /** `serve` when headless, `app` inside the tray app. */
  mode: 'serve' | 'app';
  logger?: Logger;
  /** Where secrets live; defaults to the 0600 file in the data directory. */
  secretBackend?: SecretBackend;
  env?: NodeJS.ProcessEnv;
  /** How AI clients launch the stdio bridge, for the dashboard's Connect buttons. */
  clientLaunch?: McpLaunch | null;
  /** The built renderer; defaults to dist/renderer. */
  staticDir?: string;
  /** Name resolution for outbound delivery; tests play a DNS name that points at a private address. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface Core {
  config: CoreConfig;
  token: string;
  runtime: RuntimeInfo;
  /** Reads only: every write goes through `writer`, on its own thread. */
  store: EventStore;
  /** A read-only connection, for queries that have no store method yet. */
  db: Database.Database;
  writer: Writer;
  queries: DomainQueries;
  subscriptions: SubscriptionRegistry;
  outbound: Outbound;
  bus: EventBus;
  secrets: Secrets;
  logger: Logger;
  health(): Health;
  /** A fresh one-time link that signs a browser in to the dashboard. */
  dashboardLink(): string;
  /** Stop accepting, finish in-flight commits, close the database, remove runtime.json. */
  close(): Promise<void>;
}

class ListenError extends Error {}

function listen(server: http.Server, host: string, port: number, what: string, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new ListenError(`core: the ${what} port ${port} on ${host} is already in use by another program; choose another with ${flag}`));
      } else if (err.code === 'EACCES') {
        reject(new ListenError(`core: not allowed to listen on ${host}:${port} for the ${what}; choose a port above 1024 with ${flag}`));
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Requests that never reach express (headers too large, broken HTTP, too slow) still get
 * an answer that says what was wrong, rather than Node's bare status line.
 */
function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const [status, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are larger than 16 KiB']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'the request took too long to arrive (headers within 10 s, the whole request within 30 s)']
          : [400, `the request is not well-formed HTTP (${err.code ?? 'parse error'})`];
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      const body = JSON.stringify({ status, error: message });
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });
}

function memoryFigures(): Pick<Health, 'rss_bytes' | 'heap_bytes' | 'external_bytes'> {
  const m = process.memoryUsage();
  return { rss_bytes: m.rss, heap_bytes: m.heapUsed, external_bytes: m.external };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests in flight get a moment to finish (their commits are awaited below).
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}

export async function startCore(options: StartCoreOptions): Promise<Core> {
  const { config } = options;
  const env = options.env ?? process.env;
  const p = paths(config.dataDir);
  const release = acquireLock(config.dataDir);
  const logger = options.logger ?? createLogger({ dir: p.logs, stderr: true });
  const cleanups: Array<() => void | Promise<void>> = [release];
  try {
    const token = loadOrCreateToken(config.dataDir);
    const writer = await startWriter(p.db, config.retention, logger);
    cleanups.unshift(() => writer.close());
    const storeWarning = writer.movedAside
      ? `the database was unreadable and was moved to ${writer.movedAside}; Tidings started with a new, empty database`
      : null;
    if (storeWarning) logger.error(storeWarning);
    const db = new Database(p.db, { readonly: true, fileMustExist: true });
    cleanups.unshift(() => {
      db.close();
    });

    const store = createEventStore(db);
    const bus = createEventBus();
    let storeProblem: StoreProblem | null = null;
    const committer = createGroupCommitter({
      append: (items) => writer.append(items),
      onCommitted: (results) => bus.publish(results.map((r) => r.record!)),
    });
    const secrets = createSecrets(options.secretBackend ?? createFileSecretBackend(p.secrets), env);
    const startedAt = Date.now();

    const receiver = createReceiver({
      recordRejection: (r) => writer.recordRejection(r),
      committer,
      secrets,
      limiter: createRateLimiter(config.rateLimit.perSecond, config.rateLimit.burst),
      logger,
      maxBodyBytes: config.maxBodyBytes,
      version: VERSION,
      onStoreError: (err) => {
        const e = err as { code?: string; message?: string };
        storeProblem ??= { code: e.code ?? 'unknown', message: e.message ?? String(err), since: new Date().toISOString() };
      },
      onStoreOk: () => {
        if (storeProblem) logger.info('store writable again', { after: storeProblem.code });
        storeProblem = null;
      },
    });
    // Idle and half-sent connections are checked every 2 s, so a slowloris sender is cut
    // off soon after headersTimeout rather than at Node's default 30 s sweep.
    const ingestServer = http.createServer({ connectionsCheckingInterval: 2000 }, receiver);
    answerClientErrors(ingestServer);
    // Slow senders must not pin sockets forever (slowloris); providers send fast.
    ingestServer.requestTimeout = 30_000;
    ingestServer.headersTimeout = 10_000;
    const ingestPort = await listen(ingestServer, config.host, config.ingestPort, 'ingest', '--port or TIDINGS_PORT');
    cleanups.unshift(() => closeServer(ingestServer));

    const ingestUrl = `http://${config.host}:${ingestPort}`;
    let controlPort = config.controlPort;
    const control = express();
    control.disable('x-powered-by');
    control.use(createOriginGuard(() => controlPort));
    const dbBytes = () => {
      let total = 0;
      for (const f of [p.db, `${p.db}-wal`]) {
        try {
          total += fs.statSync(f).size;
        } catch {
          // no WAL yet
        }
      }
      return total;
    };
    let outboundHealth = (): Health['outbound'] => ({ targets: 0, enabled: 0, pending: 0, dead: 0 });
    const health = (): Health => ({
      status: storeProblem || storeWarning ? 'degraded' : 'ok',
      version: VERSION,
      pid: process.pid,
      started_at: new Date(startedAt).toISOString(),
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      data_dir: config.dataDir,
      ingest_url: ingestUrl,
      control_url: `http://${config.host}:${controlPort}`,
      events: store.count(),
      last_event_id: store.maxId(),
      db_bytes: dbBytes(),
      ...memoryFigures(),
      writer_heap_bytes: writer.heapBytes(),
      store_problem: storeProblem,
      store_warning: storeWarning,
      secrets_backend: secrets.describe(),
      commits: committer.stats(),
      outbound: outboundHealth(),
    });
    const webhookUrl = (source: string) => `${config.publicUrl?.replace(/\/$/, '') ?? ingestUrl}/webhooks/${source}`;
    const sendTest = async (source: string, type?: string) => {
      const secret = secrets.forSource(source)[0] ?? null;
      const sample = type === undefined ? providerFor(source).sample(secret, Date.now()) : triggerDelivery(source, type, secret, Date.now());
      const res = await fetch(`${ingestUrl}/webhooks/${source}`, {
        method: 'POST',
        headers: sample.headers,
        body: sample.body,
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      return { status: res.status, body };
    };
    const tokenGuard = createTokenGuard(token);
    const queries = createDomainQueries(db);
    const write = <T>(op: string, args: unknown) => writer.call<T>(op, args);
    const subscriptions = createSubscriptionRegistry({ db, write });
    cleanups.unshift(() => subscriptions.close());
    bus.subscribe((e) => subscriptions.onEvent(e));
    const outbound = createOutbound({
      db,
      store,
      write,
      ingest: (item) => committer.submit(item),
      logger,
      policy: config.outbound.policy,
      timeoutMs: config.outbound.timeoutMs,
      userAgent: `Tidings/${VERSION} (+webhook delivery)`,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    cleanups.unshift(() => outbound.close());
    outboundHealth = () => {
      const targets = outbound.targets();
      const sum = (k: 'pending' | 'dead') => targets.reduce((n, t) => n + t[k], 0);
      return { targets: targets.length, enabled: targets.filter((t) => t.enabled).length, pending: sum('pending'), dead: sum('dead') };
    };
    // Forwards and subscription deliveries are queued in the events' own transaction.
    bus.subscribe(() => outbound.nudge());
    const mcp = createMcpHttp({
      deps: { store, queries, bus, health, ingest: (item) => committer.submit(item), write, subscriptions, outbound, version: VERSION },
      logger,
      idleMs: config.mcpSessionIdleMs,
    });
    cleanups.unshift(() => mcp.close());
    const codes = createLoginCodes();
    const dashboardLink = () => `http://${config.host}:${controlPort}/login?code=${codes.issue()}`;

    control.use(
      '/api',
      tokenGuard,
      // Before the general 256 KiB parser: an import carries whole exported bodies.
      createArchiveRouter({ ingest: (item) => committer.submit(item) }),
      express.json({ limit: '256kb' }),
      createStreamRouter({ store, bus }),
      createActivityRouter({ store, queries, write, resourceChanged: mcp.deps.resourceChanged }),
      createClientsRouter({
        env: clientEnvFromProcess(env),
        launch: options.clientLaunch ?? null,
        mcpUrl: () => `http://${config.host}:${controlPort}/mcp`,
        token,
      }),
      createApiRouter({ store, secrets, health, webhookUrl, sendTest, dashboardLink, derived: createDerivedReader(db) }),
      createOutboundRouter(outbound),
      apiFallback,
      apiErrorHandler,
    );
    control.use('/mcp', tokenGuard, mcp.router);
    control.use(createDashboardRouter({ token, codes, staticDir: options.staticDir ?? defaultStaticDir() }));

    const controlServer = http.createServer({ connectionsCheckingInterval: 2000 }, control);
    controlServer.headersTimeout = 10_000;
    answerClientErrors(controlServer);
    // wait_for_event holds a request open for up to 300 s; local clients only, so no cap.
    controlServer.requestTimeout = 0;
    controlPort = await listen(controlServer, config.host, config.controlPort, 'control', '--control-port or TIDINGS_CONTROL_PORT');
    cleanups.unshift(() => closeServer(controlServer));

    const controlUrl = `http://${config.host}:${controlPort}`;
    const runtime: RuntimeInfo = {
      pid: process.pid,
      version: VERSION,
      started_at: new Date(startedAt).toISOString(),
      data_dir: config.dataDir,
      host: config.host,
      ingest_port: ingestPort,
      control_port: controlPort,
      ingest_url: ingestUrl,
      control_url: controlUrl,
      mcp_url: `${controlUrl}/mcp`,
      dashboard_url: `${controlUrl}/`,
      mode: options.mode,
    };
    writeRuntime(config.dataDir, runtime);

    outbound.start();
    void writer.call('retention').catch((err: unknown) => logger.warn('retention failed', { error: String(err) }));

    let closing: Promise<void> | null = null;
    const close = () => {
      closing ??= (async () => {
        logger.info('core stopping');
        // Order: stop taking requests, let in-flight commits finish, then close the file.
        await mcp.close();
        await Promise.all([closeServer(ingestServer), closeServer(controlServer)]);
        await outbound.close();
        await committer.close();
        await subscriptions.close();
        db.close();
        await writer.close();
        removeRuntime(config.dataDir);
        release();
        logger.info('core stopped');
        logger.close();
      })();
      return closing;
    };
    logger.info('core started', { ingest: ingestUrl, control: controlUrl, data_dir: config.dataDir, mode: options.mode });
    return { config, token, runtime, store, db, writer, queries, subscriptions, outbound, bus, secrets, logger, health, dashboardLink, close };
  } catch (err) {
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch {
        // keep unwinding
      }
    }
    throw err;
  }
}
