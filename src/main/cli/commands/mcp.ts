// `tidings mcp`: the stdio MCP bridge. Loaded lazily so that this command pulls in no
// native module (better-sqlite3) and none of the core.
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('speak MCP on stdin/stdout, proxied to the running core (starts one if none runs); for Claude Desktop and other stdio clients')
    .option('--no-start', 'fail instead of starting a core when none is running')
    .action(async (opts: { start: boolean }, cmd: Command) => {
      const dataDir = resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir);
      const { runBridge, spawnServe } = await import('../bridge');
      await runBridge({ dataDir, startCore: opts.start ? spawnServe : undefined });
      process.exit(0);
    });
}
