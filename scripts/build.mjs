// Builds what runs outside a development checkout (the dashboard is built by Vite):
// - dist/cli.cjs + dist/writer-worker.cjs: the `tidings` CLI and headless core;
// - dist/main/index.cjs + dist/main/writer-worker.cjs: the Electron main process (the core's
//   writer thread is loaded from beside whichever bundle started it);
// - dist/preload/index.cjs: the window's sandboxed preload;
// - dist/bridge.cjs: the MCP stdio bridge the installed app runs in Node mode (shipped
//   outside the asar, see src/main/shell/bridge-launch.ts).
// Native modules (better-sqlite3, @ngrok/ngrok) and electron stay external: they are loaded at
// run time (ngrok only when a tunnel is turned on; it is an optional dependency).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['better-sqlite3', '@ngrok/ngrok', 'electron'],
  logLevel: 'info',
  // store/writer.ts reads import.meta only where __dirname is missing (ESM); the bundle has it.
  logOverride: { 'empty-import-meta': 'silent' },
};

const worker = 'src/main/core/store/writer-worker.ts';
await build({ ...common, entryPoints: ['src/main/cli/index.ts'], outfile: 'dist/cli.cjs' });
// The store's writer thread: loaded by path next to the bundle (see store/writer.ts).
await build({ ...common, entryPoints: [worker], outfile: 'dist/writer-worker.cjs' });

// Electron 40 runs Node 24 in its main process.
await build({ ...common, target: 'node22', entryPoints: ['src/main/index.ts'], outfile: 'dist/main/index.cjs' });
await build({ ...common, target: 'node22', entryPoints: [worker], outfile: 'dist/main/writer-worker.cjs' });
// A sandboxed preload may require only 'electron' (and a few shims): bundling for the browser
// makes any accidental Node import fail here rather than in the window.
await build({
  ...common,
  platform: 'browser',
  target: 'chrome130',
  external: ['electron'],
  entryPoints: ['src/preload/index.ts'],
  outfile: 'dist/preload/index.cjs',
});
// Plain Node, no native module and no electron: the bridge's test walks its module graph.
await build({ ...common, entryPoints: ['src/main/shell/bridge-entry.ts'], outfile: 'dist/bridge.cjs' });
