#!/usr/bin/env node
// The `tidings` command. Bad arguments exit 2 with a message; failures exit 1.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/config';
import { DataDirBusyError, DataDirError } from '../core/data-dir';
import { VERSION } from '../core/version';
import { CliError } from './client';
import { registerConnect } from './commands/connect';
import { registerEvents } from './commands/events';
import { registerLinks } from './commands/links';
import { registerMcp } from './commands/mcp';
import { registerSecret } from './commands/secret';
import { registerSendTest } from './commands/send-test';
import { registerServe, serving } from './commands/serve';
import { registerStatus } from './commands/status';
import { registerTargets } from './commands/targets';
import { registerTunnel } from './commands/tunnel';
import { registerTrigger } from './commands/trigger';

export function buildProgram(): Command {
  const program = new Command('tidings')
    .description('Tidings: a live, durable, verified inbox of webhooks for AI assistants')
    .version(VERSION)
    .option('--data-dir <dir>', 'the data directory (default: the platform app-data folder); env TIDINGS_DATA_DIR')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerSendTest(program);
  registerTrigger(program);
  registerSecret(program);
  registerStatus(program);
  registerEvents(program);
  registerConnect(program);
  registerMcp(program);
  registerTargets(program);
  registerTunnel(program);
  registerLinks(program);
  for (const cmd of program.commands) cmd.exitOverride();
  for (const cmd of program.commands.flatMap((c) => c.commands)) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander, but not to the person asking.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`tidings: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError || err instanceof DataDirBusyError || err instanceof DataDirError) {
      process.stderr.write(`tidings: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`tidings: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

// Run when this file is the program: the TypeScript source (tsx), the built bundle
// (dist/cli.cjs, loaded by bin/tidings.js), or a packaged copy. Imported by tests: don't run.
const isEntry = process.argv[1] !== undefined && /(cli[\\/]index\.(ts|js|mjs)|cli\.cjs)$/.test(process.argv[1]);
if (isEntry) {
  // Everything this process creates (the data directory, the database and its WAL, logs,
  // a core started by `tidings mcp`) is for this user only, whatever umask the caller had.
  process.umask(0o077);
  const argv = process.argv.slice(2);
  main(argv).then((code) => {
    // `serve` keeps running after its action returns; every other command is done, and
    // exits now rather than waiting for idle keep-alive sockets to time out.
    if (!(code === 0 && serving.active)) process.exit(code);
  });
}
