// Where Electron's binary is, or one sentence saying why `npm start` runs headless. Electron's
// own error when its binary was never fetched ("please delete node_modules/electron and try
// installing again") is not quoted: our installs skip the download on purpose, and deleting
// node_modules would not change that.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const FETCH = 'fetch it once with `node node_modules/electron/install.js`';

/** `resolve` is `require('electron')` (the binary's path), injectable for tests. */
export function electronBinary({ env = process.env, platform = process.platform, resolve = () => createRequire(import.meta.url)('electron') } = {}) {
  if (env.TIDINGS_HEADLESS) return { why: 'TIDINGS_HEADLESS is set' };
  let binary;
  try {
    binary = resolve();
  } catch {
    return { why: `Electron's binary is not installed (${FETCH} to get the tray app)` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { why: `Electron's binary is not at ${String(binary)} (${FETCH} to get the tray app)` };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { why: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  return { binary };
}
