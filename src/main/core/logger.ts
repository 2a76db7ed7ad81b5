// A small structured logger: JSON lines to a file in logs/ and readable lines to stderr
// (stdout may belong to the MCP protocol). It never sees secrets: callers pass reasons,
// not values, and `redact` masks anything that looks like a credential header.
import fs from 'node:fs';
import path from 'node:path';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  close(): void;
}

export interface LoggerOptions {
  /** Folder for tidings.log; omit to log to stderr only. */
  dir?: string | undefined;
  level?: Level | undefined;
  stderr?: boolean | undefined;
}

const MAX_LOG_BYTES = 10 * 1024 * 1024;

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  let stream: fs.WriteStream | null = null;
  if (options.dir) {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const file = path.join(options.dir, 'tidings.log');
    // Keep one previous file: enough to read back a crash, bounded on disk.
    try {
      if (fs.statSync(file).size > MAX_LOG_BYTES) fs.renameSync(file, `${file}.1`);
    } catch {
      // no log yet
    }
    stream = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
    stream.on('error', () => {
      stream = null; // a full disk must not take the core down through its logger
    });
  }
  const write = (level: Level, msg: string, data?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const at = new Date().toISOString();
    stream?.write(`${JSON.stringify({ at, level, msg, ...data })}\n`);
    if (options.stderr !== false) {
      const extra = data && Object.keys(data).length ? ` ${JSON.stringify(data)}` : '';
      process.stderr.write(`${at} ${level.padEnd(5)} ${msg}${extra}\n`);
    }
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
    close: () => stream?.end(),
  };
}

const SENSITIVE = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-tidings-token)$/i;
const SIGNATURE = /signature/i;

/** Headers worth keeping with an event: everything but credentials. */
export function storableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || SENSITIVE.test(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Headers for the rejection log: no credentials and no signature values either. */
export function redactedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out = storableHeaders(headers);
  for (const k of Object.keys(out)) if (SIGNATURE.test(k)) out[k] = `(${out[k]!.length} chars)`;
  return out;
}
