// The Electron entry point of the Tidings tray app (bundled to dist/main/index.cjs): one
// instance per data directory, no Dock icon, logs in the platform's log folder, the shell
// started once Electron is ready, and a quit that waits for the core to close its database.
// The MCP bridge does not come through here: Claude Desktop runs this binary in Node mode on
// dist/bridge.cjs (see shell/bridge-launch.ts).
import { app, dialog } from 'electron';
import { resolveDataDir } from './core/config';
import { parseAppArgs, shellPaths } from './shell/app-paths';
import { startAppShell } from './shell/app-shell';
import { createAppLogger } from './shell/logging';
import type { AppShell } from './shell/app-shell';

// The core runs in this process: its data directory, database, WAL and logs are for this user only.
process.umask(0o077);
const args = parseAppArgs(process.argv);
const dataDir = resolveDataDir(args.dataDir);
const paths = shellPaths({ dataDir, packaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath });
// Before anything reads it: the single-instance lock lives in userData on macOS and Linux.
app.setPath('userData', paths.userData);

if (!app.requestSingleInstanceLock({ dataDir })) {
  // The running instance gets 'second-instance' and shows its window.
  app.quit();
} else {
  run();
}

function run(): void {
  if (process.platform === 'darwin') app.dock?.hide();
  // Windows shows notifications only for an app with an AppUserModelID (the installer's).
  if (process.platform === 'win32') app.setAppUserModelId('dev.tidings.app');
  const logger = createAppLogger({ dir: app.getPath('logs'), stderr: !app.isPackaged });
  logger.info('app starting', { version: app.getVersion(), data_dir: dataDir, packaged: app.isPackaged });
  process.on('uncaughtException', (err) => logger.error('uncaught exception', { error: err.stack ?? String(err) }));
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { error: String(err) }));

  let shell: AppShell | null = null;
  app.on('second-instance', () => shell?.showWindow());
  // macOS does not start a second instance when the app is opened again: it sends 'activate'.
  app.on('activate', () => shell?.showWindow());
  // A tray app stays when its window closes.
  app.on('window-all-closed', () => undefined);

  // Quitting waits for the core: in-flight webhooks are committed, the database is closed
  // and runtime.json removed, and only then does the process exit.
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    const stop = shell?.close() ?? Promise.resolve();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
    void Promise.race([stop, deadline])
      .catch((err: unknown) => logger.error('shutdown failed', { error: String(err) }))
      .then(() => {
        logger.info('app stopped');
        return logger.end();
      })
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(async () => {
      shell = await startAppShell({ args, dataDir, paths, logger });
    })
    .catch((err: unknown) => {
      logger.error('app failed to start', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      dialog.showErrorBox('Tidings could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}
