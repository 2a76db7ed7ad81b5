// `tidings connect|disconnect <client>`: put Tidings into (or take it out of) an AI
// client's own MCP config. The work is in src/main/clients; this is the wiring and output.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { CLIENT_NAMES, CLIENTS, ConfigFileError, connectClient, disconnectClient, isClientId } from '../../clients/connect';
import type { ChangeResult, ClientId } from '../../clients/connect';
import { claudeCodeCommand, claudeCodeRemoveCommand, transportOf } from '../../clients/entries';
import { cliLaunch } from '../../clients/launch';
import { clientEnvFromProcess } from '../../clients/paths';
import { defaultDataDir, loadConfig, resolveDataDir } from '../../core/config';
import { loadOrCreateToken, readRuntime, readToken } from '../../core/data-dir';
import { runtimeUrlProblem } from '../../core/core-identity';
import { ensurePrivateDir } from '../../core/private-file';
import { CliError } from '../client';

declare const __dirname: string | undefined;

export function parseClient(value: string): ClientId {
  if (!isClientId(value)) throw new InvalidArgumentError(`must be one of ${CLIENTS.join(', ')}`);
  return value;
}

/** bin/tidings.js, from the TypeScript source (src/main/cli/commands) or the bundle (dist/). */
export function findCliScript(here: string = typeof __dirname === 'string' ? __dirname : import.meta.dirname): string {
  const candidates = [path.resolve(here, '../../../../bin/tidings.js'), path.resolve(here, '../bin/tidings.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new CliError(`cannot find bin/tidings.js to launch the MCP bridge (looked at ${candidates.join(' and ')})`);
  return found;
}

const NEXT_STEP: Record<ClientId, string> = {
  claude: 'Restart Claude Desktop (quit it fully, not just its window) to load Tidings.',
  'claude-code': 'Start a new Claude Code session to load Tidings; `/mcp` inside it shows the connection.',
  cursor: 'Restart Cursor, or turn tidings on under Cursor Settings > MCP, to load Tidings.',
  vscode: 'In VS Code, run "MCP: List Servers" and start tidings (VS Code asks you to trust it the first time).',
  windsurf: 'In Windsurf, open the MCP servers panel in Cascade and press Refresh to load Tidings.',
};

interface Endpoint {
  mcpUrl: string;
  token: string;
  notes: string[];
}

/**
 * The URL and token HTTP clients need: the running core's, or the configured port and the
 * token file (created now, so the core that starts later accepts what the client sends).
 */
function endpoint(client: ClientId, dataDir: string, dryRun: boolean): Endpoint {
  const name = CLIENT_NAMES[client];
  const configured = loadConfig({ dataDir }).controlPort;
  const runtime = readRuntime(dataDir);
  const coreToken = readToken(dataDir);
  const notes = [`${name} reaches Tidings over HTTP, so Tidings must be running (the app or \`tidings serve\`) while you use it.`];
  if (runtime && coreToken) {
    const problem = runtimeUrlProblem(runtime);
    if (problem) throw new CliError(problem);
    if (runtime.control_port !== configured) {
      notes.push(`The running core listens on port ${runtime.control_port}, not the configured ${configured}: ${name} loses Tidings when the core restarts on another port.`);
    }
    return { mcpUrl: runtime.mcp_url, token: coreToken, notes };
  }
  if (configured === 0) {
    throw new CliError(`the control port is set to 0 (any free port), so ${name} would have no fixed URL to reach; set a fixed control port (TIDINGS_CONTROL_PORT or controlPort in config.json) first`);
  }
  const mcpUrl = `http://127.0.0.1:${configured}/mcp`;
  if (dryRun) {
    const token = readToken(dataDir);
    if (!token) notes.push('There is no token yet; a real connect creates one in the data directory.');
    return { mcpUrl, token: token ?? '', notes };
  }
  ensurePrivateDir(dataDir);
  return { mcpUrl, token: loadOrCreateToken(dataDir), notes };
}

function reportText(verb: 'connect' | 'disconnect', result: ChangeResult, notes: string[]): string {
  const name = CLIENT_NAMES[result.client];
  const lines: string[] = [];
  if (result.dryRun && result.changed) {
    lines.push(`Dry run: nothing was written. ${verb === 'connect' ? 'Connecting' : 'Disconnecting'} ${name} would have ${result.summary}.`);
    lines.push(`  config  ${result.path}`, '', result.diff);
  } else if (!result.changed) {
    lines.push(`${name}: ${result.summary}. Nothing was written.`, `  config  ${result.path}`);
  } else {
    lines.push(`${verb === 'connect' ? 'Connected' : 'Disconnected'} ${name}: ${result.summary}.`, `  config  ${result.path}`);
    lines.push(`  backup  ${result.backupPath ?? '(none: the file is new)'}`);
    lines.push(verb === 'connect' ? `Next: ${NEXT_STEP[result.client]}` : `Next: restart ${name} so that it stops using Tidings.`);
  }
  if (verb === 'connect') lines.push(...notes);
  return `${lines.join('\n')}\n`;
}

/** The --json form: what changed and where, for scripts; the diff masks the token. */
function reportJson(verb: 'connect' | 'disconnect', result: ChangeResult, notes: string[]): string {
  return `${JSON.stringify({ verb, client: result.client, path: result.path, changed: result.changed, dry_run: result.dryRun, backup: result.backupPath, summary: result.summary, diff: result.diff, notes })}\n`;
}

function run(verb: 'connect' | 'disconnect', client: ClientId, opts: { dryRun?: boolean; print?: boolean; json?: boolean }, cmd: Command): void {
  const report = opts.json ? reportJson : reportText;
  const dataDir = resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir);
  // Compared with the platform default, not TIDINGS_DATA_DIR: the AI client starts the
  // bridge without this shell's environment, so a directory from the env must be a flag.
  const launch = () =>
    cliLaunch({ dataDir, defaultDataDir: path.resolve(defaultDataDir()), execPath: process.execPath, cliScript: findCliScript() });
  if (opts.print) {
    if (client !== 'claude-code') throw new CliError('--print is only for claude-code (it prints the `claude mcp` command instead of writing)', 2);
    const line = verb === 'connect' ? claudeCodeCommand(launch(), process.platform === 'win32' ? 'windows' : 'posix') : claudeCodeRemoveCommand();
    process.stdout.write(`${line}\n`);
    return;
  }
  const dryRun = opts.dryRun === true;
  const env = clientEnvFromProcess();
  try {
    if (verb === 'disconnect') {
      process.stdout.write(report(verb, disconnectClient(client, { ...env, dryRun }), []));
      return;
    }
    const http = transportOf(client) === 'http';
    const { mcpUrl, token, notes } = http ? endpoint(client, dataDir, dryRun) : { mcpUrl: '', token: '', notes: [] };
    process.stdout.write(report(verb, connectClient(client, { ...env, launch: launch(), mcpUrl, token, dryRun }), notes));
  } catch (err) {
    if (err instanceof ConfigFileError) throw new CliError(err.message, 1);
    throw err;
  }
}

export function registerConnect(program: Command): void {
  const clientHelp = `the AI client: ${CLIENTS.map((c) => `${c} (${CLIENT_NAMES[c]})`).join(', ')}`;
  for (const verb of ['connect', 'disconnect'] as const) {
    program
      .command(verb)
      .argument('<client>', clientHelp, parseClient)
      .description(
        verb === 'connect'
          ? "add Tidings to an AI client's MCP config (other servers and settings are kept; a backup is made)"
          : "remove Tidings from an AI client's MCP config (only the tidings entry; a backup is made)",
      )
      .option('--dry-run', 'show what would change, and write nothing')
      .option('--json', 'print {"verb","client","path","changed","dry_run","backup","summary","diff","notes"}')
      .option('--print', `claude-code only: print the \`claude mcp ${verb === 'connect' ? 'add' : 'remove'}\` command instead of writing`)
      .action((client: ClientId, opts: { dryRun?: boolean; print?: boolean; json?: boolean }, cmd: Command) => run(verb, client, opts, cmd));
  }
}
