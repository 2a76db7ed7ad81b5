// The `tidings` server entry in the shape each AI client expects, and the key of the map
// it goes under. Pure: the launch, URL and token come in as arguments.
import type { McpLaunch } from './launch';
import type { ClientId } from './paths';

export const SERVER_NAME = 'tidings';

export interface EntryInput {
  launch: McpLaunch;
  mcpUrl: string;
  token: string;
}

export interface StdioEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}
export interface ClaudeCodeEntry extends StdioEntry {
  type: 'stdio';
}
export interface VsCodeEntry {
  type: 'http';
  url: string;
  headers: { Authorization: string };
}
export interface WindsurfEntry {
  serverUrl: string;
  headers: { Authorization: string };
}
export type ServerEntry = StdioEntry | ClaudeCodeEntry | VsCodeEntry | WindsurfEntry;

/** Stdio clients start the bridge themselves; HTTP clients need a core that is already running. */
export function transportOf(client: ClientId): 'stdio' | 'http' {
  return client === 'vscode' || client === 'windsurf' ? 'http' : 'stdio';
}

export function serversKey(client: ClientId): 'mcpServers' | 'servers' {
  return client === 'vscode' ? 'servers' : 'mcpServers';
}

function stdio(launch: McpLaunch): StdioEntry {
  // An empty env is left out: clients treat a missing one the same, and it reads better.
  const env = launch.env && Object.keys(launch.env).length > 0 ? { env: { ...launch.env } } : {};
  return { command: launch.command, args: [...launch.args], ...env };
}

export function claudeDesktopEntry(input: EntryInput): StdioEntry {
  return stdio(input.launch);
}

export function cursorEntry(input: EntryInput): StdioEntry {
  return stdio(input.launch);
}

export function claudeCodeEntry(input: EntryInput): ClaudeCodeEntry {
  return { type: 'stdio', ...stdio(input.launch) };
}

export function vscodeEntry(input: EntryInput): VsCodeEntry {
  return { type: 'http', url: input.mcpUrl, headers: { Authorization: `Bearer ${input.token}` } };
}

export function windsurfEntry(input: EntryInput): WindsurfEntry {
  return { serverUrl: input.mcpUrl, headers: { Authorization: `Bearer ${input.token}` } };
}

export function buildEntry(client: ClientId, input: EntryInput): ServerEntry {
  switch (client) {
    case 'claude':
      return claudeDesktopEntry(input);
    case 'claude-code':
      return claudeCodeEntry(input);
    case 'cursor':
      return cursorEntry(input);
    case 'vscode':
      return vscodeEntry(input);
    case 'windsurf':
      return windsurfEntry(input);
  }
}

export type Shell = 'posix' | 'windows';

/** One argument, quoted only when it needs to be, for sh/bash/zsh or for PowerShell/cmd. */
export function shellQuote(arg: string, shell: Shell = 'posix'): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./\\-]+$/.test(arg) && (shell === 'windows' || !arg.includes('\\'))) return arg;
  // Double quotes are the one form both PowerShell and cmd accept; Windows paths cannot
  // contain a double quote, so escaping it is only for odd arguments.
  if (shell === 'windows') return `"${arg.replace(/"/g, '\\"')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The `claude mcp add` line that makes the same user-scope entry as `tidings connect claude-code`. */
export function claudeCodeCommand(launch: McpLaunch, shell: Shell = 'posix'): string {
  const q = (s: string) => shellQuote(s, shell);
  // `-e` takes several values, so it goes after the name, where `--` ends it.
  const env = Object.entries(launch.env ?? {}).flatMap(([k, v]) => ['-e', q(`${k}=${v}`)]);
  return ['claude', 'mcp', 'add', '--scope', 'user', SERVER_NAME, ...env, '--', q(launch.command), ...launch.args.map(q)].join(' ');
}

export function claudeCodeRemoveCommand(): string {
  return `claude mcp remove --scope user ${SERVER_NAME}`;
}
