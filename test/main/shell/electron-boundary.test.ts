// Electron stays at the edge: only src/main/index.ts, src/main/shell and src/preload import
// it, the bridge and the core bundle without it, and the preload needs nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { moduleGraph } from '../../helpers/bundle';

const root = path.resolve(__dirname, '../../..');
const IMPORTS_ELECTRON = /from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) ? [full] : [];
  });
}

describe('where electron is imported', () => {
  it('only in the entry point, the shell and the preload', () => {
    const allowed = (f: string) => f === path.join(root, 'src/main/index.ts') || f.startsWith(path.join(root, 'src/main/shell') + path.sep) || f.startsWith(path.join(root, 'src/preload') + path.sep);
    const importing = sourceFiles(path.join(root, 'src')).filter((f) => IMPORTS_ELECTRON.test(fs.readFileSync(f, 'utf8')));
    expect(importing.filter((f) => !allowed(f)).map((f) => path.relative(root, f))).toEqual([]);
    // And the shell really does import it (the check above is not vacuous).
    expect(importing.map((f) => path.relative(root, f))).toEqual(expect.arrayContaining(['src/main/index.ts', 'src/main/shell/tray.ts', 'src/preload/index.ts']));
  });

  it('the main bundle requires electron, better-sqlite3, @ngrok/ngrok (optional, loaded lazily) and Node built-ins, nothing else', async () => {
    const out = await build({
      entryPoints: [path.join(root, 'src/main/index.ts')],
      bundle: true,
      write: false,
      outfile: 'index.cjs',
      metafile: true,
      platform: 'node',
      format: 'cjs',
      // As scripts/build.mjs: native modules stay external.
      external: ['better-sqlite3', '@ngrok/ngrok', 'electron'],
      logLevel: 'silent',
    });
    // The output's own imports: what is left to load at run time after bundling.
    const left = Object.values(out.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect([...new Set(left.filter((id) => !isBuiltin(id)))].sort()).toEqual(['@ngrok/ngrok', 'better-sqlite3', 'electron']);
  });

  it('the preload reaches no Node module', async () => {
    const { imports } = await moduleGraph(path.join(root, 'src/preload/index.ts'));
    expect(imports.filter((p) => p.startsWith('node:') || isBuiltin(p))).toEqual([]);
  });
});

function isBuiltin(id: string): boolean {
  return id.startsWith('node:') || builtinModules.includes(id);
}
