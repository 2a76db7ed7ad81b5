// dist/bridge.cjs: the MCP stdio bridge as the installed app runs it, in Electron's Node mode
// (ELECTRON_RUN_AS_NODE=1; see bridge-launch.ts for why). Plain Node: no 'electron', no
// native module. It is `tidings mcp` without the CLI around it: it finds the running core
// through runtime.json, or starts the tray app (hidden) and waits for its core. stdout
// belongs to the protocol; messages go to stderr.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { resolveDataDir } from '../core/config';
import { runBridge } from '../cli/bridge';
import { appStartFromBridge, dataDirArg } from './bridge-launch';

declare const __filename: string | undefined;

async function main(): Promise<void> {
  // Files this process and the app it may start create are for this user only.
  process.umask(0o077);
  const flag = dataDirArg(process.argv.slice(1));
  const dataDir = resolveDataDir(flag);
  const scriptPath = typeof __filename === 'string' ? __filename : path.resolve(process.argv[1] ?? '');
  await runBridge({
    dataDir,
    // The app's core can take a while on a first start (macOS checks a new app's signature).
    startTimeoutMs: 30_000,
    startCore: () => {
      const start = appStartFromBridge({ execPath: process.execPath, scriptPath, env: process.env, dataDir: flag ? dataDir : undefined });
      const child = spawn(start.command, start.args, { detached: true, stdio: 'ignore', env: start.env, windowsHide: false });
      child.on('error', (err) => process.stderr.write(`tidings bridge: could not start Tidings (${err.message})\n`));
      child.unref();
    },
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`tidings bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
