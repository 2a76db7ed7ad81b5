// Connects and disconnects AI clients: reads a client's MCP config, plans the edit, keeps a
// backup and writes atomically. Plain Node (no electron), shared by the CLI, the app's
// "Connect" buttons and the dashboard.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigFileError, findEntry, planConnect, planDisconnect, sameEntry } from './config-file';
import type { ConfigPlan } from './config-file';
import { buildEntry, SERVER_NAME, transportOf } from './entries';
import type { EntryInput } from './entries';
import { CLIENT_NAMES, configPath } from './paths';
import type { ClientEnv, ClientId } from './paths';

export { CLIENTS, CLIENT_NAMES, isClientId } from './paths';
export type { ClientEnv, ClientId } from './paths';
export { ConfigFileError } from './config-file';

export const MAX_BACKUPS = 3;
const BACKUP_INFIX = '.tidings-backup-';
/** Entries can hold the bearer token, so a file we create is for its owner only. */
const NEW_FILE_MODE = 0o600;

export interface FileOptions extends ClientEnv {
  dryRun?: boolean | undefined;
  /** The clock for backup names; tests fix it. */
  now?: (() => Date) | undefined;
}

export interface ConnectOptions extends FileOptions, EntryInput {}

export interface ChangeResult {
  client: ClientId;
  path: string;
  changed: boolean;
  backupPath: string | null;
  /** Unified-style before/after of the `tidings` entry, token masked; '' when unchanged. */
  diff: string;
  dryRun: boolean;
  /** What happened, in a phrase: "added tidings to mcpServers". */
  summary: string;
}

export interface ClientStatus {
  client: ClientId;
  name: string;
  path: string;
  exists: boolean;
  connected: boolean;
  /** The entry is exactly the one `connect` would write now. */
  entryMatches: boolean;
  /** Why the file could not be read (e.g. invalid JSON), or null. */
  problem: string | null;
}

interface Current {
  bytes: Buffer;
  text: string;
}

function readCurrent(file: string): Current | null {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigFileError(`could not read ${file} (${(err as Error).message}); nothing was changed.`);
  }
  try {
    // Fatal: a lenient decode would turn stray bytes into U+FFFD and write them back changed.
    return { bytes, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    throw new ConfigFileError(`${file} is not valid UTF-8 text; nothing was changed.`);
  }
}

export function maskTokens(text: string): string {
  return text.replace(/(Bearer\s+)([^\s"\\]+)/g, (_m, prefix: string, token: string) => `${prefix}••••${token.length > 8 ? token.slice(-4) : ''}`);
}

/** Longest-common-subsequence line diff: entries are a few dozen lines at most. */
function lineDiff(a: string[], b: string[]): string[] {
  const dp: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let x = a.length - 1; x >= 0; x--) {
    for (let y = b.length - 1; y >= 0; y--) {
      dp[x]![y] = a[x] === b[y] ? dp[x + 1]![y + 1]! + 1 : Math.max(dp[x + 1]![y]!, dp[x]![y + 1]!);
    }
  }
  const out: string[] = [];
  let x = 0;
  let y = 0;
  while (x < a.length || y < b.length) {
    if (x < a.length && y < b.length && a[x] === b[y]) {
      out.push(` ${a[x++]}`);
      y++;
    } else if (x < a.length && (y === b.length || dp[x + 1]![y]! >= dp[x]![y + 1]!)) out.push(`-${a[x++]}`);
    else out.push(`+${b[y++]}`);
  }
  return out;
}

export function entryDiff(file: string, plan: ConfigPlan, existed: boolean): string {
  if (!plan.changed) return '';
  const lines = (entry: unknown) => (entry === undefined ? [] : `"${SERVER_NAME}": ${JSON.stringify(entry, null, 2)}`.split('\n'));
  const body = lineDiff(lines(plan.before), lines(plan.after));
  const header = [`--- ${existed ? file : '/dev/null'}`, `+++ ${plan.nextText === null ? '/dev/null' : file}`, `@@ ${plan.serversKey}.${SERVER_NAME} @@`];
  return maskTokens([...header, ...body].join('\n'));
}

function stamp(date: Date): string {
  // UTC, so that names sort in the order they were made whatever the time zone.
  return date.toISOString().replace(/[-:]/g, '').slice(0, 15);
}

function backupsOf(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = path.basename(file) + BACKUP_INFIX;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const key = (name: string) => {
    const m = /^(\d{8}T\d{6})(?:-(\d+))?$/.exec(name.slice(prefix.length));
    return m ? { name, at: m[1]!, seq: Number(m[2] ?? 0) } : null;
  };
  return names
    .filter((n) => n.startsWith(prefix))
    .map(key)
    .filter((k) => k !== null)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq))
    .map((k) => path.join(dir, k.name));
}

function writeBackup(file: string, bytes: Buffer, mode: number, date: Date): string {
  const base = `${file}${BACKUP_INFIX}${stamp(date)}`;
  // Two changes in one second must not overwrite the first backup, which may be the
  // only copy of the person's original file.
  for (let seq = 0; ; seq++) {
    const candidate = seq === 0 ? base : `${base}-${seq + 1}`;
    try {
      fs.writeFileSync(candidate, bytes, { flag: 'wx', mode });
      fs.chmodSync(candidate, mode);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || seq > 100) throw err;
    }
  }
}

function pruneBackups(file: string): void {
  const all = backupsOf(file);
  for (const old of all.slice(0, Math.max(0, all.length - MAX_BACKUPS))) fs.rmSync(old, { force: true });
}

function writeTemp(target: string, text: string, mode: number): string {
  const tmp = `${target}.tidings-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, text);
    fs.fchmodSync(fd, mode); // the umask may have narrowed the mode given to open
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

function sameBytes(a: Current | null, b: Current | null): boolean {
  return a === null || b === null ? a === b : a.bytes.equals(b.bytes);
}

type Planner = (text: string | null, file: string) => ConfigPlan;

function change(client: ClientId, options: FileOptions, planner: Planner): ChangeResult {
  const file = configPath(client, options);
  const dryRun = options.dryRun === true;
  for (let attempt = 1; ; attempt++) {
    const current = readCurrent(file);
    const plan = planner(current?.text ?? null, file);
    const result = { client, path: file, changed: plan.changed, backupPath: null, diff: entryDiff(file, plan, current !== null), dryRun, summary: plan.summary };
    if (!plan.changed || dryRun || plan.nextText === null) return result;

    let tmp: string | null = null;
    try {
      // Write through a symlink (dotfile managers link these files) rather than replace it.
      const target = current ? fs.realpathSync(file) : file;
      // Files of HTTP clients carry the bearer token: owner-only, however they were before.
      const existing = current ? fs.statSync(target).mode & 0o7777 : NEW_FILE_MODE;
      const mode = transportOf(client) === 'http' ? existing & 0o600 : existing;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      tmp = writeTemp(target, plan.nextText, mode);
      // The client may have saved its file meanwhile (Claude Code rewrites ~/.claude.json
      // often): plan again on what is there now rather than lose its change.
      if (!sameBytes(readCurrent(file), current)) {
        fs.rmSync(tmp, { force: true });
        tmp = null;
        if (attempt < 3) continue;
        throw new ConfigFileError(`${file} kept changing while Tidings was updating it; nothing was changed. Close ${CLIENT_NAMES[client]} and try again.`);
      }
      const backupPath = current ? writeBackup(file, current.bytes, mode, (options.now ?? (() => new Date()))()) : null;
      fs.renameSync(tmp, target);
      tmp = null;
      if (backupPath) pruneBackups(file);
      return { ...result, backupPath };
    } catch (err) {
      if (tmp) fs.rmSync(tmp, { force: true });
      if (err instanceof ConfigFileError || !(err as NodeJS.ErrnoException).code) throw err;
      throw new ConfigFileError(`could not write ${file} (${(err as Error).message}); nothing was changed.`);
    }
  }
}

/** Add (or update) the `tidings` server in the client's MCP config. */
export function connectClient(client: ClientId, options: ConnectOptions): ChangeResult {
  const entry = buildEntry(client, options);
  return change(client, options, (text, file) => planConnect(client, text, entry, file));
}

/** Remove the `tidings` server from the client's MCP config; everything else stays. */
export function disconnectClient(client: ClientId, options: FileOptions): ChangeResult {
  return change(client, options, (text, file) => planDisconnect(client, text, file));
}

/** For the dashboard: is the client connected, and to this Tidings as it is now? */
export function clientStatus(client: ClientId, options: ClientEnv & Partial<EntryInput>): ClientStatus {
  const file = configPath(client, options);
  const base = { client, name: CLIENT_NAMES[client], path: file };
  let current: Current | null;
  let entry: unknown;
  try {
    current = readCurrent(file);
    entry = findEntry(client, current?.text ?? null, file);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    // A status only reads, so the "nothing was changed" that a failed connect says is noise here.
    const problem = err.message.replace(/;\s*nothing was changed\.?$/, '.');
    return { ...base, exists: true, connected: false, entryMatches: false, problem };
  }
  const { launch, mcpUrl, token } = options;
  const expected = launch && mcpUrl !== undefined && token !== undefined ? buildEntry(client, { launch, mcpUrl, token }) : undefined;
  return {
    ...base,
    exists: current !== null,
    connected: entry !== undefined,
    entryMatches: entry !== undefined && expected !== undefined && sameEntry(entry, expected),
    problem: null,
  };
}
