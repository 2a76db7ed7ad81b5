// Opens the one SQLite file the core writes: durable settings, migrations, and a clear
// answer (with the file moved aside, never overwritten) when the file is corrupt.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';

export interface OpenedDatabase {
  db: Database.Database;
  /** Set when a corrupt file was found and moved aside; the path it was moved to. */
  movedAside: string | null;
}

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

export class CorruptDatabaseError extends Error {
  constructor(
    message: string,
    readonly movedTo: string,
  ) {
    super(message);
    this.name = 'CorruptDatabaseError';
  }
}

function configure(db: Database.Database): void {
  // auto_vacuum only takes effect before the first table exists; it lets retention give
  // space back with incremental_vacuum instead of a full VACUUM that blocks ingest.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk (WAL fsynced) before we acknowledge a webhook.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Short: a lock held by another process must turn into a 503 quickly, not a stall.
  db.pragma('busy_timeout = 1000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
}

function check(db: Database.Database): void {
  // quick_check reads every page once; cheap enough at start-up and it catches the
  // corruption a user would otherwise meet later, mid-ingest.
  const rows = db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
  const result = rows[0]?.quick_check;
  if (result !== 'ok') {
    const err = new Error(`quick_check: ${result}`) as Error & { code: string };
    err.code = 'SQLITE_CORRUPT';
    throw err;
  }
}

function moveAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

/**
 * Open (creating if needed) the database at `file`. A corrupt file is moved aside and
 * reported with CorruptDatabaseError unless `recoverCorrupt` is set, in which case a
 * fresh database is created in its place and `movedAside` says where the old one went.
 */
export function openDatabase(file: string, options: { recoverCorrupt?: boolean } = {}): OpenedDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database | null = null;
  try {
    db = new Database(file);
    configure(db);
    check(db);
    migrate(db);
    return { db, movedAside: null };
  } catch (err) {
    db?.close();
    const code = (err as { code?: string }).code;
    if (!code || !CORRUPT_CODES.has(code)) throw err;
    const movedTo = moveAside(file);
    if (!options.recoverCorrupt) {
      throw new CorruptDatabaseError(
        `store: ${file} is not a readable SQLite database (${(err as Error).message}). It was moved to ${movedTo}; start Tidings again to begin with a fresh database, or restore a backup there.`,
        movedTo,
      );
    }
    const fresh = openDatabase(file);
    return { db: fresh.db, movedAside: movedTo };
  }
}
