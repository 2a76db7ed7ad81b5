// `npm start`: the tray app where Electron can run; otherwise the headless core with the
// dashboard in a browser, saying why. (The Electron shell arrives with its own issue; until
// then this always starts headless.)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
process.stderr.write('Starting Tidings headless (tidings serve): open the dashboard URL below in a browser.\n');
const child = spawn(process.execPath, [path.join(root, 'bin', 'tidings.js'), 'serve', ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
