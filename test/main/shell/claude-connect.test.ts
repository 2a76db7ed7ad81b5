// Connecting Claude Desktop from the tray: when to offer, what the question says, and the
// entry written (the app's own binary in Node mode on the bridge script), with the dialogs
// mocked. Nothing is written unless the person says yes.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const dialogs = vi.hoisted(() => ({ answers: [] as number[], shown: [] as Array<{ message: string; detail?: string }> }));
vi.mock('electron', () => ({
  dialog: {
    showMessageBox: async (o: { message: string; detail?: string }) => {
      dialogs.shown.push(o);
      return { response: dialogs.answers.shift() ?? 1 };
    },
  },
}));

import { claudeState, connectOutcome, connectQuestion, setupClaudeConnect, shouldOfferClaude } from '../../../src/main/shell/claude-connect';
import { bridgeLaunch } from '../../../src/main/shell/bridge-launch';
import { createLogger } from '../../../src/main/core/logger';
import { tempDir } from '../../helpers/core';

const status = (patch: Partial<Parameters<typeof claudeState>[0] & object> = {}) => ({
  client: 'claude' as const,
  name: 'Claude Desktop',
  path: '/c.json',
  exists: true,
  connected: false,
  entryMatches: false,
  problem: null,
  ...patch,
});

describe('claudeState', () => {
  it.each([
    [null, 'unknown'],
    [status(), 'not-connected'],
    [status({ connected: true, entryMatches: true }), 'connected'],
    [status({ connected: true, entryMatches: false }), 'outdated'],
    [status({ problem: '/c.json is not valid JSON' }), 'problem'],
  ] as const)('%j → %s', (s, state) => {
    expect(claudeState(s)).toBe(state);
  });
});

describe('shouldOfferClaude', () => {
  const yes = { offer: 'pending', state: 'not-connected', claudeInstalled: true, packaged: true } as const;
  it.each([
    ['first run, Claude Desktop installed, not connected', yes, true],
    ['already asked and declined', { ...yes, offer: 'declined' }, false],
    ['already accepted', { ...yes, offer: 'accepted' }, false],
    ['Claude Desktop not installed', { ...yes, claudeInstalled: false }, false],
    ['already connected', { ...yes, state: 'connected' }, false],
    ['its config is broken (left for the menu, with the reason)', { ...yes, state: 'problem' }, false],
    ['a development build', { ...yes, packaged: false }, false],
  ] as const)('%s: %s', (_name, input, offer) => {
    expect(shouldOfferClaude(input)).toBe(offer);
  });
});

describe('the question and the answer', () => {
  it('says which file changes, that a backup is kept, and that nothing needs Node', () => {
    const q = connectQuestion({ file: '/home/a/.config/Claude/claude_desktop_config.json', firstRun: true, state: 'not-connected', unstable: null });
    expect(q.message).toBe('Connect Claude Desktop to Tidings?');
    expect(q.detail).toContain('/home/a/.config/Claude/claude_desktop_config.json');
    expect(q.detail).toMatch(/backup/);
    expect(q.detail).toMatch(/no Node needed/);
    expect(q.detail).toMatch(/later from the Tidings menu/);
    expect(q.buttons).toEqual(['Connect', 'Not now']);
  });

  it('warns when the app runs from somewhere that will not last', () => {
    const q = connectQuestion({ file: '/f', firstRun: false, state: 'outdated', unstable: 'Tidings is running from a disk image' });
    expect(q.buttons[0]).toBe('Update');
    expect(q.detail).toContain('Note: Tidings is running from a disk image.');
  });

  it.each([
    [{ client: 'claude', path: '/f', changed: true, backupPath: '/f.bak', diff: '', dryRun: false, summary: 'added' }, /is connected/, /Restart Claude Desktop/],
    [{ client: 'claude', path: '/f', changed: false, backupPath: null, diff: '', dryRun: false, summary: 'unchanged' }, /already connected/, /Nothing was written/],
  ] as const)('reports %#', (result, message, detail) => {
    const out = connectOutcome(result);
    expect(out.message).toMatch(message);
    expect(out.detail).toMatch(detail);
  });
});

describe('setupClaudeConnect', () => {
  const logger = createLogger({ stderr: false });
  let home = '';
  let file = '';
  const launch = () => bridgeLaunch({ platform: 'linux', packaged: true, execPath: '/opt/Tidings/tidings', appPath: '/opt/Tidings/resources/app.asar' });
  const connector = () => setupClaudeConnect({ env: { platform: 'linux', home, xdgConfig: path.join(home, '.config') }, launch, unstable: () => null, logger });

  beforeEach(() => {
    home = tempDir('tidings-home-');
    file = path.join(home, '.config', 'Claude', 'claude_desktop_config.json');
    dialogs.answers = [];
    dialogs.shown = [];
  });

  it('writes nothing when the person says "Not now"', async () => {
    dialogs.answers = [1];
    expect(await connector().connect(true)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(dialogs.shown).toHaveLength(1);
  });

  it('adds the entry that runs the app in Node mode, keeping the other servers, and reports it', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { other: { command: 'other' } }, theme: 'dark' }, null, 2));
    const c = connector();
    expect(c.installed()).toBe(true);
    expect(c.state()).toBe('not-connected');
    dialogs.answers = [0, 0];
    expect(await c.connect(false)).toBe(true);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: Record<string, unknown>; theme: string };
    expect(written.theme).toBe('dark');
    expect(written.mcpServers.other).toEqual({ command: 'other' });
    expect(written.mcpServers.tidings).toEqual({
      command: '/opt/Tidings/tidings',
      args: ['/opt/Tidings/resources/app.asar.unpacked/dist/bridge.cjs'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(c.state()).toBe('connected');
    expect(dialogs.shown[1]?.message).toBe('Claude Desktop is connected to Tidings.');
  });

  it('reports a config it cannot read, and leaves it alone', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ not json');
    const c = connector();
    expect(c.state()).toBe('problem');
    dialogs.answers = [0, 0];
    expect(await c.connect(false)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
    expect(dialogs.shown[1]?.message).toBe('Claude Desktop was not connected');
  });
});
