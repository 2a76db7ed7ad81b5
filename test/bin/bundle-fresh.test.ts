// bin/tidings.js never runs a stale bundle: in a checkout whose sources are newer than
// dist/cli.cjs it runs the sources; an install without sources runs the bundle.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS next to the launcher, no type declarations
import { chooseEntry } from '../../bin/bundle-fresh.js';
import { tempDir } from '../helpers/core';

const choose = chooseEntry as (root: string) => 'bundle' | 'source' | 'none';

function layout(opts: { source: boolean; tsx: boolean; bundle: boolean }): string {
  const root = tempDir('tidings-bin-');
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  if (opts.source) {
    fs.mkdirSync(path.join(root, 'src', 'main', 'cli'), { recursive: true });
    fs.mkdirSync(path.join(root, 'src', 'shared'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'main', 'cli', 'index.ts'), '');
    fs.writeFileSync(path.join(root, 'src', 'shared', 'api.ts'), '');
  }
  if (opts.tsx) fs.mkdirSync(path.join(root, 'node_modules', 'tsx'), { recursive: true });
  if (opts.bundle) {
    fs.mkdirSync(path.join(root, 'dist'));
    fs.writeFileSync(path.join(root, 'dist', 'cli.cjs'), '');
  }
  return root;
}

/** Sets a file's mtime to `seconds` since the epoch: explicit times, no waiting on the clock. */
const touch = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);

describe('which entry bin/tidings.js runs', () => {
  it('runs the bundle when it is newer than every source file and package.json', () => {
    const root = layout({ source: true, tsx: true, bundle: true });
    for (const f of ['package.json', 'src/main/cli/index.ts', 'src/shared/api.ts']) touch(path.join(root, f), 1_000);
    touch(path.join(root, 'dist/cli.cjs'), 2_000);
    expect(choose(root)).toBe('bundle');
  });

  it('runs the sources when any of them changed after the bundle was built', () => {
    const root = layout({ source: true, tsx: true, bundle: true });
    touch(path.join(root, 'package.json'), 1_000);
    touch(path.join(root, 'src/main/cli/index.ts'), 1_000);
    touch(path.join(root, 'dist/cli.cjs'), 2_000);
    touch(path.join(root, 'src/shared/api.ts'), 3_000);
    expect(choose(root)).toBe('source');
  });

  it('runs the sources without a bundle, the bundle without sources or tsx, and says when there is neither', () => {
    expect(choose(layout({ source: true, tsx: true, bundle: false }))).toBe('source');
    expect(choose(layout({ source: false, tsx: false, bundle: true }))).toBe('bundle');
    expect(choose(layout({ source: true, tsx: false, bundle: true }))).toBe('bundle');
    expect(choose(layout({ source: false, tsx: false, bundle: false }))).toBe('none');
  });
});
