// Planning the edit to a client's MCP config: the tidings entry goes in and out, and every
// other byte of the person's file stays as it was.
import { describe, expect, it } from 'vitest';
import { ConfigFileError, findEntry, planConnect, planDisconnect, sameEntry } from '../../../src/main/clients/config-file';
import { buildEntry, claudeCodeCommand, shellQuote } from '../../../src/main/clients/entries';
import type { EntryInput } from '../../../src/main/clients/entries';
import { cliLaunch } from '../../../src/main/clients/launch';
import { CLIENTS } from '../../../src/main/clients/paths';
import type { ClientId } from '../../../src/main/clients/paths';

const input: EntryInput = {
  launch: { command: '/usr/local/bin/node', args: ['/opt/tidings/bin/tidings.js', 'mcp'] },
  mcpUrl: 'http://127.0.0.1:8788/mcp',
  token: 'tok_abcdefghijklmnopqrstuvwxyz0123456789',
};
const entry = (client: ClientId, over: Partial<EntryInput> = {}) => buildEntry(client, { ...input, ...over });
const mapKey = (client: ClientId) => (client === 'vscode' ? 'servers' : 'mcpServers');

/** A file a person has lived with: unicode, escapes, nested settings, other servers. */
const lived = `{
  "title": "Réglages — 設定 ✨",
  "escaped": "caf\\u00e9 \\"quoted\\" \\\\ back",
  "numbers": [1.0, 2e3, -0, 12345678901234567890],
  "nested": {
    "deep": { "deeper": [ { "a": null }, true, false ] },
    "empty": {},
    "list": []
  },
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/ada/Desktop"]
    },
    "github": { "command": "docker", "env": { "GITHUB_TOKEN": "ghp_x" } }
  },
  "zLast": "🦄"
}
`;

describe('planConnect', () => {
  it.each(CLIENTS)('writes a new %s file with 2-space indentation and a trailing newline', (client) => {
    for (const existing of [null, '', '  \n']) {
      const plan = planConnect(client, existing, entry(client));
      expect(plan.changed).toBe(true);
      expect(plan.nextText).toBe(`${JSON.stringify({ [mapKey(client)]: { tidings: entry(client) } }, null, 2)}\n`);
    }
  });

  it('builds the entry each client expects', () => {
    expect(entry('claude')).toEqual({ command: '/usr/local/bin/node', args: ['/opt/tidings/bin/tidings.js', 'mcp'] });
    expect(entry('cursor')).toEqual(entry('claude'));
    expect(entry('claude-code')).toEqual({ type: 'stdio', command: '/usr/local/bin/node', args: ['/opt/tidings/bin/tidings.js', 'mcp'] });
    expect(entry('vscode')).toEqual({ type: 'http', url: input.mcpUrl, headers: { Authorization: `Bearer ${input.token}` } });
    expect(entry('windsurf')).toEqual({ serverUrl: input.mcpUrl, headers: { Authorization: `Bearer ${input.token}` } });
    expect(entry('claude', { launch: { ...input.launch, env: { A: '1' } } })).toMatchObject({ env: { A: '1' } });
    expect(entry('claude', { launch: { ...input.launch, env: {} } })).not.toHaveProperty('env');
  });

  it('keeps every other server and key, in their order, byte for byte', () => {
    const plan = planConnect('claude', lived, entry('claude'));
    expect(plan.changed).toBe(true);
    expect(plan.summary).toBe('added tidings to mcpServers');
    const next = plan.nextText!;
    // One insertion: everything before and after it is the original text.
    const at = lived.indexOf('\n  },\n  "zLast"');
    expect(next.startsWith(lived.slice(0, at))).toBe(true);
    expect(next.endsWith(lived.slice(at))).toBe(true);
    const parsed = JSON.parse(next) as Record<string, Record<string, unknown>>;
    expect(Object.keys(parsed)).toEqual(['title', 'escaped', 'numbers', 'nested', 'mcpServers', 'zLast']);
    expect(Object.keys(parsed.mcpServers!)).toEqual(['filesystem', 'github', 'tidings']);
    expect(parsed.mcpServers!.tidings).toEqual(entry('claude'));
    expect(next).toContain('\n    "tidings": {\n      "command": "/usr/local/bin/node",\n');
  });

  it('adds the server map at the end when there is none, and keeps the rest', () => {
    const text = '{\n  "globalShortcut": "Alt+Space",\n  "theme": "dark"\n}\n';
    const plan = planConnect('vscode', text, entry('vscode'));
    expect(plan.summary).toBe('added servers with tidings');
    expect(plan.nextText!.startsWith('{\n  "globalShortcut": "Alt+Space",\n  "theme": "dark",\n  "servers": {\n    "tidings": {\n')).toBe(true);
    expect(JSON.parse(plan.nextText!)).toEqual({ globalShortcut: 'Alt+Space', theme: 'dark', servers: { tidings: entry('vscode') } });
  });

  it('fills an empty server map in place', () => {
    const text = '{\n  "mcpServers": {},\n  "after": 1\n}\n';
    const next = planConnect('cursor', text, entry('cursor')).nextText!;
    expect(next).toBe(`{\n  "mcpServers": {\n    "tidings": ${JSON.stringify(entry('cursor'), null, 2).replace(/\n/g, '\n    ')}\n  },\n  "after": 1\n}\n`);
  });

  it('replaces an outdated tidings entry where it stands', () => {
    const old = '{\n  "mcpServers": {\n    "tidings": { "command": "old-node", "args": [] },\n    "other": {}\n  }\n}\n';
    const plan = planConnect('claude', old, entry('claude'));
    expect(plan.summary).toBe('updated tidings in mcpServers');
    expect(plan.before).toEqual({ command: 'old-node', args: [] });
    expect(Object.keys((JSON.parse(plan.nextText!) as { mcpServers: object }).mcpServers)).toEqual(['tidings', 'other']);
    expect(plan.nextText!.endsWith('    },\n    "other": {}\n  }\n}\n')).toBe(true);
  });

  it.each(CLIENTS)('is idempotent for %s: the same entry again changes nothing', (client) => {
    const once = planConnect(client, lived, entry(client)).nextText!;
    const twice = planConnect(client, once, entry(client));
    expect(twice.changed).toBe(false);
    expect(twice.nextText).toBe(once);
    expect(twice.summary).toMatch(/already/);
  });

  it('treats the same entry in another key order, or with an empty env, as unchanged', () => {
    const rewritten = `{"mcpServers":{"tidings":{"env":{},"args":${JSON.stringify(input.launch.args)},"command":"${input.launch.command}","type":"stdio"}}}`;
    expect(planConnect('claude-code', rewritten, entry('claude-code')).changed).toBe(false);
    expect(sameEntry({ a: 1, env: { X: '1' } }, { a: 1 })).toBe(false);
  });

  it('follows the file: tabs, CRLF line ends and minified files stay that way', () => {
    const tabs = planConnect('claude', '{\n\t"a": 1\n}\n', entry('claude')).nextText!;
    expect(tabs).toMatch(/^\{\n\t"a": 1,\n\t"mcpServers": \{\n\t\t"tidings": \{\n\t\t\t"command"/);
    const crlf = planConnect('claude', '{\r\n  "a": 1\r\n}\r\n', entry('claude')).nextText!;
    expect(crlf.replace(/\r\n/g, '')).not.toContain('\n');
    expect(crlf.endsWith('}\r\n')).toBe(true);
    const mini = planConnect('claude', '{"a":1}', entry('claude')).nextText!;
    expect(mini).toBe(`{"a":1,"mcpServers":{"tidings":${JSON.stringify(entry('claude'))}}}\n`);
  });

  it('keeps a UTF-8 byte order mark and a "__proto__" key as they are', () => {
    const text = '\uFEFF{\n  "__proto__": { "x": 1 },\n  "mcpServers": {}\n}\n';
    const next = planConnect('claude', text, entry('claude')).nextText!;
    expect(next.startsWith('\uFEFF{\n  "__proto__": { "x": 1 },\n  "mcpServers": {\n')).toBe(true);
    expect(planDisconnect('claude', next).nextText).toBe(text);
  });

  it('reads VS Code mcp.json as JSON with comments, and keeps the comments', () => {
    const text = '{\n  // my servers\n  "servers": {\n    "a": { "type": "http", "url": "x" }, // the a server\n  },\n  /* inputs */ "inputs": [],\n}\n';
    const plan = planConnect('vscode', text, entry('vscode'));
    const next = plan.nextText!;
    expect(next).toContain('// my servers');
    expect(next).toContain('"url": "x" }, // the a server\n    "tidings": {');
    expect(next).toContain('/* inputs */ "inputs": [],\n}');
    expect(findEntry('vscode', next)).toEqual(entry('vscode'));
    expect(planDisconnect('vscode', next).nextText).toBe(text);
  });

  it.each(['claude', 'cursor', 'windsurf', 'claude-code'] as const)('reads a %s file with comments and trailing commas, and keeps them byte for byte', (client) => {
    const text = `{\n  // my servers\n  "mcpServers": {\n    "a": { "command": "a" }, // the a server\n  },\n}\n`;
    const plan = planConnect(client, text, entry(client));
    const next = plan.nextText!;
    expect(next).toContain('// my servers');
    expect(next).toContain('"a": { "command": "a" }, // the a server\n    "tidings": {');
    expect(findEntry(client, next)).toEqual(entry(client));
    expect(planDisconnect(client, next).nextText).toBe(text);
  });

  it.each([
    ['invalid JSON', '{ "mcpServers": { ', /not valid JSON \(comments and trailing commas allowed\): .*line 1, column 19.*nothing was changed/],
    ['a doubled comma', '{ "a": 1,, }', /not valid JSON \(comments and trailing commas allowed\): expected a quoted key/],
    ['an unterminated comment', '{ /* "a": 1 }', /unterminated comment/],
    ['text after the JSON', '{} {}', /not valid JSON/],
    ['an array at the top level', '[{"mcpServers": {}}]', /holds an array at the top level.*nothing was changed/],
    ['a string at the top level', '"hello"', /holds a string at the top level/],
    ['servers that are not an object', '{ "mcpServers": [] }', /"mcpServers" set to an array.*nothing was changed/],
    ['servers that are null', '{ "mcpServers": null }', /"mcpServers" set to null/],
  ])('refuses %s with a ConfigFileError naming the problem', (_what, text, message) => {
    for (const plan of [() => planConnect('claude', text, entry('claude'), '/cfg/claude.json'), () => planDisconnect('claude', text, '/cfg/claude.json')]) {
      let error: unknown;
      try {
        plan();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('/cfg/claude.json');
    }
  });

  it('names the client when no file path is given', () => {
    expect(() => planConnect('vscode', '{ "servers": 1 }', entry('vscode'))).toThrow(/the VS Code config has "servers" set to a number/);
  });
});

describe('planDisconnect', () => {
  it('removes only tidings, leaving the file as it was before connect, byte for byte', () => {
    for (const client of CLIENTS) {
      const connected = planConnect(client, lived, entry(client)).nextText!;
      const plan = planDisconnect(client, connected);
      expect(plan.changed).toBe(true);
      expect(plan.before).toEqual(entry(client));
      // VS Code's map is `servers`, which connect had to add; the emptied map stays.
      expect(plan.nextText).toBe(client === 'vscode' ? lived.replace('"🦄"\n', '"🦄",\n  "servers": {}\n') : lived);
    }
  });

  it('removes a first or middle entry and its comma cleanly', () => {
    const text = '{\n  "mcpServers": {\n    "tidings": { "command": "x" },\n    "b": {}\n  }\n}\n';
    expect(planDisconnect('claude', text).nextText).toBe('{\n  "mcpServers": {\n    "b": {}\n  }\n}\n');
    const inline = '{"mcpServers":{"a":1,"tidings":{"command":"x"},"b":2}}';
    expect(planDisconnect('claude', inline).nextText).toBe('{"mcpServers":{"a":1,"b":2}}\n');
    const last = '{"mcpServers":{"a":1, "tidings":{"command":"x"}}}';
    expect(planDisconnect('claude', last).nextText).toBe('{"mcpServers":{"a":1}}\n');
  });

  it('leaves an empty server map in place', () => {
    const connected = planConnect('windsurf', '{\n  "mcpServers": {}\n}\n', entry('windsurf')).nextText!;
    expect(planDisconnect('windsurf', connected).nextText).toBe('{\n  "mcpServers": {}\n}\n');
  });

  it('removes every duplicate tidings key, so an earlier one cannot come back into force', () => {
    const text = '{\n  "mcpServers": {\n    "tidings": {"command": "a"},\n    "keep": {},\n    "tidings": {"command": "b"}\n  }\n}\n';
    expect(findEntry('claude', text)).toEqual({ command: 'b' });
    expect(planDisconnect('claude', text).nextText).toBe('{\n  "mcpServers": {\n    "keep": {}\n  }\n}\n');
  });

  it('changes nothing when there is no file, no map or no tidings', () => {
    expect(planDisconnect('claude', null)).toMatchObject({ nextText: null, changed: false });
    for (const text of ['{}', '{\n  "a": 1\n}\n', '{ "mcpServers": { "x": {} } }', '']) {
      expect(planDisconnect('claude', text)).toMatchObject({ nextText: text, changed: false });
    }
  });
});

describe('launch and the claude mcp add line', () => {
  it('adds --data-dir only when it is not the default', () => {
    const base = { defaultDataDir: '/home/ada/.local/share/tidings', execPath: '/usr/bin/node', cliScript: '/opt/t/bin/tidings.js' };
    expect(cliLaunch({ ...base, dataDir: '/home/ada/.local/share/tidings/' })).toEqual({ command: '/usr/bin/node', args: ['/opt/t/bin/tidings.js', 'mcp'] });
    expect(cliLaunch(base).args).toEqual(['/opt/t/bin/tidings.js', 'mcp']);
    expect(cliLaunch({ ...base, dataDir: '/srv/tidings' }).args).toEqual(['/opt/t/bin/tidings.js', 'mcp', '--data-dir', '/srv/tidings']);
  });

  it('quotes arguments for the shell only when they need it', () => {
    expect(claudeCodeCommand(input.launch)).toBe('claude mcp add --scope user tidings -- /usr/local/bin/node /opt/tidings/bin/tidings.js mcp');
    const spaced = { command: '/Applications/My Node/node', args: ["/Users/o'neil/bin/tidings.js", 'mcp', '--data-dir', '/tmp/a b'], env: { K: 'v w' } };
    expect(claudeCodeCommand(spaced)).toBe(
      "claude mcp add --scope user tidings -e 'K=v w' -- '/Applications/My Node/node' '/Users/o'\\''neil/bin/tidings.js' mcp --data-dir '/tmp/a b'",
    );
    expect(claudeCodeCommand({ command: 'C:\\Program Files\\nodejs\\node.exe', args: ['C:\\t\\bin\\tidings.js', 'mcp'] }, 'windows')).toBe(
      'claude mcp add --scope user tidings -- "C:\\Program Files\\nodejs\\node.exe" C:\\t\\bin\\tidings.js mcp',
    );
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('a\\b')).toBe("'a\\b'");
  });
});
