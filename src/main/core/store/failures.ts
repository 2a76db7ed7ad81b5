// Which storage errors mean "try again later" (the sender should retry: 503) rather than
// a bug. Branches on SqliteError.code, as better-sqlite3 recommends.
export interface StoreFailure {
  code: string;
  message: string;
  retryAfter: number;
}

export function storeFailure(err: unknown): StoreFailure | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return { code, message: 'the disk holding the Tidings database is full', retryAfter: 60 };
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_')) {
    return { code, message: 'the Tidings database is locked by another process', retryAfter: 5 };
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) {
    return { code, message: 'the Tidings database is read-only', retryAfter: 60 };
  }
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'SQLITE_CANTOPEN') {
    return { code, message: `the Tidings database could not be written (${code})`, retryAfter: 30 };
  }
  return null;
}
