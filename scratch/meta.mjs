import { build } from 'esbuild';
const r = await build({ entryPoints: ['src/main/cli/index.ts'], bundle: true, write: false, platform: 'node', format: 'cjs', metafile: true, external: ['better-sqlite3', 'electron'], logLevel: 'silent' });
const inputs = r.metafile.inputs;
// static reachability from entry, following only non-dynamic imports
const seen = new Set(); const stack = ['src/main/cli/index.ts'];
while (stack.length) { const f = stack.pop(); if (seen.has(f)) continue; seen.add(f); for (const i of inputs[f]?.imports ?? []) { if (i.kind !== 'dynamic-import') stack.push(i.path); } }
console.log([...seen].filter(f => /better-sqlite3|express|start-core|open-db/.test(f)));
