// Auto-update through electron-updater, off until electron-builder.yml names a publish
// target. electron-builder writes resources/app-update.yml only when one is configured, so
// its absence is the switch; `updatesDecision` says why updates are on or off.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger';

export interface UpdatesInput {
  packaged: boolean;
  platform: NodeJS.Platform;
  /** process.resourcesPath. */
  resourcesPath: string;
  appImage?: string | undefined;
  env: NodeJS.ProcessEnv;
  exists?: (file: string) => boolean;
}

export type UpdatesDecision = { enabled: true } | { enabled: false; reason: string };

export function updatesDecision(input: UpdatesInput): UpdatesDecision {
  if (!input.packaged) return { enabled: false, reason: 'a development build does not update itself' };
  if (input.env.TIDINGS_NO_UPDATES) return { enabled: false, reason: 'TIDINGS_NO_UPDATES is set' };
  const exists = input.exists ?? fs.existsSync;
  if (!exists(path.join(input.resourcesPath, 'app-update.yml'))) {
    return { enabled: false, reason: 'no publish target is configured (electron-builder.yml has publish: null)' };
  }
  // electron-updater replaces an AppImage in place; a .deb belongs to the system's package manager.
  if (input.platform === 'linux' && !input.appImage) return { enabled: false, reason: 'a .deb install updates through the package manager' };
  return { enabled: true };
}

const SIX_HOURS = 6 * 3_600_000;

export async function setupUpdater(options: { decision: UpdatesDecision; logger: Logger }): Promise<void> {
  const { decision, logger } = options;
  if (!decision.enabled) {
    logger.info('updates: off', { reason: decision.reason });
    return;
  }
  // Loaded only when on: electron-updater touches the network and the file system at load.
  const { autoUpdater } = await import('electron-updater');
  autoUpdater.logger = {
    info: (m?: unknown) => logger.info(`updates: ${String(m)}`),
    warn: (m?: unknown) => logger.warn(`updates: ${String(m)}`),
    error: (m?: unknown) => logger.error(`updates: ${String(m)}`),
  };
  const check = () => void autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => logger.warn('updates: check failed', { error: String(err) }));
  check();
  setInterval(check, SIX_HOURS).unref();
}
