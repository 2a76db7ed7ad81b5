// How Claude Desktop (and the other stdio clients) start the Tidings MCP bridge when Tidings
// is the installed app, so that nobody needs Node: the app's own binary, run as plain Node
// with ELECTRON_RUN_AS_NODE=1, on the bridge script shipped outside the asar
// (app.asar.unpacked/dist/bridge.cjs). Pure: the platform and paths come in as arguments.
//
// Why ELECTRON_RUN_AS_NODE rather than a `--mcp-stdio` flag on the normal app:
// - On Windows, Electron replaces process.stdin in the main process with a stream that is
//   always at EOF (electron/lib/common/init.ts: Electron is a GUI-subsystem program), so a
//   bridge inside the app proper would hear nothing from Claude Desktop. Node mode has
//   real stdio on every OS; VS Code's CLI and Claude Desktop's own built-in Node use it.
// - Node mode starts in tens of milliseconds with no Chromium (no GPU or network-service
//   processes, no window-server connection), and it never takes the app's single-instance
//   lock, so the bridge and the tray app can run side by side.
// The cost, and the security trade-off: the RunAsNode fuse must stay on
// (electron-builder.yml). Anyone who can run programs as the user can then use the signed
// Tidings binary as a Node interpreter. That grants nothing the person's own `node` would
// not, except the app's code-signing identity and whatever OS permissions (macOS TCC) the
// app has been given; Tidings asks for none. The fuses around it stay off: NODE_OPTIONS and
// NODE_EXTRA_CA_CERTS are ignored (Node mode included), so an environment handed to the
// bridge cannot preload code into it, and the app itself refuses --inspect / SIGUSR1.
// Turning RunAsNode off later means moving the bridge to `--mcp-stdio` in the app proper,
// with its own reader for fd 0 on Windows.
//
// AppImage: the binary runs from a mount point that changes on every start
// (/tmp/.mount_XXXX), so the entry names the AppImage file itself ($APPIMAGE) and finds the
// script relative to the running binary with `-e`. Its AppRun launcher also adds
// `--no-sandbox` in front of the arguments where user namespaces are off, which Node would
// reject; passing `--no-sandbox` ourselves after `--` keeps AppRun from adding it and makes
// it an ordinary argument that the bridge ignores.
import path from 'node:path';
import type { McpLaunch } from '../clients/launch';

export const BRIDGE_SCRIPT = 'bridge.cjs';
export const RUN_AS_NODE = { ELECTRON_RUN_AS_NODE: '1' } as const;

export interface BridgeLaunchInput {
  platform: NodeJS.Platform;
  /** process.execPath of the running app. */
  execPath: string;
  /** $APPIMAGE when the app runs from an AppImage: its stable path. */
  appImage?: string | undefined;
  packaged: boolean;
  /** app.getAppPath(): .../resources/app.asar when packaged, the checkout when not. */
  appPath: string;
  /** A data directory other than the default, which the client must pass along. */
  dataDir?: string | undefined;
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Where the bridge script lives on disk (never inside the asar: Node mode reads real files). */
export function bridgeScriptPath(input: Pick<BridgeLaunchInput, 'platform' | 'packaged' | 'appPath'>): string {
  const p = pathFor(input.platform);
  return input.packaged ? p.join(`${input.appPath}.unpacked`, 'dist', BRIDGE_SCRIPT) : p.join(input.appPath, 'dist', BRIDGE_SCRIPT);
}

/** Code for `-e`: the script beside the running binary (resources/ on Linux; AppImages are Linux only). */
export const APPIMAGE_LOADER = `require(require("path").join(require("path").dirname(process.execPath),"resources","app.asar.unpacked","dist","${BRIDGE_SCRIPT}"))`;

export function bridgeLaunch(input: BridgeLaunchInput): McpLaunch {
  const dataArgs = input.dataDir ? ['--data-dir', input.dataDir] : [];
  if (input.platform === 'linux' && input.packaged && input.appImage) {
    return { command: input.appImage, args: ['-e', APPIMAGE_LOADER, '--', '--no-sandbox', ...dataArgs], env: { ...RUN_AS_NODE } };
  }
  // The executable inside the .app (Contents/MacOS/Tidings), Tidings.exe, or /opt/Tidings/tidings:
  // all absolute, as Claude Desktop starts servers without a shell or PATH.
  return { command: input.execPath, args: [bridgeScriptPath(input), ...dataArgs], env: { ...RUN_AS_NODE } };
}

/**
 * A path Claude Desktop can still start next week? Not from a mounted disk image, macOS's
 * App Translocation copy (an app opened from Downloads without being moved), or a
 * development checkout's Electron. Returns why, or null.
 */
export function unstableLaunchReason(input: Pick<BridgeLaunchInput, 'platform' | 'execPath' | 'packaged' | 'appImage'>): string | null {
  if (!input.packaged) return 'this is a development build: the entry points at this checkout\'s Electron and dist/bridge.cjs';
  if (input.platform === 'darwin') {
    if (input.execPath.includes('/AppTranslocation/')) return 'macOS is running Tidings from a temporary copy: move Tidings to Applications and open it from there, then connect again';
    if (input.execPath.startsWith('/Volumes/')) return 'Tidings is running from a disk image: drag it to Applications and open it from there, then connect again';
  }
  if (input.platform === 'linux' && !input.appImage && input.execPath.startsWith('/tmp/.mount_')) {
    return 'Tidings runs from a temporary AppImage mount and $APPIMAGE is not set';
  }
  return null;
}

/** How the bridge (in Node mode) starts the tray app when no core is running. */
export interface AppStart {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export function appStartFromBridge(input: { execPath: string; scriptPath: string; env: NodeJS.ProcessEnv; dataDir?: string | undefined }): AppStart {
  // The child must be the app, not another Node: drop the variable that made us Node.
  const env = { ...input.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const tail = ['--hidden', ...(input.dataDir ? ['--data-dir', input.dataDir] : [])];
  // An AppImage's mount disappears when this bridge exits; start the AppImage file itself.
  if (input.env.APPIMAGE) return { command: input.env.APPIMAGE, args: tail, env };
  const packaged = /[\\/]app\.asar\.unpacked[\\/]/.test(input.scriptPath);
  if (packaged) return { command: input.execPath, args: tail, env };
  // A development checkout: dist/bridge.cjs → the checkout is the app to start.
  const root = path.dirname(path.dirname(input.scriptPath));
  return { command: input.execPath, args: [root, ...tail], env };
}

/** `--data-dir DIR` or `--data-dir=DIR` in the bridge's arguments; anything else (AppImage's `--no-sandbox`) is ignored. */
export function dataDirArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') return argv[i + 1];
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length);
  }
  return undefined;
}
