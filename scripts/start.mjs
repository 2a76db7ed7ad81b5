// `npm start`: the tray app where Electron's binary is installed; otherwise the headless core
// with the dashboard in a browser, saying why. Builds the dashboard first if it is not built.
//
// With Electron, the core still runs under this Node (`tidings serve`) and the app attaches to
// it (`--attach`): node_modules/better-sqlite3 is built for Node, and Electron could not load
// it. The installed app runs its core in-process with its own Electron build of the module
// (see electron-builder.yml). Quitting the app stops the core.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);

function run(argv) {
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  process.stderr.write('Building the dashboard (once)...\n');
  if (!run([path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'])) {
    process.stderr.write('The dashboard did not build; the API and MCP still work.\n');
  }
}

const electron = electronBinary();
const cli = path.join(root, 'bin', 'tidings.js');
if (!electron.binary) {
  process.stderr.write(`Starting Tidings headless (tidings serve): ${electron.why}; open the dashboard link below in a browser.\n`);
  const child = spawn(process.execPath, [cli, 'serve', ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
} else {
  process.stderr.write('Building the app bundles...\n');
  if (!run([path.join(root, 'scripts', 'build.mjs')])) process.exit(1);
  process.stderr.write('Starting Tidings: the core under Node, the tray app attached to it.\n');
  const core = spawn(process.execPath, [cli, 'serve', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  // The app takes --data-dir too; ports and the public URL are the core's business.
  const dataDirAt = args.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  const dataDir = dataDirAt < 0 ? [] : args[dataDirAt].includes('=') ? [args[dataDirAt]] : args.slice(dataDirAt, dataDirAt + 2);
  const env = { ...process.env };
  // Set by terminals inside Electron apps (VS Code): it would make Electron a plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const app = spawn(electron.binary, [root, '--attach', ...dataDir], { stdio: 'inherit', env });
  let exiting = false;
  const running = (child) => child.exitCode === null && child.signalCode === null;
  const stop = (code) => {
    if (exiting) return;
    exiting = true;
    if (running(app)) app.kill('SIGTERM');
    if (!running(core)) process.exit(code);
    // The core commits what is in flight and closes its database before it exits.
    core.once('exit', () => process.exit(code));
    core.kill('SIGTERM');
    setTimeout(() => process.exit(code), 10_000).unref();
  };
  app.on('exit', (code) => stop(code ?? 0));
  core.on('exit', (code) => {
    if (!exiting) process.stderr.write(`The core exited (${code}); stopping the app.\n`);
    stop(code ?? 1);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop(0));
}
