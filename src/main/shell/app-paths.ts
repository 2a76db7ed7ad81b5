// Where the tray app finds and keeps things, and what its command line says. Pure: the
// packaged/unpackaged layouts and the flags are tested without Electron.
import path from 'node:path';

export interface AppArgs {
  /** --data-dir DIR (or --data-dir=DIR). */
  dataDir: string | undefined;
  /** --hidden: started at login or by the MCP bridge, so no window opens. */
  hidden: boolean;
  /** --attach: never start a core here, wait for one (`npm start` in a checkout runs it under Node). */
  attach: boolean;
}

/** Scans the whole argv: Electron puts its own binary (and, unpackaged, the app path) first, and Chromium switches anywhere. */
export function parseAppArgs(argv: readonly string[]): AppArgs {
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir' && i + 1 < argv.length) dataDir = argv[++i];
    else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
  }
  return { dataDir: dataDir || undefined, hidden: argv.includes('--hidden'), attach: argv.includes('--attach') };
}

export interface ShellPaths {
  /** Electron's own files (cookies, the safeStorage key on Windows and Linux), kept per data directory. */
  userData: string;
  prefs: string;
  preload: string;
  renderer: string;
  trayIcons: string;
  appIcon: string;
}

export function shellPaths(input: { dataDir: string; packaged: boolean; appPath: string; resourcesPath: string }): ShellPaths {
  // In the data directory rather than Electron's default, which on macOS and Windows is the
  // data directory itself: Chromium's files stay out of the way of tidings.db, and the
  // safeStorage key stays with the secrets it encrypts.
  const userData = path.join(input.dataDir, 'app');
  const resources = input.packaged ? input.resourcesPath : path.join(input.appPath, 'resources');
  return {
    userData,
    prefs: path.join(userData, 'prefs.json'),
    preload: path.join(input.appPath, 'dist', 'preload', 'index.cjs'),
    renderer: path.join(input.appPath, 'dist', 'renderer'),
    trayIcons: path.join(resources, 'tray'),
    appIcon: path.join(resources, 'icon.png'),
  };
}
