#!/usr/bin/env node
// The `tidings` command: the built CLI when it is up to date with the sources (an installed
// app, or a checkout right after `npm run build`), else the TypeScript source through tsx,
// so a checkout never runs a stale dist/ after its sources changed (see bundle-fresh.js).
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { chooseEntry } from './bundle-fresh.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = chooseEntry(root);
if (entry === 'bundle') {
  const built = path.join(root, 'dist', 'cli.cjs');
  process.argv[1] = built;
  await import(built);
} else if (entry === 'source') {
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
  const child = spawn(process.execPath, ['--import', pathToFileURL(tsx).href, path.join(root, 'src', 'main', 'cli', 'index.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
} else {
  process.stderr.write('tidings: there is neither a built CLI (dist/cli.cjs; run `npm run build`) nor the sources with tsx installed (run `npm ci`).\n');
  process.exit(1);
}
