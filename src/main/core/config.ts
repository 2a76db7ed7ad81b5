// Where the core's settings come from, in order of precedence: command-line flags, then
// TIDINGS_* environment variables, then config.json in the data directory, then defaults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { readTextIfExists } from './read-text';
import { DEFAULT_POLICY } from './outbound/policy';
import type { RetryPolicy } from './outbound/policy';
import { isTrustedProxyEntry } from './webhooks/remote-address';
import { SOURCE_PATTERN } from '../../shared/events';

/** Which source names the receiver accepts (webhooks/source-gate.ts; README, "Sources"). */
export const ACCEPT_MODES = ['auto', 'any', 'configured'] as const;
export type AcceptMode = (typeof ACCEPT_MODES)[number];

export const DEFAULT_INGEST_PORT = 8787;
export const DEFAULT_CONTROL_PORT = 8788;
/**
 * Open connections the control listener accepts at once. Normal use is a few dozen (a browser
 * keeps about 6 per tab plus the live stream, each MCP client one or two, the tray one), so
 * 256 is far above it while a local program that opens sockets in a loop cannot use up the
 * process's file descriptors (often 1024), which the database and the ingest listener need.
 */
export const DEFAULT_CONTROL_CONNECTIONS = 256;

const fileSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    controlPort: z.number().int().min(0).max(65535).optional(),
    maxBodyBytes: z.number().int().min(1024).optional(),
    rateLimit: z
      .object({
        perSecond: z.number().positive().optional(),
        burst: z.number().int().positive().optional(),
        globalPerSecond: z.number().positive().optional(),
        globalBurst: z.number().int().positive().optional(),
        newSourcesPerHour: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
    retention: z
      .object({
        maxAgeDays: z.number().positive().optional(),
        maxBytes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    sources: z
      .object({
        accept: z.enum(ACCEPT_MODES).optional(),
        allow: z.array(z.string().regex(SOURCE_PATTERN, 'a source name such as my-app')).max(1000).optional(),
      })
      .strict()
      .optional(),
    publicUrl: z.string().url().optional(),
    /** Reverse proxies in front of the ingest listener whose X-Forwarded-For is believed. */
    trustedProxies: z
      .array(z.string().refine(isTrustedProxyEntry, 'an IP address or CIDR range, e.g. "127.0.0.1" or "10.0.0.0/8"'))
      .max(64)
      .optional(),
    mcpSessionIdleMinutes: z.number().positive().optional(),
    control: z
      .object({
        /** Seconds a client has to send a whole request (headers and body) to the control listener. */
        requestTimeoutSeconds: z.number().positive().max(3600).optional(),
        maxConnections: z.number().int().min(8).max(65_536).optional(),
      })
      .strict()
      .optional(),
    outbound: z
      .object({
        timeoutSeconds: z.number().positive().max(120).optional(),
        /** Seconds to wait after each failed attempt; past the end, dead-lettered. */
        retrySchedule: z.array(z.number().nonnegative()).min(1).max(50).optional(),
        /** The same for local targets; the last step repeats until localMaxAgeHours. */
        localRetrySchedule: z.array(z.number().nonnegative()).min(1).max(50).optional(),
        localMaxAgeHours: z.number().positive().optional(),
        disableAfterHours: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ConfigFile = z.infer<typeof fileSchema>;

export interface CoreConfig {
  dataDir: string;
  host: string;
  ingestPort: number;
  controlPort: number;
  /** Largest webhook body accepted; larger gets 413. */
  maxBodyBytes: number;
  /**
   * Token buckets: per source, and for all sources together (sustained rate and the burst
   * each tolerates); and how many new unconfigured source names may appear per hour.
   */
  rateLimit: { perSecond: number; burst: number; globalPerSecond: number; globalBurst: number; newSourcesPerHour: number };
  /** Which source names are accepted: see webhooks/source-gate.ts. */
  sources: { accept: AcceptMode; allow: string[] };
  retention: { maxAgeDays: number; maxBytes: number };
  /** The base URL senders use (a tunnel or relay), when the person set one. */
  publicUrl: string | null;
  /** Proxies whose X-Forwarded-For names the sender; otherwise the socket's address does. */
  trustedProxies: string[];
  /** MCP sessions with no open request for this long are closed. */
  mcpSessionIdleMs: number;
  /**
   * The control listener's limits. The timeout covers receiving a request, not answering it:
   * SSE, MCP streams and wait_for_event hold their answers open as long as they need.
   */
  control: { requestTimeoutMs: number; maxConnections: number };
  outbound: { timeoutMs: number; policy: RetryPolicy };
}

export interface ConfigOverrides {
  dataDir?: string | undefined;
  port?: number | undefined;
  controlPort?: number | undefined;
  maxBodyBytes?: number | undefined;
  rateLimit?: Partial<CoreConfig['rateLimit']> | undefined;
  sources?: Partial<CoreConfig['sources']> | undefined;
  retention?: Partial<CoreConfig['retention']> | undefined;
  publicUrl?: string | undefined;
  trustedProxies?: string[] | undefined;
  mcpSessionIdleMs?: number | undefined;
  control?: Partial<CoreConfig['control']> | undefined;
  outbound?: { timeoutMs?: number; policy?: Partial<RetryPolicy> } | undefined;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The platform's app-data folder, as PRODUCT.md names it. */
/**
 * The platform's app-data folder, by the rules env-paths follows (written out here rather
 * than a dependency, for a dozen lines): an empty or relative XDG_DATA_HOME is ignored, as
 * the XDG spec says; Windows keeps data in %LOCALAPPDATA%, not the roaming profile, since
 * the database can reach gigabytes. Data already in the old roaming place (before 0.2) is
 * used where it is, with a note saying so: moving a live database behind a user's back is
 * worse than leaving it.
 */
export function dataDirChoice(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = fs.existsSync,
): { dir: string; note: string | null } {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const absolute = (value: string | undefined) => (value && p.isAbsolute(value) ? value : undefined);
  const home = (platform === 'win32' ? absolute(env.USERPROFILE) : absolute(env.HOME)) ?? os.homedir();
  if (platform === 'darwin') return { dir: p.join(home, 'Library', 'Application Support', 'Tidings'), note: null };
  if (platform === 'win32') {
    const dir = p.join(absolute(env.LOCALAPPDATA) ?? p.join(home, 'AppData', 'Local'), 'Tidings');
    const roaming = p.join(absolute(env.APPDATA) ?? p.join(home, 'AppData', 'Roaming'), 'Tidings');
    if (!exists(dir) && exists(p.join(roaming, 'tidings.db'))) {
      return {
        dir: roaming,
        note: `using the existing data in ${roaming} (the roaming profile) where it is; Tidings now keeps new data in ${dir}. To move it, stop Tidings and move the folder there.`,
      };
    }
    return { dir, note: null };
  }
  return { dir: p.join(absolute(env.XDG_DATA_HOME) ?? p.join(home, '.local', 'share'), 'tidings'), note: null };
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return dataDirChoice(env, platform).dir;
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  // An empty value means "not set", as shells make it easy to export one by accident.
  return path.resolve(flag || env.TIDINGS_DATA_DIR || defaultDataDir(env));
}

function portFromEnv(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`config: ${name}=${JSON.stringify(raw)} is not a port number (0-65535)`);
  }
  return n;
}

export function readConfigFile(dataDir: string): ConfigFile {
  const file = path.join(dataDir, 'config.json');
  const text = readTextIfExists(file);
  if (text === null) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config: ${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new ConfigError(`config: ${file} has invalid settings: ${issues}`);
  }
  return parsed.data;
}

function outboundConfig(file: NonNullable<ConfigFile['outbound']>, overrides: NonNullable<ConfigOverrides['outbound']>): CoreConfig['outbound'] {
  const seconds = (list: number[] | undefined) => list?.map((n) => n * 1000);
  const hours = (n: number | undefined) => (n === undefined ? undefined : n * 3600_000);
  const fromFile: Partial<RetryPolicy> = Object.fromEntries(
    Object.entries({
      schedule: seconds(file.retrySchedule),
      localSchedule: seconds(file.localRetrySchedule),
      localMaxAgeMs: hours(file.localMaxAgeHours),
      disableAfterMs: hours(file.disableAfterHours),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    timeoutMs: overrides.timeoutMs ?? (file.timeoutSeconds ?? 10) * 1000,
    policy: { ...DEFAULT_POLICY, ...fromFile, ...overrides.policy },
  };
}

function rateLimitConfig(file: NonNullable<ConfigFile['rateLimit']>, overrides: Partial<CoreConfig['rateLimit']>): CoreConfig['rateLimit'] {
  const perSecond = overrides.perSecond ?? file.perSecond ?? 100;
  const burst = overrides.burst ?? file.burst ?? 1000;
  return {
    perSecond,
    burst,
    // Unset, the global limit is never tighter than the per-source one: raising the per-source
    // limit (as load tests do) must not leave a hidden lower ceiling.
    globalPerSecond: overrides.globalPerSecond ?? file.globalPerSecond ?? Math.max(1000, perSecond),
    globalBurst: overrides.globalBurst ?? file.globalBurst ?? Math.max(5000, burst),
    newSourcesPerHour: overrides.newSourcesPerHour ?? file.newSourcesPerHour ?? 20,
  };
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const dataDir = resolveDataDir(overrides.dataDir, env);
  const file = readConfigFile(dataDir);
  return {
    dataDir,
    host: '127.0.0.1',
    ingestPort: overrides.port ?? portFromEnv('TIDINGS_PORT', env) ?? file.port ?? DEFAULT_INGEST_PORT,
    controlPort:
      overrides.controlPort ?? portFromEnv('TIDINGS_CONTROL_PORT', env) ?? file.controlPort ?? DEFAULT_CONTROL_PORT,
    maxBodyBytes: overrides.maxBodyBytes ?? file.maxBodyBytes ?? 5 * 1024 * 1024,
    rateLimit: rateLimitConfig(file.rateLimit ?? {}, overrides.rateLimit ?? {}),
    sources: {
      accept: overrides.sources?.accept ?? file.sources?.accept ?? 'auto',
      allow: overrides.sources?.allow ?? file.sources?.allow ?? [],
    },
    retention: {
      maxAgeDays: overrides.retention?.maxAgeDays ?? file.retention?.maxAgeDays ?? 30,
      maxBytes: overrides.retention?.maxBytes ?? file.retention?.maxBytes ?? 2 * 1024 ** 3,
    },
    publicUrl: overrides.publicUrl ?? env.TIDINGS_PUBLIC_URL ?? file.publicUrl ?? null,
    trustedProxies: overrides.trustedProxies ?? file.trustedProxies ?? [],
    mcpSessionIdleMs: overrides.mcpSessionIdleMs ?? (file.mcpSessionIdleMinutes ?? 30) * 60_000,
    control: {
      requestTimeoutMs: overrides.control?.requestTimeoutMs ?? (file.control?.requestTimeoutSeconds ?? 30) * 1000,
      maxConnections: overrides.control?.maxConnections ?? file.control?.maxConnections ?? DEFAULT_CONTROL_CONNECTIONS,
    },
    outbound: outboundConfig(file.outbound ?? {}, overrides.outbound ?? {}),
  };
}
