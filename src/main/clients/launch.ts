// How an AI client starts the Tidings stdio bridge (`tidings mcp`) from a checkout or an
// npm install. The packaged app supplies its own launch; both have this shape.
import path from 'node:path';

export interface McpLaunch {
  command: string;
  args: string[];
  env?: Record<string, string> | undefined;
}

export interface CliLaunchOptions {
  dataDir?: string | undefined;
  defaultDataDir: string;
  /** Absolute, because AI clients start servers without the shell's PATH (macOS apps especially). */
  execPath: string;
  /** Absolute path of bin/tidings.js. */
  cliScript: string;
}

export function cliLaunch(options: CliLaunchOptions): McpLaunch {
  const args = [options.cliScript, 'mcp'];
  // The client starts the bridge from its own working directory and environment, so a
  // non-default data directory must travel as an absolute flag, not TIDINGS_DATA_DIR.
  if (options.dataDir !== undefined && path.resolve(options.dataDir) !== path.resolve(options.defaultDataDir)) {
    args.push('--data-dir', path.resolve(options.dataDir));
  }
  return { command: options.execPath, args };
}
