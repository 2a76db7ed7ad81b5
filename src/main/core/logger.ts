// A small structured logger: JSON lines to a file in logs/ and readable lines to stderr
// (stdout may belong to the MCP protocol). It never sees secrets: callers pass reasons,
// not values, and as a second line of defence `headers` objects and credential-named keys
// in the data are masked before a line is written.
import fs from 'node:fs';
import path from 'node:path';
import { CREDENTIAL_NAME, maskedHeaders } from './credential-headers';

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
  const write = (level: Level, msg: string, raw?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const data = raw && redact(raw);
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

/** The data of a log line with header values and credential-named fields masked. */
export function redact(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'headers' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out[k] = maskedHeaders(v as Record<string, string | string[] | undefined>);
    } else if (CREDENTIAL_NAME.test(k) && typeof v === 'string') out[k] = `(${v.length} chars)`;
    else out[k] = v;
  }
  return out;
}
