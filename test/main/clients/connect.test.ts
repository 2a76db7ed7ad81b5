// Connecting AI clients on real files in temporary home folders: backups, modes, atomic
// writes, dry runs, and the `tidings connect|disconnect` commands on top.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerConnect } from '../../../src/main/cli/commands/connect';
import { CliError } from '../../../src/main/cli/client';
import { CLIENTS, clientStatus, ConfigFileError, connectClient, disconnectClient, MAX_BACKUPS } from '../../../src/main/clients/connect';
import type { ConnectOptions } from '../../../src/main/clients/connect';
import { buildEntry, transportOf } from '../../../src/main/clients/entries';
import { configPath } from '../../../src/main/clients/paths';
import type { ClientId } from '../../../src/main/clients/paths';
import { writeRuntime } from '../../../src/main/core/data-dir';

const TOKEN = 'tok_SECRETSECRETSECRETSECRET_wxyz';
const posix = process.platform !== 'win32';

function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-clients-'));
}

function options(home: string, over: Partial<ConnectOptions> = {}): ConnectOptions {
  let clock = Date.UTC(2025, 0, 2, 3, 4, 5);
  return {
    platform: 'linux',
    home,
    launch: { command: '/usr/bin/node', args: ['/opt/tidings/bin/tidings.js', 'mcp'] },
    mcpUrl: 'http://127.0.0.1:8788/mcp',
    token: TOKEN,
    // Each change a second later, as a person would make them.
    now: () => new Date((clock += 1000)),
    ...over,
  };
}

const key = (client: ClientId) => (client === 'vscode' ? 'servers' : 'mcpServers');

function existingConfig(client: ClientId): string {
  return `{\n  "firstSetting": "über ✓",\n  "${key(client)}": {\n    "other": {\n      "command": "uvx",\n      "args": ["other-server"]\n    }\n  },\n  "nested": { "a": [1, 2, { "b": null }] }\n}\n`;
}

function seed(home: string, client: ClientId, text: string, mode = 0o640): string {
  const file = configPath(client, { platform: 'linux', home });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  return file;
}

const backups = (file: string) =>
  fs
    .readdirSync(path.dirname(file))
    .filter((n) => n.startsWith(`${path.basename(file)}.tidings-backup-`))
    .sort();

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('connectClient', () => {
  it.each(CLIENTS)('adds tidings to an existing %s config, keeps the rest, and backs up the old file', (client) => {
    const home = tempHome();
    const before = existingConfig(client);
    const file = seed(home, client, before);
    const result = connectClient(client, options(home));

    expect(result).toMatchObject({ client, path: file, changed: true, dryRun: false });
    expect(result.backupPath).toBe(`${file}.tidings-backup-20250102T030406`);
    expect(fs.readFileSync(result.backupPath!, 'utf8')).toBe(before);
    const after = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(after[key(client)]!.tidings).toEqual(buildEntry(client, options(home)));
    expect(after[key(client)]!.other).toEqual({ command: 'uvx', args: ['other-server'] });
    expect(Object.keys(after)).toEqual(['firstSetting', key(client), 'nested']);
    if (posix) {
      // A file that carries the bearer token (the HTTP clients) becomes owner-only, backup too.
      const expected = transportOf(client) === 'http' ? 0o600 : 0o640;
      expect(modeOf(file)).toBe(expected);
      expect(modeOf(result.backupPath!)).toBe(expected);
    }
    // No temporary files left beside it.
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it.each(CLIENTS)('creates a missing %s config, its folders, with mode 0600 and no backup', (client) => {
    const home = tempHome();
    const result = connectClient(client, options(home));
    const file = configPath(client, { platform: 'linux', home });
    expect(result).toMatchObject({ changed: true, backupPath: null, path: file });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ [key(client)]: { tidings: buildEntry(client, options(home)) } });
    expect(fs.readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    if (posix) expect(modeOf(file)).toBe(0o600);
  });

  it('uses the macOS folders when asked to, from any OS', () => {
    const home = tempHome();
    const result = connectClient('claude', options(home, { platform: 'darwin' }));
    expect(result.path).toBe(path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json'));
    expect(fs.existsSync(result.path)).toBe(true);
  });

  it('changes nothing and makes no backup when the entry is already there', () => {
    const home = tempHome();
    const file = seed(home, 'claude', existingConfig('claude'));
    connectClient('claude', options(home));
    const text = fs.readFileSync(file, 'utf8');
    const mtime = fs.statSync(file).mtimeMs;
    const again = connectClient('claude', options(home));
    expect(again).toMatchObject({ changed: false, backupPath: null, diff: '' });
    expect(again.summary).toMatch(/already/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(backups(file)).toHaveLength(1);
  });

  it('writes nothing on a dry run, but shows the diff', () => {
    const home = tempHome();
    const before = existingConfig('cursor');
    const file = seed(home, 'cursor', before);
    const listing = fs.readdirSync(path.dirname(file));
    const result = connectClient('cursor', options(home, { dryRun: true }));
    expect(result).toMatchObject({ changed: true, dryRun: true, backupPath: null });
    expect(result.diff).toContain('+"tidings": {');
    expect(result.diff).toContain('+  "command": "/usr/bin/node",');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(file))).toEqual(listing);

    const fresh = tempHome();
    connectClient('claude', options(fresh, { dryRun: true }));
    disconnectClient('claude', options(fresh, { dryRun: true }));
    expect(fs.readdirSync(fresh)).toEqual([]);
  });

  it('keeps at most three backups, the newest, and never overwrites one made in the same second', () => {
    const home = tempHome();
    const file = seed(home, 'claude', existingConfig('claude'));
    const opts = options(home);
    const contents: string[] = [];
    for (let n = 0; n < 3; n++) {
      contents.push(fs.readFileSync(file, 'utf8'));
      connectClient('claude', opts);
      contents.push(fs.readFileSync(file, 'utf8'));
      disconnectClient('claude', opts);
    }
    expect(backups(file)).toHaveLength(MAX_BACKUPS);
    expect(backups(file).map((b) => fs.readFileSync(path.join(path.dirname(file), b), 'utf8'))).toEqual(contents.slice(-MAX_BACKUPS));

    const frozen = options(home, { now: () => new Date(Date.UTC(2030, 0, 1)) });
    const a = connectClient('claude', frozen).backupPath!;
    const b = disconnectClient('claude', frozen).backupPath!;
    expect(a).not.toBe(b);
    expect(b).toBe(`${a}-2`);
    expect(fs.readFileSync(a, 'utf8')).not.toBe(fs.readFileSync(b, 'utf8'));
    expect(backups(file).slice(-2)).toEqual([path.basename(a), path.basename(b)]);
  });

  it.each(['vscode', 'windsurf'] as const)('masks the bearer token in the %s diff', (client) => {
    const home = tempHome();
    seed(home, client, existingConfig(client));
    const result = connectClient(client, options(home));
    expect(result.diff).not.toContain(TOKEN);
    expect(result.diff).toContain('"Authorization": "Bearer ••••wxyz"');
    const removed = disconnectClient(client, options(home));
    expect(removed.diff).not.toContain(TOKEN);
    expect(removed.diff).toContain('-    "Authorization": "Bearer ••••wxyz"');
  });

  it('shows an update as lines taken out and put in', () => {
    const home = tempHome();
    seed(home, 'claude', '{\n  "mcpServers": {\n    "tidings": { "command": "/old/node", "args": ["/opt/tidings/bin/tidings.js", "mcp"] }\n  }\n}\n');
    const { diff } = connectClient('claude', options(home));
    expect(diff.split('\n').slice(2)).toEqual([
      '@@ mcpServers.tidings @@',
      ' "tidings": {',
      '-  "command": "/old/node",',
      '+  "command": "/usr/bin/node",',
      '   "args": [',
      '     "/opt/tidings/bin/tidings.js",',
      '     "mcp"',
      '   ]',
      ' }',
    ]);
  });

  it.each([
    ['invalid JSON', '{ "mcpServers": {'],
    ['an array at the top level', '[]'],
    ['servers that are not an object', '{ "mcpServers": "none" }'],
  ])('refuses a config with %s, and writes nothing', (_what, text) => {
    const home = tempHome();
    const file = seed(home, 'claude', text);
    expect(() => connectClient('claude', options(home))).toThrow(ConfigFileError);
    expect(() => disconnectClient('claude', options(home))).toThrow(/nothing was changed/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it('refuses a file that is not UTF-8 rather than mangle it', () => {
    const home = tempHome();
    const file = configPath('claude', { platform: 'linux', home });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    expect(() => connectClient('claude', options(home))).toThrow(/not valid UTF-8/);
  });

  it.skipIf(!posix)('writes through a symlinked config instead of replacing the link', () => {
    const home = tempHome();
    const real = path.join(home, 'dotfiles', 'cursor-mcp.json');
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.writeFileSync(real, existingConfig('cursor'));
    const link = configPath('cursor', { platform: 'linux', home });
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(real, link);
    connectClient('cursor', options(home));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toContain('"tidings"');
  });
});

describe('disconnectClient', () => {
  it.each(CLIENTS)('removes only tidings from %s and leaves the file as it was', (client) => {
    const home = tempHome();
    const before = existingConfig(client);
    const file = seed(home, client, before);
    connectClient(client, options(home));
    const result = disconnectClient(client, options(home));
    expect(result).toMatchObject({ changed: true, dryRun: false });
    expect(result.summary).toBe(`removed tidings from ${key(client)}`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    if (posix) expect(modeOf(file)).toBe(transportOf(client) === 'http' ? 0o600 : 0o640);
    expect(disconnectClient(client, options(home))).toMatchObject({ changed: false, backupPath: null });
  });

  it('leaves no file behind when there was none', () => {
    const home = tempHome();
    expect(disconnectClient('windsurf', options(home))).toMatchObject({ changed: false, backupPath: null, diff: '' });
    expect(fs.readdirSync(home)).toEqual([]);
  });
});

describe('clientStatus', () => {
  it('tells missing, connected, stale and unreadable configs apart', () => {
    const home = tempHome();
    const opts = options(home);
    expect(clientStatus('claude', opts)).toMatchObject({ name: 'Claude Desktop', exists: false, connected: false, entryMatches: false, problem: null });
    connectClient('claude', opts);
    expect(clientStatus('claude', opts)).toMatchObject({ exists: true, connected: true, entryMatches: true });
    expect(clientStatus('claude', { ...opts, launch: { command: '/other/node', args: [] } })).toMatchObject({ connected: true, entryMatches: false });
    expect(clientStatus('claude', { platform: 'linux', home })).toMatchObject({ connected: true, entryMatches: false });
    fs.writeFileSync(configPath('claude', opts), '{ nope');
    const broken = clientStatus('claude', opts);
    expect(broken).toMatchObject({ exists: true, connected: false, entryMatches: false });
    expect(broken.problem).toMatch(/not valid JSON/);
    expect(broken.problem).not.toMatch(/nothing was changed/);
  });
});

describe('tidings connect / disconnect', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  async function cli(args: string[], home: string): Promise<{ code: number; out: string; err: string }> {
    vi.stubEnv('HOME', home);
    vi.stubEnv('USERPROFILE', home);
    vi.stubEnv('XDG_CONFIG_HOME', '');
    vi.stubEnv('TIDINGS_CONTROL_PORT', '');
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    const program = new Command('tidings').option('--data-dir <dir>').exitOverride();
    program.configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
    registerConnect(program);
    for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
    try {
      await program.parseAsync(args, { from: 'user' });
      return { code: 0, out, err };
    } catch (e) {
      // As the entry point does: commander's errors exit 2, CliErrors carry their code.
      if (e instanceof CommanderError) return { code: e.code === 'commander.helpDisplayed' ? 0 : 2, out, err };
      if (e instanceof CliError) return { code: e.exitCode, out, err: err + e.message };
      throw e;
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('refuses an unknown client with exit 2, listing the valid names', async () => {
    const r = await cli(['connect', 'chatgpt'], tempHome());
    expect(r.code).toBe(2);
    expect(r.err).toContain('must be one of claude, claude-code, cursor, vscode, windsurf');
  });

  it('connects Claude Desktop, says where and what next, and launches this checkout\'s bin/tidings.js', async () => {
    const home = tempHome();
    const dataDir = tempHome();
    const file = seed(home, 'claude', existingConfig('claude'));
    const r = await cli(['connect', 'claude', '--data-dir', dataDir], home);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`config  ${file}`);
    expect(r.out).toMatch(/backup {2}.*tidings-backup-\d{8}T\d{6}/);
    expect(r.out).toContain('Restart Claude Desktop');
    const entry = (JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: { tidings: { command: string; args: string[] } } }).mcpServers.tidings;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([path.resolve(__dirname, '../../../bin/tidings.js'), 'mcp', '--data-dir', dataDir]);
    expect(fs.existsSync(entry.args[0]!)).toBe(true);
    // A stdio client needs no token: the data directory is left alone.
    expect(fs.readdirSync(dataDir)).toEqual([]);

    const again = await cli(['connect', 'claude', '--data-dir', dataDir], home);
    expect(again.out).toMatch(/already in mcpServers.*Nothing was written/);
    const off = await cli(['disconnect', 'claude'], home);
    expect(off.out).toContain('Disconnected Claude Desktop: removed tidings from mcpServers.');
    expect(fs.readFileSync(file, 'utf8')).toBe(existingConfig('claude'));
  });

  it('prints the diff on --dry-run and says nothing was written', async () => {
    const home = tempHome();
    const r = await cli(['connect', 'cursor', '--dry-run', '--data-dir', tempHome()], home);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Dry run: nothing was written.');
    expect(r.out).toContain('+"tidings": {');
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('gives HTTP clients the running core\'s URL and token, masked in the output', async () => {
    const home = tempHome();
    const dataDir = tempHome();
    fs.writeFileSync(path.join(dataDir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    writeRuntime(dataDir, {
      pid: process.pid,
      version: 'test',
      started_at: new Date().toISOString(),
      data_dir: dataDir,
      host: '127.0.0.1',
      ingest_port: 18787,
      control_port: 18788,
      ingest_url: 'http://127.0.0.1:18787',
      control_url: 'http://127.0.0.1:18788',
      mcp_url: 'http://127.0.0.1:18788/mcp',
      dashboard_url: 'http://127.0.0.1:18788/',
      mode: 'serve',
    });
    const dry = await cli(['connect', 'vscode', '--dry-run', '--data-dir', dataDir], home);
    expect(dry.out).toContain('Bearer ••••wxyz');
    expect(dry.out).not.toContain(TOKEN);
    expect(dry.out).toMatch(/listens on port 18788, not the configured 8788/);
    const r = await cli(['connect', 'vscode', '--data-dir', dataDir], home);
    expect(r.out).toContain('must be running');
    expect(r.out).not.toContain(TOKEN);
    const written = JSON.parse(fs.readFileSync(configPath('vscode', { platform: 'linux', home }), 'utf8')) as { servers: { tidings: unknown } };
    expect(written.servers.tidings).toEqual({ type: 'http', url: 'http://127.0.0.1:18788/mcp', headers: { Authorization: `Bearer ${TOKEN}` } });
  });

  it('without a running core, uses the configured control port and creates the token', async () => {
    const home = tempHome();
    const dataDir = path.join(tempHome(), 'data');
    const r = await cli(['connect', 'windsurf', '--data-dir', dataDir], home);
    expect(r.code).toBe(0);
    const token = fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
    const written = JSON.parse(fs.readFileSync(configPath('windsurf', { platform: 'linux', home }), 'utf8')) as { mcpServers: { tidings: unknown } };
    expect(written.mcpServers.tidings).toEqual({ serverUrl: 'http://127.0.0.1:8788/mcp', headers: { Authorization: `Bearer ${token}` } });
  });

  it('prints the claude mcp commands with --print, for claude-code only', async () => {
    const home = tempHome();
    const add = await cli(['connect', 'claude-code', '--print', '--data-dir', '/tmp/a b'], home);
    expect(add.out.trim()).toMatch(/^claude mcp add --scope user tidings -- \S+ \S+bin\/tidings\.js mcp --data-dir '\/tmp\/a b'$/);
    expect((await cli(['disconnect', 'claude-code', '--print'], home)).out.trim()).toBe('claude mcp remove --scope user tidings');
    expect(fs.readdirSync(home)).toEqual([]);
    const wrong = await cli(['connect', 'cursor', '--print'], home);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/only for claude-code/);
  });

  it('exits 1 with the file problem when the config is not valid JSON', async () => {
    const home = tempHome();
    const file = seed(home, 'claude-code', '{ "projects": ');
    const r = await cli(['connect', 'claude-code'], home);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file} is not valid JSON`);
    expect(r.err).toContain('nothing was changed');
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "projects": ');
  });
});
