// Starts the core: takes the data directory, opens the store, and brings up the two
// listeners. The same function runs headless (`tidings serve`) and inside the Electron
// main process; it imports nothing from Electron.
import crypto from 'node:crypto';
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
import { refuseUnreadableFraming } from './http-framing';
import { createIngestLimiter } from './webhooks/rate-limit';
import { createSourceGate } from './webhooks/source-gate';
import { providerFor } from './webhooks/providers';
import { authKind, createAuthGuard, createOriginGuard } from './api/guard';
import { createSessionStore } from './api/sessions';
import type { SessionStore } from './api/sessions';
import { challengePattern, identityProof, IDENTIFY_PATH } from './core-identity';
import { createPrivateFile, tightenPrivateFile } from './private-file';
import { triggerDelivery } from './webhooks/catalog';
import { createApiRouter } from './api/router';
import { apiErrorHandler, apiFallback } from './api/validate';
import { createActivityRouter } from './api/activity-routes';
import { createClientsRouter } from './api/clients-routes';
import { createDashboardRouter, createLoginCodes, createSignOutRouter, defaultStaticDir } from './api/dashboard';
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
import { createTunnelRouter } from './api/tunnel-routes';
import { createTunnelManager } from './tunnel/manager';
import type { TunnelManager } from './tunnel/manager';
import type { TunnelDriver } from './tunnel/driver';
import { createNgrokDriver } from './tunnel/ngrok-driver';
import { checkReachable } from './tunnel/reachability';
import { createTunnelSettingsFile } from './tunnel/settings';
import type { PublicUrl } from './tunnel/public-url';
import { webhookUrlFor } from './tunnel/public-url';

/** The secret store's name for the ngrok authtoken. */
export const NGROK_AUTHTOKEN_CREDENTIAL = 'ngrok-authtoken';
import { createLinks } from './links/service';
import type { Links } from './links/service';
import { createLinkReads } from './links/link-store';
import { createGithubLinks, DEFAULT_GITHUB_API_URL } from './links/github';
import { createStripeLinks, DEFAULT_STRIPE_API_URL } from './links/stripe';
import { createLinksRouter } from './api/links-routes';

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
  /** The tunnel provider for ngrok mode; defaults to @ngrok/ngrok (tests use a stand-in, or point it at a closed port). */
  tunnelDriver?: TunnelDriver;
  /** The public URL as links and health see it; defaults to the tunnel manager (tests move their own). */
  publicUrl?: PublicUrl;
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
  links: Links;
  bus: EventBus;
  secrets: Secrets;
  logger: Logger;
  /** The public URL providers post to (read it, listen for changes). */
  publicUrl: PublicUrl;
  /** The same, with the controls: set, check, close. */
  tunnel: TunnelManager;
  /** This start's random id, given in the ingest listener's /health answer. */
  instance: string;
  health(): Health;
  /** A fresh one-time link that signs a browser in to the dashboard. */
  dashboardLink(): string;
  /** Dashboard sessions (the cookie's credential). */
  sessions: SessionStore;
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
function answerClientErrors(server: http.Server, requestTimeoutMs: number, answerStalledBodies = false): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const [status, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are larger than 16 KiB']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, `the request took too long to arrive (headers within 10 s, the whole request within ${Math.round(requestTimeoutMs / 1000)} s)`]
          : [400, `the request is not well-formed HTTP (${err.code ?? 'parse error'})`];
    const pending = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (answerStalledBodies && pending && status === 408 && !pending.headersSent && socket.writable) {
      // The body stalled after the headers: the route already has its response object, which
      // can still say why before the connection closes.
      pending.shouldKeepAlive = false;
      pending.writeHead(408, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ status, error: message }));
      return;
    }
    if (socket.writable && !pending) {
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
  const cleanups: Array<() => void | Promise<void>> = [release];
  try {
    const logger = options.logger ?? createLogger({ dir: p.logs, stderr: true });
    const token = loadOrCreateToken(config.dataDir);
    // SQLite gives the WAL and SHM files the database file's mode, so a 0600 database keeps
    // all three private whatever umask started this process.
    createPrivateFile(p.db);
    for (const f of [`${p.db}-wal`, `${p.db}-shm`, `${p.logs}/tidings.log`]) tightenPrivateFile(f);
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
    const instance = crypto.randomUUID();

    const receiver = createReceiver({
      recordRejection: (r) => writer.recordRejection(r),
      committer,
      secrets,
      limiter: createIngestLimiter(config.rateLimit),
      gate: createSourceGate({
        accept: config.sources.accept,
        allow: config.sources.allow,
        newPerHour: config.rateLimit.newSourcesPerHour,
        hasSecret: (source) => secrets.has(source),
        anySecret: () => secrets.hasAny(),
        seen: (source) => store.hasSource(source),
      }),
      logger,
      maxBodyBytes: config.maxBodyBytes,
      trustedProxies: config.trustedProxies,
      version: VERSION,
      instance,
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
    answerClientErrors(ingestServer, 30_000);
    // Slow senders must not pin sockets forever (slowloris); providers send fast.
    ingestServer.requestTimeout = 30_000;
    ingestServer.headersTimeout = 10_000;
    const ingestPort = await listen(ingestServer, config.host, config.ingestPort, 'ingest', '--port or TIDINGS_PORT');
    cleanups.unshift(() => closeServer(ingestServer));

    const ingestUrl = `http://${config.host}:${ingestPort}`;
    // Only the ingest listener is ever published; the control listener (API, MCP, dashboard) stays on loopback.
    const storedAuthtoken = () => secrets.credential(NGROK_AUTHTOKEN_CREDENTIAL);
    const tunnel = createTunnelManager({
      settings: createTunnelSettingsFile(p.tunnel),
      ingest: { host: config.host, port: ingestPort, url: ingestUrl },
      driver: options.tunnelDriver ?? createNgrokDriver(),
      authtoken: () => env.NGROK_AUTHTOKEN || storedAuthtoken(),
      check: (url) => checkReachable({ url, instance, ingestUrl }),
      logger,
      override: config.publicUrl ? { mode: 'url', url: config.publicUrl.replace(/\/+$/, '') } : null,
    });
    cleanups.unshift(() => tunnel.close());
    // Tests may hand in a public URL they move themselves; otherwise the tunnel manager's.
    const publicUrl: PublicUrl = options.publicUrl ?? tunnel;
    let controlPort = config.controlPort;
    const control = express();
    control.disable('x-powered-by');
    control.use(refuseUnreadableFraming);
    control.use((_req, res, next) => {
      // Nothing the control listener serves may be framed by another page (clickjacking).
      res.set('content-security-policy', "frame-ancestors 'none'").set('x-frame-options', 'DENY');
      next();
    });
    control.use(createOriginGuard(() => controlPort));
    // Before any credential: a client checks that the process here is the one runtime.json
    // names and holds the token (core-identity.ts), without sending the token.
    control.get(IDENTIFY_PATH, (req, res) => {
      const challenge = typeof req.query.challenge === 'string' ? req.query.challenge : '';
      if (!challengePattern.test(challenge)) {
        res.status(400).json({ status: 400, error: 'send ?challenge= with 64 lowercase hex characters (32 random bytes)' });
        return;
      }
      res.set('cache-control', 'no-store').json({ pid: process.pid, proof: identityProof(token, challenge, process.pid) });
    });
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
      public_url: publicUrl.status(),
    });
    const webhookUrl = (source: string) => webhookUrlFor(source, publicUrl.status().url, ingestUrl);
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
    const sessions = createSessionStore({ file: p.sessions, onProblem: (m) => logger.warn(m) });
    cleanups.unshift(() => sessions.flush());
    const apiGuard = createAuthGuard({ token, sessions });
    const mcpGuard = createAuthGuard({ token });
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
    const links = createLinks({
      reads: createLinkReads(db),
      write,
      secrets,
      publicUrl,
      ingestUrl,
      github: createGithubLinks({ apiUrl: env.TIDINGS_GITHUB_API_URL || DEFAULT_GITHUB_API_URL, userAgent: `Tidings/${VERSION}` }),
      stripe: createStripeLinks({ apiUrl: env.TIDINGS_STRIPE_API_URL || DEFAULT_STRIPE_API_URL }),
      logger,
    });
    cleanups.unshift(() => links.close());
    outboundHealth = () => {
      const targets = outbound.targets();
      const sum = (k: 'pending' | 'dead') => targets.reduce((n, t) => n + t[k], 0);
      return { targets: targets.length, enabled: targets.filter((t) => t.enabled).length, pending: sum('pending'), dead: sum('dead') };
    };
    // Forwards and subscription deliveries are queued in the events' own transaction.
    bus.subscribe(() => outbound.nudge());
    const mcp = createMcpHttp({
      deps: { store, queries, bus, health, webhookUrl, ingest: (item) => committer.submit(item), write, subscriptions, outbound, version: VERSION },
      logger,
      idleMs: config.mcpSessionIdleMs,
    });
    cleanups.unshift(() => mcp.close());
    const codes = createLoginCodes();
    const dashboardLink = () => `http://${config.host}:${controlPort}/login?code=${codes.issue()}`;

    control.use(createSignOutRouter(sessions));
    control.use(
      '/api',
      apiGuard,
      // Before the general 256 KiB parser: an import carries whole exported bodies.
      createArchiveRouter({ ingest: (item) => committer.submit(item) }),
      express.json({ limit: '256kb' }),
      express
        .Router()
        .post('/sessions/revoke', (_req, res) => {
          const revoked = sessions.revokeAll();
          logger.info('dashboard sessions revoked', { revoked });
          res.json({ revoked });
        })
        .get('/sessions', (_req, res) => res.json({ active: sessions.count() }))
        // A session that could mint sign-in links could renew itself past its 7 days.
        .post('/dashboard-link', (_req, res, next) => {
          if (authKind(res) === 'token') return next();
          res.set('connection', 'close').status(403).json({ status: 403, error: 'sign-in links are made with the token (`tidings status`, or the tray), not from a dashboard session' });
        }),
      createStreamRouter({ store, bus }),
      createActivityRouter({ store, queries, write, resourceChanged: mcp.deps.resourceChanged }),
      createClientsRouter({
        env: clientEnvFromProcess(env),
        launch: options.clientLaunch ?? null,
        mcpUrl: () => `http://${config.host}:${controlPort}/mcp`,
        token,
        // A dashboard session must not be a way to the token (and through it to /mcp).
        revealToken: (res) => authKind(res) === 'token',
        tokenFile: p.token,
      }),
      createApiRouter({ store, secrets, health, webhookUrl, sendTest, dashboardLink, derived: createDerivedReader(db) }),
      createOutboundRouter(outbound),
      createTunnelRouter({
        tunnel,
        authtokenOrigin: () => (env.NGROK_AUTHTOKEN ? 'env' : storedAuthtoken() ? 'stored' : null),
        storedAuthtoken,
        storeAuthtoken: (value) => secrets.setCredential(NGROK_AUTHTOKEN_CREDENTIAL, value),
        removeAuthtoken: () => secrets.removeCredential(NGROK_AUTHTOKEN_CREDENTIAL),
      }),
      createLinksRouter(links),
      apiFallback,
      apiErrorHandler,
    );
    control.use('/mcp', mcpGuard, mcp.router);
    control.use(createDashboardRouter({ sessions, codes, staticDir: options.staticDir ?? defaultStaticDir() }));

    const controlServer = http.createServer({ connectionsCheckingInterval: 2000 }, control);
    controlServer.headersTimeout = Math.min(10_000, config.control.requestTimeoutMs);
    answerClientErrors(controlServer, config.control.requestTimeoutMs, true);
    // Node's requestTimeout ends when the request has been received, not when it is answered,
    // so it cuts off a body that trickles in but never an SSE stream, an MCP GET stream or a
    // wait_for_event call waiting for its answer.
    controlServer.requestTimeout = config.control.requestTimeoutMs;
    // Past the cap, Node closes new connections at once ('drop'): see DEFAULT_CONTROL_CONNECTIONS.
    controlServer.maxConnections = config.control.maxConnections;
    let lastDropLog = 0;
    controlServer.on('drop', () => {
      if (Date.now() - lastDropLog < 60_000) return;
      lastDropLog = Date.now();
      logger.warn('control listener: connection refused, at the limit', { max_connections: config.control.maxConnections });
    });
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
    tunnel.start();
    links.start();
    void writer.call('retention').catch((err: unknown) => logger.warn('retention failed', { error: String(err) }));

    let closing: Promise<void> | null = null;
    const close = () => {
      closing ??= (async () => {
        logger.info('core stopping');
        // Order: stop taking requests, let in-flight commits finish, then close the file.
        await mcp.close();
        await tunnel.close();
        await Promise.all([closeServer(ingestServer), closeServer(controlServer)]);
        await links.close();
        await outbound.close();
        await committer.close();
        await subscriptions.close();
        sessions.flush();
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
    return { config, token, runtime, store, db, writer, queries, subscriptions, outbound, bus, secrets, logger, publicUrl, tunnel, links, instance, health, dashboardLink, sessions, close };
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
