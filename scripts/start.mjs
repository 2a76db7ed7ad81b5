// `npm start`: the tray app where Electron can run; otherwise the headless core with the
// dashboard in a browser, saying why. (The Electron shell arrives with its own issue; until
// then this always starts headless.) Builds the dashboard first if it is not built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  process.stderr.write('Building the dashboard (once)...\n');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.stderr.write('The dashboard did not build; the API and MCP still work.\n');
}
const args = process.argv.slice(2);
process.stderr.write('Starting Tidings headless (tidings serve): open the dashboard link below in a browser.\n');
const child = spawn(process.execPath, [path.join(root, 'bin', 'tidings.js'), 'serve', ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
