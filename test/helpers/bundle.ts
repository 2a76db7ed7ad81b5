// What a module pulls in: esbuild's view of the module graph from one entry point, with
// native modules (better-sqlite3, @ngrok/ngrok) and electron left external so they show up as imports.
import { build } from 'esbuild';

export async function moduleGraph(entry: string): Promise<{ inputs: string[]; imports: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    metafile: true,
    external: ['better-sqlite3', '@ngrok/ngrok', 'electron'],
    logLevel: 'silent',
  });
  return {
    inputs: Object.keys(result.metafile.inputs),
    imports: Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path)),
  };
}
