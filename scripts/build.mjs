// Builds what runs outside a development checkout: the CLI/core bundle (dist/cli.cjs).
// Native modules (better-sqlite3) and electron stay external: they are loaded at run time.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['better-sqlite3', 'electron'],
  logLevel: 'info',
  // store/writer.ts reads import.meta only where __dirname is missing (ESM); the bundle has it.
  logOverride: { 'empty-import-meta': 'silent' },
};

await build({ ...common, entryPoints: ['src/main/cli/index.ts'], outfile: 'dist/cli.cjs' });
// The store's writer thread: loaded by path next to the bundle (see store/writer.ts).
await build({ ...common, entryPoints: ['src/main/core/store/writer-worker.ts'], outfile: 'dist/writer-worker.cjs' });
