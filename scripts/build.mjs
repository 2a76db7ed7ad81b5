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
};

await build({ ...common, entryPoints: ['src/main/cli/index.ts'], outfile: 'dist/cli.cjs' });
