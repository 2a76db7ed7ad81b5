// Where each AI client keeps its MCP config, on every OS, checked from any OS.
import { describe, expect, it } from 'vitest';
import { CLIENTS, CLIENT_NAMES, clientEnvFromProcess, configPath, isClientId } from '../../../src/main/clients/paths';
import type { ClientEnv, ClientId } from '../../../src/main/clients/paths';

const mac: ClientEnv = { platform: 'darwin', home: '/Users/ada' };
const win: ClientEnv = { platform: 'win32', home: 'C:\\Users\\ada', appData: 'C:\\Users\\ada\\AppData\\Roaming' };
const linux: ClientEnv = { platform: 'linux', home: '/home/ada' };

const envs = { darwin: mac, win32: win, linux } as const;
const table: [ClientId, keyof typeof envs, string][] = [
  ['claude', 'darwin', '/Users/ada/Library/Application Support/Claude/claude_desktop_config.json'],
  ['claude', 'win32', 'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json'],
  ['claude', 'linux', '/home/ada/.config/Claude/claude_desktop_config.json'],
  ['claude-code', 'darwin', '/Users/ada/.claude.json'],
  ['claude-code', 'win32', 'C:\\Users\\ada\\.claude.json'],
  ['claude-code', 'linux', '/home/ada/.claude.json'],
  ['cursor', 'darwin', '/Users/ada/.cursor/mcp.json'],
  ['cursor', 'win32', 'C:\\Users\\ada\\.cursor\\mcp.json'],
  ['cursor', 'linux', '/home/ada/.cursor/mcp.json'],
  ['vscode', 'darwin', '/Users/ada/Library/Application Support/Code/User/mcp.json'],
  ['vscode', 'win32', 'C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json'],
  ['vscode', 'linux', '/home/ada/.config/Code/User/mcp.json'],
  ['windsurf', 'darwin', '/Users/ada/.codeium/windsurf/mcp_config.json'],
  ['windsurf', 'win32', 'C:\\Users\\ada\\.codeium\\windsurf\\mcp_config.json'],
  ['windsurf', 'linux', '/home/ada/.codeium/windsurf/mcp_config.json'],
];

describe('configPath', () => {
  it.each(table)('puts %s on %s at %s', (client, platform, expected) => {
    expect(configPath(client, envs[platform])).toBe(expected);
  });

  it('covers every client on every platform in the table', () => {
    for (const client of CLIENTS) expect(table.filter(([c]) => c === client)).toHaveLength(3);
  });

  it('honours XDG_CONFIG_HOME on Linux for the Electron apps, and only there', () => {
    const env = { ...linux, xdgConfig: '/data/cfg' };
    expect(configPath('claude', env)).toBe('/data/cfg/Claude/claude_desktop_config.json');
    expect(configPath('vscode', env)).toBe('/data/cfg/Code/User/mcp.json');
    expect(configPath('cursor', env)).toBe('/home/ada/.cursor/mcp.json');
    expect(configPath('claude', { ...mac, xdgConfig: '/data/cfg' })).toBe(configPath('claude', mac));
  });

  it('ignores a relative XDG_CONFIG_HOME, as the XDG spec says to', () => {
    expect(configPath('claude', { ...linux, xdgConfig: 'cfg' })).toBe('/home/ada/.config/Claude/claude_desktop_config.json');
  });

  it('falls back to AppData\\Roaming when %APPDATA% is not set', () => {
    expect(configPath('claude', { platform: 'win32', home: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    );
  });
});

describe('client ids', () => {
  it('has a human name for every client and recognises only the ids', () => {
    expect(CLIENTS.map((c) => CLIENT_NAMES[c])).toEqual(['Claude Desktop', 'Claude Code', 'Cursor', 'VS Code', 'Windsurf']);
    expect(isClientId('claude-code')).toBe(true);
    expect(isClientId('Claude')).toBe(false);
    expect(isClientId('toString')).toBe(false);
  });

  it('reads the folders of a process environment per platform', () => {
    expect(clientEnvFromProcess({ HOME: '/home/x', XDG_CONFIG_HOME: '' }, 'linux')).toEqual({
      platform: 'linux',
      home: '/home/x',
      appData: undefined,
      xdgConfig: undefined,
    });
    expect(clientEnvFromProcess({ USERPROFILE: 'C:\\Users\\x', APPDATA: 'D:\\roam' }, 'win32')).toMatchObject({ home: 'C:\\Users\\x', appData: 'D:\\roam' });
  });
});
