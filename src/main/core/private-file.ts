// The data directory holds the bearer token, webhook secrets and every stored body, so what
// Tidings reads and writes there is checked: the directory must be the user's own and closed
// to group and others, and the credential files (`token`, `secrets.json`, `runtime.json`,
// `sessions.json`) are never followed through a symbolic link nor taken from another user.
// Every refusal is a DataDirError whose message says what to run to fix it.
//
// Windows has no uid or POSIX mode bits (ACLs decide there), so the ownership and mode checks
// are skipped on win32; the symbolic-link refusal still applies.
import crypto from 'node:crypto';
import fs from 'node:fs';

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

const posix = process.platform !== 'win32';
// O_NOFOLLOW makes open() fail with ELOOP on a link, with no window between a check and the open.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function myUid(): number | null {
  return posix && typeof process.getuid === 'function' ? process.getuid() : null;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/**
 * What is wrong with a data directory's owner and mode, or null. Pure, for table tests:
 * `uid` null means the platform has no owners to compare (Windows).
 */
export function dirProblem(dir: string, st: { uid: number; mode: number }, uid: number | null): string | null {
  if (uid === null) return null;
  if (st.uid !== uid) {
    return `the data directory ${dir} belongs to another user (uid ${st.uid}; you are uid ${uid}). That user could read what Tidings stores or swap its runtime.json to capture the token. Use a directory of your own (--data-dir or TIDINGS_DATA_DIR), or, if it should be yours, run: sudo chown -R ${uid} '${dir}' && chmod 700 '${dir}'`;
  }
  if (st.mode & 0o022) {
    return `the data directory ${dir} can be written by other users (mode ${octal(st.mode)}), who could replace runtime.json or the token. Run: chmod 700 '${dir}'`;
  }
  return null;
}

/**
 * Create the data directory (0700) if needed and refuse one that is not safe to use. A
 * directory that is ours but readable by others (an older `tidings mcp` created it 0755) is
 * closed to 0700; the caller may log the returned note.
 */
export function ensurePrivateDir(dir: string, options: { create?: boolean } = {}): { tightened: boolean } {
  if (options.create !== false) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let st: fs.Stats;
  try {
    // The directory itself may be a link (a data directory moved to another disk): its target is what is checked.
    st = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tightened: false };
    throw new DataDirError(`cannot use the data directory ${dir}: ${(err as Error).message}`);
  }
  if (!st.isDirectory()) throw new DataDirError(`the data directory ${dir} is not a directory; choose another with --data-dir`);
  const problem = dirProblem(dir, st, myUid());
  if (problem) throw new DataDirError(problem);
  if (posix && st.mode & 0o077) {
    fs.chmodSync(dir, 0o700);
    return { tightened: true };
  }
  return { tightened: false };
}

function fileProblem(file: string, err: NodeJS.ErrnoException): DataDirError {
  if (err.code === 'ELOOP') {
    return new DataDirError(`${file} is a symbolic link; Tidings does not follow links for its credential files. Remove the link (rm '${file}') and start Tidings again`);
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new DataDirError(`cannot read ${file} (permission denied): it probably belongs to another user. Remove it (rm '${file}') or make it yours (sudo chown ${myUid() ?? '$(id -u)'} '${file}')`);
  }
  return new DataDirError(`cannot read ${file}: ${err.message}`);
}

/** Open a credential file without following links, and check it is a plain file of ours. */
function openPrivate(file: string, flags: number): number | null {
  if (!NOFOLLOW) {
    // No O_NOFOLLOW (Windows): lstat first, then open.
    try {
      if (fs.lstatSync(file).isSymbolicLink()) throw fileProblem(file, Object.assign(new Error('link'), { code: 'ELOOP' }));
    } catch (err) {
      if (err instanceof DataDirError) throw err;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fileProblem(file, err as NodeJS.ErrnoException);
    }
  }
  let fd: number;
  try {
    fd = fs.openSync(file, flags | NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileProblem(file, err as NodeJS.ErrnoException);
  }
  const st = fs.fstatSync(fd);
  const uid = myUid();
  if (!st.isFile() || (uid !== null && st.uid !== uid)) {
    fs.closeSync(fd);
    throw new DataDirError(
      !st.isFile()
        ? `${file} is not a regular file; remove it (rm '${file}') and start Tidings again`
        : `${file} belongs to another user (uid ${st.uid}; you are uid ${uid}), so Tidings will not trust it. Remove it (rm '${file}') or make it yours (sudo chown ${uid} '${file}')`,
    );
  }
  return fd;
}

/** The text of a credential file, or null when it does not exist. Never follows a link. */
export function readPrivateFile(file: string): string | null {
  const fd = openPrivate(file, fs.constants.O_RDONLY);
  if (fd === null) return null;
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Make an existing file of ours 0600 (an older version or another umask left it 0644),
 * through its descriptor so a link is never followed. Missing files are left missing.
 */
export function tightenPrivateFile(file: string): void {
  const fd = openPrivate(file, fs.constants.O_RDONLY);
  if (fd === null) return;
  try {
    if (posix && fs.fstatSync(fd).mode & 0o077) fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
}

/** Create an empty 0600 file if none exists (so SQLite's WAL and SHM inherit 0600), else tighten it. */
export function createPrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW, 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fileProblem(file, err as NodeJS.ErrnoException);
    tightenPrivateFile(file);
  }
}

/**
 * Write a credential file atomically with mode 0600: a fresh temporary file (O_EXCL, never a
 * link) renamed over the old one. rename() replaces a link rather than writing through it.
 */
export function writePrivateFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    fs.writeFileSync(fd, text);
    // The umask may have narrowed it further, never widened it; make it exactly 0600.
    if (posix) fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
