// "Start at login": the Linux autostart entry (content, quoting, location) and the glue on
// each OS, with Electron's login-item API mocked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const loginItems = vi.hoisted(() => ({ settings: [] as unknown[], openAtLogin: false, wasOpenedAtLogin: false }));
vi.mock('electron', () => ({
  app: {
    setLoginItemSettings: (s: { openAtLogin: boolean }) => {
      loginItems.settings.push(s);
      loginItems.openAtLogin = s.openAtLogin;
    },
    getLoginItemSettings: () => ({ openAtLogin: loginItems.openAtLogin, wasOpenedAtLogin: loginItems.wasOpenedAtLogin }),
  },
}));

import { autostartCommand, autostartDesktopFile, autostartDir, execArg, setupLoginItem, startedHidden } from '../../../src/main/shell/login-item';

describe('the autostart entry', () => {
  it('runs the app hidden, and says it is an autostart application', () => {
    expect(autostartDesktopFile({ command: '/opt/Tidings/tidings' })).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Tidings',
        'Comment=Webhook inbox for AI assistants',
        'Exec=/opt/Tidings/tidings --hidden',
        'Icon=tidings',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['/opt/Tidings/tidings', '/opt/Tidings/tidings'],
    ['/home/ann/My Apps/Tidings.AppImage', '"/home/ann/My Apps/Tidings.AppImage"'],
    ['/home/ann/$weird/T.AppImage', '"/home/ann/\\\\$weird/T.AppImage"'],
    ['/home/ann/"q"/T', '"/home/ann/\\\\"q\\\\"/T"'],
    ['/home/ann/100%/T', '/home/ann/100%%/T'],
    ['/home/ann/back\\slash', '"/home/ann/back\\\\\\\\slash"'],
    ['/home/ann/`tick`', '"/home/ann/\\\\`tick\\\\`"'],
    ['', '""'],
  ])('quotes %j as %s', (arg, quoted) => {
    expect(execArg(arg)).toBe(quoted);
  });

  it.each([
    [{ execPath: '/tmp/.mount_x/tidings', appImage: '/home/ann/Tidings.AppImage' }, '/home/ann/Tidings.AppImage'],
    [{ execPath: '/opt/Tidings/tidings', appImage: undefined }, '/opt/Tidings/tidings'],
    [{ execPath: '/opt/Tidings/tidings', appImage: '' }, '/opt/Tidings/tidings'],
  ])('starts %j as %s', (input, command) => {
    expect(autostartCommand(input)).toBe(command);
  });

  it.each([
    [{}, '/home/ann/.config/autostart'],
    [{ XDG_CONFIG_HOME: '/home/ann/.cfg' }, '/home/ann/.cfg/autostart'],
    [{ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/ann/.config/autostart'],
    [{ XDG_CONFIG_HOME: '' }, '/home/ann/.config/autostart'],
  ])('lives in the autostart folder for %j', (env, dir) => {
    expect(autostartDir(env, '/home/ann')).toBe(dir);
  });
});

describe('setupLoginItem', () => {
  beforeEach(() => {
    loginItems.settings = [];
    loginItems.openAtLogin = false;
  });

  it('on Linux writes and removes the autostart file', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-home-'));
    const config = path.join(home, 'cfg');
    const item = setupLoginItem({ platform: 'linux', packaged: true, execPath: '/tmp/.mount_q/tidings', env: { XDG_CONFIG_HOME: config, APPIMAGE: '/apps/Tidings.AppImage' } });
    const file = path.join(config, 'autostart', 'tidings.desktop');
    expect(item.supported).toBe(true);
    expect(item.enabled()).toBe(false);
    item.set(true);
    expect(item.enabled()).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec=/apps/Tidings.AppImage --hidden\n');
    item.set(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(item.enabled()).toBe(false);
  });

  it.each([
    ['win32', ['--hidden']],
    ['darwin', []],
  ] as const)('on %s uses Electron login items (args %j)', (platform, args) => {
    const item = setupLoginItem({ platform, packaged: true, execPath: 'x', env: {} });
    item.set(true);
    expect(loginItems.settings).toEqual([{ openAtLogin: true, args }]);
    expect(item.enabled()).toBe(true);
  });

  it.each(['linux', 'darwin', 'win32'] as const)('on %s a development build registers nothing', (platform) => {
    const item = setupLoginItem({ platform, packaged: false, execPath: '/src/node_modules/electron/dist/electron', env: { XDG_CONFIG_HOME: '/nonexistent-tidings-test' } });
    expect(item.supported).toBe(false);
    item.set(true);
    expect(loginItems.settings).toEqual([]);
    expect(fs.existsSync('/nonexistent-tidings-test')).toBe(false);
  });

  it.each([
    [['/opt/Tidings/tidings', '--hidden'], 'linux', false, true],
    [['/opt/Tidings/tidings'], 'linux', false, false],
    [['/Applications/Tidings.app/Contents/MacOS/Tidings'], 'darwin', true, true],
    [['/Applications/Tidings.app/Contents/MacOS/Tidings'], 'darwin', false, false],
  ] as const)('argv %j on %s (opened at login: %s) starts hidden: %s', (argv, platform, atLogin, hidden) => {
    loginItems.wasOpenedAtLogin = atLogin;
    expect(startedHidden(argv, platform)).toBe(hidden);
  });
});
