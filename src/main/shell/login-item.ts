// "Start at login": Electron's login items on macOS and Windows; on Linux, where Electron
// has none, an XDG autostart entry (~/.config/autostart/tidings.desktop). The entry's
// content and path are pure functions, tested; the rest is a thin wrapper.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app } from 'electron';

/** Started at login, the app opens no window: it lives in the tray until asked. */
export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE = 'tidings.desktop';

/** $XDG_CONFIG_HOME/autostart (an absolute XDG_CONFIG_HOME only, as the spec says), else ~/.config/autostart. */
export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  const config = env.XDG_CONFIG_HOME && path.posix.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.posix.join(home, '.config');
  return path.posix.join(config, 'autostart');
}

/**
 * One argument of an Exec line, per the Desktop Entry spec: quoted when it holds a
 * reserved character (with `"`, `` ` ``, `$` and `\` escaped inside the quotes), `%`
 * doubled so it is not a field code, and then escaped once more as a string value.
 */
export function execArg(arg: string): string {
  let out = arg.replace(/%/g, '%%');
  if (/[\s"'\\<>~|&;$*?#()`]/.test(arg) || arg === '') out = `"${out.replace(/(["`$\\])/g, '\\$1')}"`;
  return out.replace(/\\/g, '\\\\');
}

/** The program autostart should run: the AppImage file itself (stable), else the executable. */
export function autostartCommand(input: { execPath: string; appImage?: string | undefined }): string {
  return input.appImage || input.execPath;
}

export function autostartDesktopFile(input: { command: string; args?: readonly string[] }): string {
  const exec = [input.command, ...(input.args ?? [HIDDEN_FLAG])].map(execArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Tidings',
    'Comment=Webhook inbox for AI assistants',
    `Exec=${exec}`,
    'Icon=tidings',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LoginItem {
  supported: boolean;
  enabled(): boolean;
  set(enabled: boolean): void;
}

/** Only an installed app may register itself: a development build would register the bare Electron binary. */
export function setupLoginItem(options: { platform: NodeJS.Platform; packaged: boolean; execPath: string; env: NodeJS.ProcessEnv }): LoginItem {
  const supported = options.packaged && ['darwin', 'win32', 'linux'].includes(options.platform);
  if (options.platform === 'linux') {
    const file = path.join(autostartDir(options.env, os.homedir()), AUTOSTART_FILE);
    return {
      supported,
      enabled: () => fs.existsSync(file),
      set(enabled) {
        if (!supported) return;
        if (!enabled) {
          fs.rmSync(file, { force: true });
          return;
        }
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, autostartDesktopFile({ command: autostartCommand({ execPath: options.execPath, appImage: options.env.APPIMAGE }) }), { mode: 0o644 });
      },
    };
  }
  // Windows keeps the arguments with the Run key, so they must match for the read as well.
  const args = options.platform === 'win32' ? [HIDDEN_FLAG] : [];
  return {
    supported,
    enabled: () => app.getLoginItemSettings({ args }).openAtLogin,
    set(enabled) {
      if (supported) app.setLoginItemSettings({ openAtLogin: enabled, args });
    },
  };
}

/** Whether this launch came from the login item, so no window should open. */
export function startedHidden(argv: readonly string[], platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
