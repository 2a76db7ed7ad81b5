// The app's log: JSON lines in tidings.log in the platform's log folder (app.getPath('logs')),
// in the core logger's format, since the core writes through it too. Unlike the core's
// logger, `end()` can be awaited, so the quit path's last lines reach the disk before exit.
import fs from 'node:fs';
import path from 'node:path';
import type { Level, Logger } from '../core/logger';

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_LOG_BYTES = 10 * 1024 * 1024;
export const LOG_FILE = 'tidings.log';

export interface AppLogger extends Logger {
  file: string;
  end(): Promise<void>;
}

export function createAppLogger(options: { dir: string; stderr: boolean; level?: Level }): AppLogger {
  const min = ORDER[options.level ?? 'info'];
  fs.mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, LOG_FILE);
  try {
    // One previous file is kept: enough to read back a crash, bounded on disk.
    if (fs.statSync(file).size > MAX_LOG_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  let stream: fs.WriteStream | null = fs.createWriteStream(file, { flags: 'a', mode: 0o600 });
  // A full disk must not take the app down through its logger.
  stream.on('error', () => (stream = null));
  const write = (level: Level, msg: string, data?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const at = new Date().toISOString();
    stream?.write(`${JSON.stringify({ at, level, msg, ...data })}\n`);
    if (options.stderr) process.stderr.write(`${at} ${level.padEnd(5)} ${msg}${data && Object.keys(data).length ? ` ${JSON.stringify(data)}` : ''}\n`);
  };
  return {
    file,
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
    // The core calls close() when it stops; the app keeps logging until end().
    close: () => undefined,
    end: () =>
      new Promise<void>((resolve) => {
        const s = stream;
        stream = null;
        if (!s) resolve();
        else s.end(() => resolve());
      }),
  };
}
