// Where the core's settings come from, in order of precedence: command-line flags, then
// TIDINGS_* environment variables, then config.json in the data directory, then defaults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { readTextIfExists } from './read-text';
import { DEFAULT_POLICY } from './outbound/policy';
import type { RetryPolicy } from './outbound/policy';

export const DEFAULT_INGEST_PORT = 8787;
export const DEFAULT_CONTROL_PORT = 8788;

const fileSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    controlPort: z.number().int().min(0).max(65535).optional(),
    maxBodyBytes: z.number().int().min(1024).optional(),
    rateLimit: z
      .object({
        perSecond: z.number().positive().optional(),
        burst: z.number().int().positive().optional(),
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
    publicUrl: z.string().url().optional(),
    mcpSessionIdleMinutes: z.number().positive().optional(),
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
  /** Token bucket per source: sustained rate and the burst it tolerates. */
  rateLimit: { perSecond: number; burst: number };
  retention: { maxAgeDays: number; maxBytes: number };
  /** The base URL senders use (a tunnel or relay), when the person set one. */
  publicUrl: string | null;
  /** MCP sessions with no open request for this long are closed. */
  mcpSessionIdleMs: number;
  outbound: { timeoutMs: number; policy: RetryPolicy };
}

export interface ConfigOverrides {
  dataDir?: string | undefined;
  port?: number | undefined;
  controlPort?: number | undefined;
  maxBodyBytes?: number | undefined;
  rateLimit?: Partial<CoreConfig['rateLimit']> | undefined;
  retention?: Partial<CoreConfig['retention']> | undefined;
  publicUrl?: string | undefined;
  mcpSessionIdleMs?: number | undefined;
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
    rateLimit: {
      perSecond: overrides.rateLimit?.perSecond ?? file.rateLimit?.perSecond ?? 100,
      burst: overrides.rateLimit?.burst ?? file.rateLimit?.burst ?? 1000,
    },
    retention: {
      maxAgeDays: overrides.retention?.maxAgeDays ?? file.retention?.maxAgeDays ?? 30,
      maxBytes: overrides.retention?.maxBytes ?? file.retention?.maxBytes ?? 2 * 1024 ** 3,
    },
    publicUrl: overrides.publicUrl ?? env.TIDINGS_PUBLIC_URL ?? file.publicUrl ?? null,
    mcpSessionIdleMs: overrides.mcpSessionIdleMs ?? (file.mcpSessionIdleMinutes ?? 30) * 60_000,
    outbound: outboundConfig(file.outbound ?? {}, overrides.outbound ?? {}),
  };
}
