// The data directory's bookkeeping: the one-core lock, the token file (0600) and
// runtime.json, which is how clients (the MCP bridge, the CLI, the app) find the core.
// Every file here is read and written through private-file.ts: no links followed, nothing
// taken from another user, the directory refused when others could change it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-file';

export { DataDirError } from './private-file';

export const runtimeSchema = z.object({
  pid: z.number().int(),
  version: z.string(),
  started_at: z.string(),
  data_dir: z.string(),
  host: z.string(),
  ingest_port: z.number().int(),
  control_port: z.number().int(),
  ingest_url: z.string(),
  control_url: z.string(),
  mcp_url: z.string(),
  dashboard_url: z.string(),
  /** Who started it: `serve` (headless) or `app` (the tray app). */
  mode: z.string(),
});
export type RuntimeInfo = z.infer<typeof runtimeSchema>;

export const paths = (dataDir: string) => ({
  db: path.join(dataDir, 'tidings.db'),
  lock: path.join(dataDir, 'core.lock'),
  runtime: path.join(dataDir, 'runtime.json'),
  token: path.join(dataDir, 'token'),
  secrets: path.join(dataDir, 'secrets.json'),
  sessions: path.join(dataDir, 'sessions.json'),
  config: path.join(dataDir, 'config.json'),
  /** The public URL's remembered setting (src/main/core/tunnel/settings.ts). */
  tunnel: path.join(dataDir, 'tunnel.json'),
  logs: path.join(dataDir, 'logs'),
});

export class DataDirBusyError extends Error {
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super(message);
    this.name = 'DataDirBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds, so a second core in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * Take the data directory for this process. A live holder is named in the refusal; a
 * lock left by a process that died (kill -9, power loss) is taken over.
 */
export function acquireLock(dataDir: string): () => void {
  ensurePrivateDir(dataDir);
  const file = paths(dataDir).lock;
  const body = JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: 'wx', mode: 0o600 });
      heldHere.add(file);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(file);
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
          if (held.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: { pid?: number } = {};
    try {
      holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
    } catch {
      // unreadable or half-written: treat as stale below
    }
    // Our own pid in the file is a live holder only if this process really took it: after
    // a crash and reboot, a new process can be handed the old pid.
    const ours = holder.pid === process.pid;
    if (typeof holder.pid === 'number' && (ours ? heldHere.has(file) : alive(holder.pid))) {
      const runtime = readRuntime(dataDir);
      const what = runtime ? `Tidings (${runtime.mode}, control ${runtime.control_url})` : 'another Tidings core';
      throw new DataDirBusyError(
        `core: the data directory ${dataDir} is in use by ${what}, process ${holder.pid}. Stop that process, or use --data-dir to start a separate core.`,
        holder.pid,
      );
    }
    // Stale: the holder is gone. Remove and race for it again; 'wx' picks one winner.
    try {
      fs.unlinkSync(file);
    } catch {
      // someone else removed it first
    }
  }
  throw new Error(`core: could not take the lock ${file}; another core keeps starting on ${dataDir}`);
}

/** The token clients present; created once with mode 0600 and kept across restarts. */
export function loadOrCreateToken(dataDir: string): string {
  const file = paths(dataDir).token;
  const existing = readPrivateFile(file)?.trim() ?? '';
  if (existing.length >= 32) {
    // Ours and not a link (readPrivateFile checked); an older version may have left it 0644.
    if (process.platform !== 'win32' && fs.statSync(file).mode & 0o077) fs.chmodSync(file, 0o600);
    return existing;
  }
  const token = crypto.randomBytes(32).toString('base64url');
  writePrivateFile(file, `${token}\n`);
  return token;
}

/**
 * The token, for a client. Null when there is none; a DataDirError when there is one that
 * must not be used (a link, another user's file, an unsafe directory).
 */
export function readToken(dataDir: string): string | null {
  ensurePrivateDir(dataDir, { create: false });
  return readPrivateFile(paths(dataDir).token)?.trim() || null;
}

export function writeRuntime(dataDir: string, info: RuntimeInfo): void {
  writePrivateFile(paths(dataDir).runtime, `${JSON.stringify(info, null, 2)}\n`);
}

export function removeRuntime(dataDir: string): void {
  try {
    const current = readRuntime(dataDir);
    if (!current || current.pid === process.pid) fs.unlinkSync(paths(dataDir).runtime);
  } catch {
    // already gone
  }
}

/**
 * runtime.json if a core wrote one and that process is still alive; else null. A runtime.json
 * that must not be trusted (a link, another user's file, an unsafe directory) is an error.
 */
export function readRuntime(dataDir: string): RuntimeInfo | null {
  ensurePrivateDir(dataDir, { create: false });
  const text = readPrivateFile(paths(dataDir).runtime);
  if (text === null) return null;
  try {
    const parsed = runtimeSchema.safeParse(JSON.parse(text));
    if (!parsed.success || !alive(parsed.data.pid)) return null;
    return parsed.data;
  } catch {
    return null; // half-written or garbled: no core to talk to
  }
}
