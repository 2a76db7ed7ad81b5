// Wires the shell's parts to the core once Electron is ready: the tray and its actions, the
// window, notifications, IPC, the secret store, Claude Desktop, updates. Each part is its own
// module (a pure function plus a setupX); this file only connects them.
import path from 'node:path';
import { app, clipboard, dialog, safeStorage, session, shell } from 'electron';
import { clientEnvFromProcess } from '../clients/paths';
import { defaultDataDir, loadConfig } from '../core/config';
import type { Logger } from '../core/logger';
import { startCore } from '../core/start-core';
import { VERSION } from '../core/version';
import type { NotificationPrefs } from '../../shared/ipc';
import type { AppArgs, ShellPaths } from './app-paths';
import { bridgeLaunch, unstableLaunchReason } from './bridge-launch';
import { setupClaudeConnect, shouldOfferClaude } from './claude-connect';
import { connectCore, coreFailureMessage } from './core-link';
import { followCore } from './follow-core';
import type { CoreLink } from './core-link';
import { setupIpc } from './ipc';
import { setupLoginItem, startedHidden } from './login-item';
import { setupNotifications } from './notifications';
import { loadPrefs } from './prefs';
import { appSecretBackend } from './secret-storage';
import { setupTray } from './tray';
import type { TrayAction } from './tray-view-model';
import { setupUpdater, updatesDecision } from './updater';
import { controlOrigin } from './window-options';
import { createWindowController, guardWebContents, setupSessionSecurity } from './window';

export interface AppShell {
  /** Stop everything; the core too when the app owns it. */
  close(): Promise<void>;
  /** A second launch, or the dock: show the window. */
  showWindow(): void;
}

export async function startAppShell(options: { args: AppArgs; dataDir: string; paths: ShellPaths; logger: Logger }): Promise<AppShell> {
  const { args, dataDir, paths, logger } = options;
  const platform = process.platform;
  const packaged = app.isPackaged;
  const prefs = loadPrefs(paths.prefs);
  if (prefs.problem) logger.warn(prefs.problem);
  let link: CoreLink | null = null;
  let origin: string | null = null;

  setupSessionSecurity(session.defaultSession, () => origin);
  // Every webContents the app ever creates, not only the window's: navigation and new windows.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, () => origin, logger));
  const loginItem = setupLoginItem({ platform, packaged, execPath: process.execPath, env: process.env });
  // A non-default data directory travels as a flag: Claude Desktop starts the bridge without our environment.
  const nonDefaultDir = path.resolve(dataDir) === path.resolve(defaultDataDir()) ? undefined : dataDir;
  const launchInput = { platform, execPath: process.execPath, appImage: process.env.APPIMAGE, packaged, appPath: app.getAppPath(), dataDir: nonDefaultDir };
  const claude = setupClaudeConnect({ env: clientEnvFromProcess(), launch: () => bridgeLaunch(launchInput), unstable: () => unstableLaunchReason(launchInput), logger });

  const setNotifications = (patch: Partial<NotificationPrefs>) => {
    const next = prefs.update({ notifications: { ...prefs.get().notifications, ...patch } }).notifications;
    tray.update({ notifications: next });
    return next;
  };
  const onAction = (action: TrayAction) => {
    const n = prefs.get().notifications;
    switch (action.type) {
      case 'open':
        return void win.show();
      case 'open-event':
        return void win.show(action.id);
      case 'toggle-pause':
        return void setNotifications({ paused: !n.paused });
      case 'toggle-source':
        return void setNotifications({
          mutedSources: n.mutedSources.includes(action.source) ? n.mutedSources.filter((s) => s !== action.source) : [...n.mutedSources, action.source],
        });
      case 'toggle-default':
        return void setNotifications({ defaults: { ...n.defaults, [action.rule]: !n.defaults[action.rule] } });
      case 'copy':
        return clipboard.writeText(action.text);
      case 'connect-claude':
        return void claude.connect(false).then(() => tray.update({ claude: claude.state() }));
      case 'toggle-login-item':
        loginItem.set(!loginItem.enabled());
        return tray.update({ loginItem: { supported: loginItem.supported, enabled: loginItem.enabled() } });
      case 'open-logs':
        return void shell.openPath(app.getPath('logs'));
      case 'quit':
        return app.quit();
    }
  };

  const tray = setupTray({
    iconDir: paths.trayIcons,
    onAction,
    initial: {
      platform,
      core: { status: 'starting', detail: null, attached: false, ingestUrl: null },
      unseen: 0,
      recent: [],
      sources: [],
      publicUrl: null,
      links: [],
      claude: claude.state(),
      loginItem: { supported: loginItem.supported, enabled: loginItem.supported && loginItem.enabled() },
      notifications: prefs.get().notifications,
    },
  });
  const win = createWindowController({
    preload: paths.preload,
    icon: paths.appIcon,
    platform,
    packaged,
    origin: () => origin,
    signInUrl: () => (link ? link.client.signInUrl() : Promise.reject(new Error('the core is not running'))),
    onSeen: () => tray.update({ unseen: 0 }),
    logger,
  });
  const notifications = setupNotifications({ prefs: () => prefs.get().notifications, open: (id) => void win.show(id), logger });

  const storage = appSecretBackend({
    dataDir,
    platform,
    safeStorage,
    onImported: (count) => logger.info('secrets: imported from secrets.json into encrypted storage; the plain file was removed', { count }),
  });
  setupIpc({
    expected: () => ({ webContentsId: win.webContentsId(), origin: origin ?? 'null' }),
    logger,
    handlers: {
      getShellInfo: () => ({
        version: VERSION,
        platform,
        packaged,
        coreMode: link?.mode ?? null,
        // An attached headless core keeps its own store (its documented 0600 file).
        secretStorage:
          link?.mode === 'attached'
            ? { label: 'kept by the headless core (secrets.json, mode 0600)', encrypted: false, warning: null }
            : { label: storage.choice.label, encrypted: storage.choice.encrypted, warning: storage.choice.warning?.body ?? null },
        logsDir: app.getPath('logs'),
      }),
      getNotificationPrefs: () => prefs.get().notifications,
      setNotificationPrefs: (next) => setNotifications(next),
      openLogs: async () => {
        await shell.openPath(app.getPath('logs'));
        return null;
      },
    },
  });

  try {
    const config = loadConfig({ dataDir: args.dataDir });
    link = await connectCore({
      config,
      attachOnly: args.attach,
      startOwned: () => startCore({ config, mode: 'app', logger, secretBackend: storage.backend, clientLaunch: bridgeLaunch(launchInput), staticDir: paths.renderer }),
    });
  } catch (err) {
    const message = coreFailureMessage(err, packaged);
    logger.error('core: did not start', { error: message });
    tray.update({ core: { status: 'failed', detail: message, attached: false, ingestUrl: null } });
    dialog.showErrorBox('Tidings could not start', `${message}\n\nThe log is in ${app.getPath('logs')}.`);
    return { close: async () => tray.destroy(), showWindow: () => undefined };
  }
  const core = link;
  origin = controlOrigin(core.runtime.control_url);
  logger.info('shell: core ready', { mode: core.mode, control: core.runtime.control_url });

  const stopFollowing = await followCore({
    link: core,
    update: (patch) => tray.update(patch),
    current: () => tray.state(),
    watching: () => win.isFocused(),
    onEvent: (e) => notifications.onEvent(e),
    alsoRefresh: () => ({ claude: claude.state() }),
  });

  if (!args.hidden && !startedHidden(process.argv, platform)) void win.show();
  // Only the app's own core uses its secret store; an attached headless core keeps its own file.
  const warning = core.mode === 'owned' ? storage.choice.warning : null;
  if (warning && prefs.get().secretWarningShown !== warning.body) {
    await dialog.showMessageBox({ type: 'warning', message: warning.title, detail: warning.body, buttons: ['OK'] });
    prefs.update({ secretWarningShown: warning.body });
  }
  if (shouldOfferClaude({ offer: prefs.get().claudeOffer, state: claude.state(), claudeInstalled: claude.installed(), packaged })) {
    const accepted = await claude.connect(true);
    prefs.update({ claudeOffer: accepted ? 'accepted' : 'declined' });
    tray.update({ claude: claude.state() });
  }
  void setupUpdater({ decision: updatesDecision({ packaged, platform, resourcesPath: process.resourcesPath, appImage: process.env.APPIMAGE, env: process.env }), logger });

  return {
    showWindow: () => void win.show(),
    async close() {
      stopFollowing();
      notifications.close();
      win.destroy();
      tray.destroy();
      await core.close();
    },
  };
}
