// The tunnel manager: keeps the core's public URL (PublicUrl) and its state machine
// off → starting → online | error. Two modes: an ngrok tunnel run here through a driver, or a
// URL the person runs (cloudflared, Tailscale Funnel, a reverse proxy). It remembers the
// setting across restarts, reopens a dropped tunnel with bounded, jittered backoff, and
// checks that the URL reaches this very core (reachability.ts).
//
// A change asked for through set() is tried before it is kept: a URL that does not reach
// this core, or an ngrok tunnel that cannot open, is refused with the reason and the
// previous setting stays. Failures at start or after a drop never stop the core; they show
// as state "error" (or "starting" while a reconnect is pending) with the reason.
import { z } from 'zod';
import type { Logger } from '../logger';
import { OFF_STATUS } from './public-url';
import type { PublicUrl, PublicUrlStatus } from './public-url';
import { TunnelStartError } from './driver';
import type { TunnelDriver, TunnelHandle } from './driver';
import type { Reachability } from './reachability';
import type { TunnelSettings, TunnelSettingsStore } from './settings';

export type TunnelRequest = { mode: 'off' } | { mode: 'ngrok'; domain?: string | null | undefined } | { mode: 'url'; url: string };

/** A change that was refused; nothing changed. `status` is the HTTP status for the API. */
export class TunnelRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TunnelRequestError';
  }
}

export interface TunnelManagerDeps {
  settings: TunnelSettingsStore;
  /** The listener published: always the ingest one. */
  ingest: { host: string; port: number; url: string };
  driver: TunnelDriver;
  /** NGROK_AUTHTOKEN, else the stored one, else null. */
  authtoken: () => string | null;
  check: (url: string) => Promise<Reachability>;
  logger: Logger;
  /** Used instead of the remembered setting for this run (--public-url, TIDINGS_PUBLIC_URL). */
  override?: TunnelSettings | null;
  /** Timers, replaceable so that tests drive them by hand. Returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
  random?: () => number;
  now?: () => Date;
  /** How often an online URL is checked again. */
  checkEveryMs?: number;
  /** Reconnect delays: base doubled per attempt, capped, each jittered down by up to half. */
  backoff?: { baseMs: number; maxMs: number };
}

export interface TunnelManager extends PublicUrl {
  /** Bring back the remembered setting; returns at once (the tunnel opens in the background). */
  start(): void;
  /** Change the setting. Resolves with the new status and any warnings; rejects with TunnelRequestError. */
  set(request: TunnelRequest): Promise<{ status: PublicUrlStatus; warnings: string[] }>;
  /** Check reachability now, and return the status. */
  check(): Promise<PublicUrlStatus>;
  /** Close the tunnel and stop every timer; the remembered setting is kept. */
  close(): Promise<void>;
}

export const DEFAULT_CHECK_EVERY_MS = 5 * 60_000;
export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 60_000 };

const domainSchema = z
  .string()
  .min(3)
  .max(253)
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain name such as example.ngrok-free.app (no scheme, no path)');

/** The URL as kept and shown: scheme, host, optional path, no trailing slash. Throws TunnelRequestError. */
export function normalizePublicUrl(raw: string): { url: string; warnings: string[] } {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new TunnelRequestError(400, `"${raw.slice(0, 200)}" is not a URL; give the public base URL, e.g. https://hooks.example.com`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TunnelRequestError(400, `the public URL must start with https:// (or http:// for a local proxy), not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) throw new TunnelRequestError(400, 'the public URL must not carry a user name or password');
  if (parsed.search || parsed.hash) throw new TunnelRequestError(400, 'the public URL must not have a query string or fragment: give the base URL only');
  if (/\/webhooks?(\/|$)/.test(parsed.pathname)) {
    throw new TunnelRequestError(400, 'give the base URL, without /webhooks/<source>: Tidings adds that part for each source');
  }
  const url = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  const warnings =
    parsed.protocol === 'http:'
      ? [`${url} is not HTTPS: webhooks would cross the network in clear text; use http:// only for a proxy on this machine or your own network`]
      : [];
  return { url, warnings };
}

export function reconnectDelay(attempt: number, backoff: { baseMs: number; maxMs: number }, random: () => number): number {
  const full = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

const NO_TOKEN =
  'no ngrok authtoken: set NGROK_AUTHTOKEN, or store one with `tidings tunnel token` (or in the dashboard\'s Public URL panel); find yours at https://dashboard.ngrok.com/get-started/your-authtoken';

export function createTunnelManager(deps: TunnelManagerDeps): TunnelManager {
  const schedule =
    deps.schedule ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      t.unref();
      return () => clearTimeout(t);
    });
  const random = deps.random ?? Math.random;
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const checkEveryMs = deps.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
  const listeners = new Set<(s: PublicUrlStatus) => void>();

  let status: PublicUrlStatus = OFF_STATUS;
  let handle: TunnelHandle | null = null;
  /** Bumped whenever the setting changes or the core closes: callbacks of older ones are ignored. */
  let generation = 0;
  let attempt = 0;
  let cancelRetry: (() => void) | null = null;
  let cancelCheck: (() => void) | null = null;
  let closed = false;
  // set(), check() and reconnects run one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };

  function emit(next: PublicUrlStatus): void {
    const changed = JSON.stringify(next) !== JSON.stringify(status);
    status = next;
    if (!changed) return;
    for (const listener of listeners) {
      try {
        listener(status);
      } catch (err) {
        deps.logger.warn('public URL listener failed', { error: String(err) });
      }
    }
  }

  function cancelTimers(): void {
    cancelRetry?.();
    cancelCheck?.();
    cancelRetry = cancelCheck = null;
  }

  async function closeHandle(): Promise<void> {
    const h = handle;
    handle = null;
    if (h) await h.close().catch((err: unknown) => deps.logger.warn('closing the tunnel failed', { error: String(err) }));
  }

  /** Stop whatever runs now; later callbacks from it are ignored. */
  async function stopCurrent(): Promise<void> {
    generation += 1;
    cancelTimers();
    attempt = 0;
    await closeHandle();
  }

  async function openNgrok(domain: string | null, gen: () => number): Promise<TunnelHandle> {
    const authtoken = deps.authtoken();
    if (!authtoken) throw new TunnelStartError(NO_TOKEN, true);
    return deps.driver.open({
      host: deps.ingest.host,
      port: deps.ingest.port,
      authtoken,
      domain,
      onDrop: (reason) => {
        const g = gen();
        // Later than a change of setting, or from a handle already replaced: not ours.
        queueMicrotask(() => {
          if (g === generation && !closed) void serial(() => dropped(reason, g));
        });
      },
    });
  }

  function scheduleCheck(gen: number): void {
    cancelCheck?.();
    cancelCheck = schedule(() => {
      cancelCheck = null;
      if (gen === generation && !closed) void serial(() => runCheck(gen)).catch(() => {});
    }, checkEveryMs);
  }

  async function runCheck(gen: number): Promise<void> {
    const url = status.url;
    if (gen !== generation || !url || status.mode === 'off') return;
    if (status.mode === 'ngrok' && status.state !== 'online') return;
    const result = await deps.check(url);
    if (gen !== generation) return;
    const checked_at = now().toISOString();
    if (status.mode === 'url') {
      emit({ ...status, state: result.reachable ? 'online' : 'error', reachable: result.reachable, checked_at, error: result.error });
    } else {
      emit({ ...status, reachable: result.reachable, checked_at, error: result.error });
    }
    if (!result.reachable) deps.logger.warn('public URL not reachable', { url, error: result.error });
    scheduleCheck(gen);
  }

  async function dropped(reason: string, gen: number): Promise<void> {
    if (gen !== generation || status.mode !== 'ngrok') return;
    deps.logger.warn('tunnel dropped', { driver: deps.driver.name, reason });
    cancelCheck?.();
    await closeHandle();
    scheduleReconnect(reason, gen);
  }

  function scheduleReconnect(reason: string, gen: number): void {
    attempt += 1;
    const delay = reconnectDelay(attempt, backoff, random);
    emit({
      ...status,
      state: 'starting',
      reachable: false,
      error: `${reason}; reconnecting in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${attempt})`,
    });
    cancelRetry?.();
    cancelRetry = schedule(() => {
      cancelRetry = null;
      if (gen === generation && !closed) void serial(() => reconnect(gen));
    }, delay);
  }

  async function reconnect(gen: number): Promise<void> {
    if (gen !== generation || status.mode !== 'ngrok') return;
    const domain = currentDomain;
    try {
      const h = await openNgrok(domain, () => gen);
      if (gen !== generation || closed) {
        await h.close().catch(() => {});
        return;
      }
      handle = h;
      attempt = 0;
      deps.logger.info('tunnel online', { driver: deps.driver.name, url: h.url });
      emit({ ...status, state: 'online', url: h.url, reachable: null, error: null });
      await runCheck(gen);
    } catch (err) {
      if (gen !== generation) return;
      const message = (err as Error).message;
      if (err instanceof TunnelStartError && err.permanent) {
        deps.logger.error('tunnel failed', { driver: deps.driver.name, error: message });
        emit({ ...status, state: 'error', reachable: false, error: message });
        return;
      }
      scheduleReconnect(message, gen);
    }
  }

  let currentDomain: string | null = null;

  async function setNgrok(domain: string | null): Promise<{ status: PublicUrlStatus; warnings: string[] }> {
    if (status.mode === 'ngrok' && status.state === 'online' && currentDomain === domain && handle) {
      await runCheck(generation);
      return { status, warnings: [] };
    }
    const previous = status;
    // A running ngrok tunnel is replaced (the same domain cannot be held twice); any other
    // setting stays in place until the new tunnel is open, so a failure changes nothing.
    if (previous.mode === 'ngrok') await stopCurrent();
    const gen = generation + 1;
    emit({ mode: 'ngrok', state: 'starting', url: null, reachable: null, checked_at: null, error: null });
    let h: TunnelHandle;
    try {
      h = await openNgrok(domain, () => gen);
    } catch (err) {
      const message = (err as Error).message;
      deps.logger.warn('tunnel refused', { driver: deps.driver.name, error: message });
      if (previous.mode === 'ngrok') {
        // The old tunnel is gone already: say why the new one is not there.
        generation = gen;
        currentDomain = domain;
        emit({ ...status, state: 'error', error: message });
        deps.settings.save({ mode: 'ngrok', domain });
      } else emit(previous);
      const permanent = err instanceof TunnelStartError && err.permanent;
      throw new TunnelRequestError(permanent ? 400 : 502, message);
    }
    await stopCurrent();
    generation = gen;
    handle = h;
    currentDomain = domain;
    deps.settings.save({ mode: 'ngrok', domain });
    deps.logger.info('tunnel online', { driver: deps.driver.name, url: h.url });
    emit({ mode: 'ngrok', state: 'online', url: h.url, reachable: null, checked_at: null, error: null });
    await runCheck(gen);
    return { status, warnings: [] };
  }

  async function setUrl(raw: string): Promise<{ status: PublicUrlStatus; warnings: string[] }> {
    const { url, warnings } = normalizePublicUrl(raw);
    const result = await deps.check(url);
    if (!result.reachable) {
      // Nothing changes: a URL that does not reach this core would send webhooks elsewhere.
      throw new TunnelRequestError(/another Tidings core|answered/.test(result.error ?? '') ? 422 : 502, result.error ?? `${url} does not reach this core`);
    }
    await stopCurrent();
    currentDomain = null;
    deps.settings.save({ mode: 'url', url });
    emit({ mode: 'url', state: 'online', url, reachable: true, checked_at: now().toISOString(), error: null });
    scheduleCheck(generation);
    return { status, warnings };
  }

  function restore(settings: TunnelSettings): void {
    const gen = ++generation;
    if (settings.mode === 'url') {
      emit({ mode: 'url', state: 'starting', url: settings.url, reachable: null, checked_at: null, error: null });
      void serial(() => runCheck(gen)).catch((err: unknown) => deps.logger.warn('reachability check failed', { error: String(err) }));
    } else if (settings.mode === 'ngrok') {
      currentDomain = settings.domain;
      emit({ mode: 'ngrok', state: 'starting', url: null, reachable: null, checked_at: null, error: null });
      void serial(() => reconnect(gen));
    }
  }

  return {
    status: () => status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      let settings: TunnelSettings;
      try {
        settings = deps.override ?? deps.settings.load();
      } catch (err) {
        emit({ ...OFF_STATUS, state: 'error', error: (err as Error).message });
        return;
      }
      restore(settings);
    },
    set(request) {
      return serial(async () => {
        if (closed) throw new TunnelRequestError(503, 'the core is stopping');
        if (request.mode === 'off') {
          await stopCurrent();
          currentDomain = null;
          deps.settings.save({ mode: 'off' });
          emit(OFF_STATUS);
          return { status, warnings: [] };
        }
        if (request.mode === 'url') return setUrl(request.url);
        const domain = request.domain ?? null;
        if (domain !== null) {
          const parsed = domainSchema.safeParse(domain);
          if (!parsed.success) throw new TunnelRequestError(400, `--domain ${domain.slice(0, 100)}: ${parsed.error.issues[0]?.message ?? 'not a domain'}`);
        }
        return setNgrok(domain === null ? null : domain.toLowerCase());
      });
    },
    check() {
      return serial(async () => {
        await runCheck(generation);
        return status;
      });
    },
    async close() {
      closed = true;
      await serial(() => stopCurrent());
      listeners.clear();
    },
  };
}
