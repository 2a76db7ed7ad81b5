// The command line Claude Desktop gets for the installed app, for each OS and packaging
// format, and what the bridge starts when no core runs.
import { describe, expect, it } from 'vitest';
import {
  APPIMAGE_LOADER,
  appStartFromBridge,
  bridgeLaunch,
  bridgeScriptPath,
  dataDirArg,
  unstableLaunchReason,
} from '../../../src/main/shell/bridge-launch';
import type { BridgeLaunchInput } from '../../../src/main/shell/bridge-launch';

const RUN_AS_NODE = { ELECTRON_RUN_AS_NODE: '1' };

describe('bridgeLaunch', () => {
  it.each<[string, BridgeLaunchInput, { command: string; args: string[] }]>([
    [
      'macOS .app in /Applications',
      { platform: 'darwin', packaged: true, execPath: '/Applications/Tidings.app/Contents/MacOS/Tidings', appPath: '/Applications/Tidings.app/Contents/Resources/app.asar' },
      { command: '/Applications/Tidings.app/Contents/MacOS/Tidings', args: ['/Applications/Tidings.app/Contents/Resources/app.asar.unpacked/dist/bridge.cjs'] },
    ],
    [
      'macOS .app in ~/Applications with a space in the name',
      { platform: 'darwin', packaged: true, execPath: '/Users/ann/Applications/Tidings Beta.app/Contents/MacOS/Tidings', appPath: '/Users/ann/Applications/Tidings Beta.app/Contents/Resources/app.asar' },
      { command: '/Users/ann/Applications/Tidings Beta.app/Contents/MacOS/Tidings', args: ['/Users/ann/Applications/Tidings Beta.app/Contents/Resources/app.asar.unpacked/dist/bridge.cjs'] },
    ],
    [
      'Windows per-user NSIS install',
      { platform: 'win32', packaged: true, execPath: 'C:\\Users\\Ann\\AppData\\Local\\Programs\\tidings\\Tidings.exe', appPath: 'C:\\Users\\Ann\\AppData\\Local\\Programs\\tidings\\resources\\app.asar' },
      { command: 'C:\\Users\\Ann\\AppData\\Local\\Programs\\tidings\\Tidings.exe', args: ['C:\\Users\\Ann\\AppData\\Local\\Programs\\tidings\\resources\\app.asar.unpacked\\dist\\bridge.cjs'] },
    ],
    [
      'Linux AppImage: the AppImage file, not its temporary mount',
      { platform: 'linux', packaged: true, execPath: '/tmp/.mount_TidingAbC123/tidings', appImage: '/home/ann/Apps/Tidings-0.1.0-x86_64.AppImage', appPath: '/tmp/.mount_TidingAbC123/resources/app.asar' },
      { command: '/home/ann/Apps/Tidings-0.1.0-x86_64.AppImage', args: ['-e', APPIMAGE_LOADER, '--', '--no-sandbox'] },
    ],
    [
      'Linux .deb in /opt',
      { platform: 'linux', packaged: true, execPath: '/opt/Tidings/tidings', appPath: '/opt/Tidings/resources/app.asar' },
      { command: '/opt/Tidings/tidings', args: ['/opt/Tidings/resources/app.asar.unpacked/dist/bridge.cjs'] },
    ],
    [
      'a development checkout (Electron from node_modules)',
      { platform: 'linux', packaged: false, execPath: '/src/tidings/node_modules/electron/dist/electron', appPath: '/src/tidings' },
      { command: '/src/tidings/node_modules/electron/dist/electron', args: ['/src/tidings/dist/bridge.cjs'] },
    ],
    [
      'a non-default data directory travels as a flag',
      { platform: 'darwin', packaged: true, execPath: '/Applications/Tidings.app/Contents/MacOS/Tidings', appPath: '/Applications/Tidings.app/Contents/Resources/app.asar', dataDir: '/Users/ann/tidings-work' },
      { command: '/Applications/Tidings.app/Contents/MacOS/Tidings', args: ['/Applications/Tidings.app/Contents/Resources/app.asar.unpacked/dist/bridge.cjs', '--data-dir', '/Users/ann/tidings-work'] },
    ],
    [
      'an AppImage with a non-default data directory',
      { platform: 'linux', packaged: true, execPath: '/tmp/.mount_x/tidings', appImage: '/opt/apps/Tidings.AppImage', appPath: '/tmp/.mount_x/resources/app.asar', dataDir: '/data/t' },
      { command: '/opt/apps/Tidings.AppImage', args: ['-e', APPIMAGE_LOADER, '--', '--no-sandbox', '--data-dir', '/data/t'] },
    ],
  ])('%s', (_name, input, expected) => {
    expect(bridgeLaunch(input)).toEqual({ ...expected, env: RUN_AS_NODE });
  });

  it('never points into the asar itself', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const p = bridgeScriptPath({ platform, packaged: true, appPath: platform === 'win32' ? 'C:\\T\\resources\\app.asar' : '/T/resources/app.asar' });
      expect(p).toMatch(/app\.asar\.unpacked[\\/]dist[\\/]bridge\.cjs$/);
    }
  });

  it('loads, on an AppImage, the script beside the running binary', () => {
    expect(APPIMAGE_LOADER).toBe('require(require("path").join(require("path").dirname(process.execPath),"resources","app.asar.unpacked","dist","bridge.cjs"))');
  });
});

describe('unstableLaunchReason', () => {
  it.each<[string, Parameters<typeof unstableLaunchReason>[0], RegExp | null]>([
    ['an installed macOS app', { platform: 'darwin', packaged: true, execPath: '/Applications/Tidings.app/Contents/MacOS/Tidings' }, null],
    ['App Translocation', { platform: 'darwin', packaged: true, execPath: '/private/var/folders/x/AppTranslocation/ABC/d/Tidings.app/Contents/MacOS/Tidings' }, /move Tidings to Applications/],
    ['a mounted disk image', { platform: 'darwin', packaged: true, execPath: '/Volumes/Tidings 0.1.0/Tidings.app/Contents/MacOS/Tidings' }, /disk image/],
    ['an AppImage', { platform: 'linux', packaged: true, execPath: '/tmp/.mount_x/tidings', appImage: '/home/a/T.AppImage' }, null],
    ['an AppImage mount without $APPIMAGE', { platform: 'linux', packaged: true, execPath: '/tmp/.mount_x/tidings' }, /APPIMAGE/],
    ['Windows', { platform: 'win32', packaged: true, execPath: 'C:\\P\\Tidings.exe' }, null],
    ['a development build', { platform: 'linux', packaged: false, execPath: '/src/node_modules/electron/dist/electron' }, /development build/],
  ])('%s', (_name, input, reason) => {
    const r = unstableLaunchReason(input);
    if (reason) expect(r).toMatch(reason);
    else expect(r).toBeNull();
  });
});

describe('what the bridge starts when no core runs', () => {
  const env = { ELECTRON_RUN_AS_NODE: '1', HOME: '/home/ann', PATH: '/usr/bin' };
  it.each<[string, Parameters<typeof appStartFromBridge>[0], { command: string; args: string[] }]>([
    [
      'the installed app, hidden',
      { execPath: '/opt/Tidings/tidings', scriptPath: '/opt/Tidings/resources/app.asar.unpacked/dist/bridge.cjs', env },
      { command: '/opt/Tidings/tidings', args: ['--hidden'] },
    ],
    [
      'an AppImage: the file, whose mount goes away with the bridge',
      { execPath: '/tmp/.mount_x/tidings', scriptPath: '/tmp/.mount_x/resources/app.asar.unpacked/dist/bridge.cjs', env: { ...env, APPIMAGE: '/home/ann/T.AppImage' }, dataDir: '/d' },
      { command: '/home/ann/T.AppImage', args: ['--hidden', '--data-dir', '/d'] },
    ],
    [
      'a checkout: Electron on the checkout',
      { execPath: '/src/t/node_modules/electron/dist/electron', scriptPath: '/src/t/dist/bridge.cjs', env },
      { command: '/src/t/node_modules/electron/dist/electron', args: ['/src/t', '--hidden'] },
    ],
  ])('%s', (_name, input, expected) => {
    const start = appStartFromBridge(input);
    expect({ command: start.command, args: start.args }).toEqual(expected);
    // The child is the app, not another Node.
    expect(start.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(start.env.HOME).toBe('/home/ann');
  });
});

describe('dataDirArg', () => {
  it.each([
    [['/x/bridge.cjs'], undefined],
    [['--no-sandbox', '--data-dir', '/d'], '/d'],
    [['/x/bridge.cjs', '--data-dir=/e f'], '/e f'],
    [['--data-dir'], undefined],
  ])('%j → %j', (argv, dir) => {
    expect(dataDirArg(argv)).toBe(dir);
  });
});
