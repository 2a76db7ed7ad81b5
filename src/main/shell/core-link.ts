// The app's hold on a core: the one it starts in its own main process ("owned"), or a
// headless core that already owns the data directory ("attached"), used as a client through
// its runtime.json control URL and token instead of failing. Either way the shell sees the
// same CoreLink: the local API for health, sources and sign-in links, and a feed of
// committed events (the in-process bus, or the SSE stream). No Electron here.
import { z } from 'zod';
import { eventPageSchema, healthSchema, linksSchema, sourcesSchema } from '../../shared/api';
import type { HealthInfo } from '../../shared/api';
import type { EventRecord } from '../../shared/events';
import type { CoreConfig } from '../core/config';
import { DataDirBusyError, readRuntime, readToken } from '../core/data-dir';
import { verifyCoreIdentity } from '../core/core-identity';
import type { RuntimeInfo } from '../core/data-dir';
import type { Core } from '../core/start-core';
import { followEvents } from './sse';
import type { StreamStatus } from './sse';

export interface CoreClient {
  health(): Promise<HealthInfo>;
  /** Newest first. */
  recentEvents(limit: number): Promise<EventRecord[]>;
  sources(): Promise<Array<{ source: string; url: string }>>;
  links(): Promise<Array<{ provider: 'github' | 'stripe'; target: string; state: 'active' | 'broken'; error: string | null }>>;
  /** A fresh one-time dashboard sign-in link. */
  signInUrl(): Promise<string>;
}

export function createCoreClient(controlUrl: string, token: string, fetchImpl: typeof fetch = fetch): CoreClient {
  const call = async <T extends z.ZodType>(method: string, path: string, schema: T): Promise<z.infer<T>> => {
    const res = await fetchImpl(new URL(path, controlUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`core: ${method} ${path} answered ${res.status}`);
    return schema.parse(await res.json());
  };
  return {
    health: () => call('GET', '/api/health', healthSchema),
    recentEvents: async (limit) => (await call('GET', `/api/events?limit=${limit}`, eventPageSchema)).events.sort((a, b) => b.id - a.id),
    sources: async () => (await call('GET', '/api/sources', sourcesSchema)).sources.map(({ source, url }) => ({ source, url })),
    links: async () => (await call('GET', '/api/links', linksSchema)).links.map(({ provider, target, state, error }) => ({ provider, target, state, error })),
    signInUrl: async () => (await call('POST', '/api/dashboard-link', z.object({ url: z.string() }))).url,
  };
}

export interface CoreLink {
  mode: 'owned' | 'attached';
  runtime: RuntimeInfo;
  token: string;
  client: CoreClient;
  /** Committed events as they arrive; returns the function that stops. */
  subscribe(onEvent: (e: EventRecord) => void, onStatus?: (s: StreamStatus, detail?: string) => void): () => void;
  /** Owned: stop the core cleanly. Attached: only let go of it. */
  close(): Promise<void>;
}

export function ownedLink(core: Core): CoreLink {
  return {
    mode: 'owned',
    runtime: core.runtime,
    token: core.token,
    client: createCoreClient(core.runtime.control_url, core.token),
    subscribe: (onEvent) => core.bus.subscribe(onEvent),
    close: () => core.close(),
  };
}

export function attachedLink(runtime: RuntimeInfo, token: string, after: number): CoreLink {
  const stops = new Set<() => void>();
  return {
    mode: 'attached',
    runtime,
    token,
    client: createCoreClient(runtime.control_url, token),
    subscribe(onEvent, onStatus) {
      const stop = followEvents({ controlUrl: runtime.control_url, token, after, onEvent, onStatus });
      stops.add(stop);
      return () => {
        stops.delete(stop);
        stop();
      };
    },
    async close() {
      for (const stop of stops) stop();
      stops.clear();
    },
  };
}

export type CorePlan =
  | { kind: 'attach'; runtime: RuntimeInfo; token: string }
  | { kind: 'start' }
  | { kind: 'wait' }
  | { kind: 'fail'; message: string };

/**
 * What to do about the data directory: a live core with its runtime.json and token is
 * attached to; none means start one here, unless this launch must only attach (a development
 * start, or a core that holds the lock but has not written runtime.json yet): then wait.
 */
export function planCore(input: { runtime: RuntimeInfo | null; token: string | null; attachOnly: boolean }): CorePlan {
  if (input.runtime && input.token) return { kind: 'attach', runtime: input.runtime, token: input.token };
  if (input.runtime) return { kind: 'fail', message: `core: a core runs on ${input.runtime.data_dir} (process ${input.runtime.pid}) but its token file cannot be read` };
  return input.attachOnly ? { kind: 'wait' } : { kind: 'start' };
}

export interface ConnectOptions {
  config: CoreConfig;
  /** Never start a core here: wait for one (`npm start` runs the core under Node in development). */
  attachOnly: boolean;
  startOwned: () => Promise<Core>;
  waitMs?: number;
}

export async function connectCore(options: ConnectOptions): Promise<CoreLink> {
  const dir = options.config.dataDir;
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  let attachOnly = options.attachOnly;
  let busy: DataDirBusyError | null = null;
  for (;;) {
    const plan = planCore({ runtime: readRuntime(dir), token: readToken(dir), attachOnly });
    if (plan.kind === 'attach') {
      // The token goes only to a loopback core that proves it is the one runtime.json names.
      await verifyCoreIdentity(plan.runtime, plan.token);
      // Start the feed at the core's newest event: older ones are history, not news.
      const client = createCoreClient(plan.runtime.control_url, plan.token);
      const after = await client.health().then((h) => h.last_event_id, () => 0);
      return attachedLink(plan.runtime, plan.token, after);
    }
    if (plan.kind === 'fail') throw new Error(plan.message);
    if (plan.kind === 'start') {
      try {
        return ownedLink(await options.startOwned());
      } catch (err) {
        if (!(err instanceof DataDirBusyError)) throw err;
        // Another core took the directory first and is still starting: attach once it is up.
        busy = err;
        attachOnly = true;
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw busy ?? new Error(`core: no Tidings core came up on ${dir} within ${Math.round((options.waitMs ?? 20_000) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A sentence for the person when the core does not start, with what to do about it. */
export function coreFailureMessage(err: unknown, packaged: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION|different Node\.js version|not a valid Win32 application|wrong ELF class/.test(message)) {
    return packaged
      ? 'The database module in this installation does not match its Electron version. Reinstall Tidings.'
      : 'better-sqlite3 in node_modules is built for Node, not for Electron. In a checkout, start the app with `npm start`: it runs the core under Node and the app attaches to it.';
  }
  return message;
}
