// Whether bin/tidings.js may run the built CLI bundle. In a checkout (src/ is there and tsx
// is installed), a bundle older than any source file would run yesterday's code after a
// `git pull` or an edit, so the sources run instead; an install without sources uses the
// bundle. Plain JS with no dependency: it runs before anything is compiled.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The newest modification time (ms) of any file under `dir`, or 0. */
export function newestMtime(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return newest;
}

/**
 * 'bundle' when dist/cli.cjs exists and no file it was built from (src/main, src/shared,
 * package.json) is newer; 'source' when the checkout can run its sources through tsx;
 * otherwise 'bundle' if there is one, else 'none'.
 */
export function chooseEntry(root) {
  const bundle = path.join(root, 'dist', 'cli.cjs');
  const hasBundle = existsSync(bundle);
  const canRunSource = existsSync(path.join(root, 'src', 'main', 'cli', 'index.ts')) && existsSync(path.join(root, 'node_modules', 'tsx'));
  if (!canRunSource) return hasBundle ? 'bundle' : 'none';
  if (!hasBundle) return 'source';
  const built = statSync(bundle).mtimeMs;
  const sources = Math.max(newestMtime(path.join(root, 'src', 'main')), newestMtime(path.join(root, 'src', 'shared')), statSync(path.join(root, 'package.json')).mtimeMs);
  return sources > built ? 'source' : 'bundle';
}
