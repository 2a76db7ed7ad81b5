// The AI clients Tidings can connect to, and where each keeps its MCP config on each OS.
// Pure: the platform and folders come in as arguments, so every OS can be checked from one.
import os from 'node:os';
import path from 'node:path';

export const CLIENTS = ['claude', 'claude-code', 'cursor', 'vscode', 'windsurf'] as const;
export type ClientId = (typeof CLIENTS)[number];

export const CLIENT_NAMES: Record<ClientId, string> = {
  claude: 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
};

export function isClientId(value: string): value is ClientId {
  return (CLIENTS as readonly string[]).includes(value);
}

export interface ClientEnv {
  platform: NodeJS.Platform;
  home: string;
  /** %APPDATA% on Windows. */
  appData?: string | undefined;
  /** $XDG_CONFIG_HOME on Linux and the other Unixes. */
  xdgConfig?: string | undefined;
}

/** The folders of the current process, for callers that are not tests. */
export function clientEnvFromProcess(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ClientEnv {
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  return { platform, home, appData: env.APPDATA || undefined, xdgConfig: env.XDG_CONFIG_HOME || undefined };
}

/**
 * The per-user application folder that Electron apps (Claude Desktop, VS Code) use:
 * Electron's `appData`, which is why XDG_CONFIG_HOME counts on Linux.
 */
function appDataDir(env: ClientEnv): string {
  const p = env.platform === 'win32' ? path.win32 : path.posix;
  if (env.platform === 'darwin') return p.join(env.home, 'Library', 'Application Support');
  if (env.platform === 'win32') return env.appData || p.join(env.home, 'AppData', 'Roaming');
  // The XDG spec says a relative value is invalid and must be ignored.
  return env.xdgConfig && p.isAbsolute(env.xdgConfig) ? env.xdgConfig : p.join(env.home, '.config');
}

export function configPath(client: ClientId, env: ClientEnv): string {
  const p = env.platform === 'win32' ? path.win32 : path.posix;
  switch (client) {
    case 'claude':
      return p.join(appDataDir(env), 'Claude', 'claude_desktop_config.json');
    case 'claude-code':
      return p.join(env.home, '.claude.json');
    case 'cursor':
      return p.join(env.home, '.cursor', 'mcp.json');
    case 'vscode':
      return p.join(appDataDir(env), 'Code', 'User', 'mcp.json');
    case 'windsurf':
      return p.join(env.home, '.codeium', 'windsurf', 'mcp_config.json');
  }
}
