#!/usr/bin/env node
// The `tidings` command: the built CLI when there is one (installed app, `npm run build`),
// else the TypeScript source through tsx (a development checkout).
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'cli.cjs');
if (existsSync(built)) {
  process.argv[1] = built;
  await import(built);
} else {
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
  const child = spawn(process.execPath, ['--import', pathToFileURL(tsx).href, path.join(root, 'src', 'main', 'cli', 'index.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}
