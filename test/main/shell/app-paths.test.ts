// The app's command line and where it keeps and finds things, packaged and not.
import { describe, expect, it } from 'vitest';
import { parseAppArgs, shellPaths } from '../../../src/main/shell/app-paths';

describe('parseAppArgs', () => {
  it.each([
    [['/opt/Tidings/tidings'], { dataDir: undefined, hidden: false, attach: false }],
    [['/opt/Tidings/tidings', '--hidden'], { dataDir: undefined, hidden: true, attach: false }],
    [['/src/node_modules/electron/dist/electron', '/src', '--attach', '--data-dir', '/tmp/d'], { dataDir: '/tmp/d', hidden: false, attach: true }],
    [['C:\\T\\Tidings.exe', '--data-dir=C:\\data', '--no-sandbox'], { dataDir: 'C:\\data', hidden: false, attach: false }],
    [['/opt/Tidings/tidings', '--data-dir='], { dataDir: undefined, hidden: false, attach: false }],
    [['/opt/Tidings/tidings', '--data-dir'], { dataDir: undefined, hidden: false, attach: false }],
  ])('%j', (argv, args) => {
    expect(parseAppArgs(argv)).toEqual(args);
  });
});

describe('shellPaths', () => {
  it('packaged: code in the asar, icons beside it in resources, Electron\'s files in the data directory', () => {
    expect(shellPaths({ dataDir: '/home/a/.local/share/tidings', packaged: true, appPath: '/opt/Tidings/resources/app.asar', resourcesPath: '/opt/Tidings/resources' })).toEqual({
      userData: '/home/a/.local/share/tidings/app',
      prefs: '/home/a/.local/share/tidings/app/prefs.json',
      preload: '/opt/Tidings/resources/app.asar/dist/preload/index.cjs',
      renderer: '/opt/Tidings/resources/app.asar/dist/renderer',
      trayIcons: '/opt/Tidings/resources/tray',
      appIcon: '/opt/Tidings/resources/icon.png',
    });
  });

  it('in a checkout: everything from the checkout', () => {
    expect(shellPaths({ dataDir: '/d', packaged: false, appPath: '/src/tidings', resourcesPath: '/src/tidings/node_modules/electron/dist/resources' })).toMatchObject({
      preload: '/src/tidings/dist/preload/index.cjs',
      trayIcons: '/src/tidings/resources/tray',
      appIcon: '/src/tidings/resources/icon.png',
    });
  });
});
