// `tidings serve`: the core, headless. Prints where to send webhooks and where to look.
import type { Command } from 'commander';
import path from 'node:path';
import { dataDirChoice, defaultDataDir, loadConfig } from '../../core/config';
import { cliLaunch } from '../../clients/launch';
import { findCliScript } from './connect';
import { KNOWN_PROVIDERS } from '../../core/webhooks/providers';
import { parsePort } from '../options';

/** Set once the core is up: the process must then stay alive until a signal. */
export const serving = { active: false };

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Tidings core headless: webhook receiver, store, MCP server, local API and dashboard')
    .option('--port <port>', 'ingest listener port (webhooks); env TIDINGS_PORT', parsePort)
    .option('--control-port <port>', 'control listener port (MCP, API, dashboard); env TIDINGS_CONTROL_PORT', parsePort)
    .option('--public-url <url>', 'the public base URL senders use (a tunnel or relay); env TIDINGS_PUBLIC_URL')
    .action(async (opts: { port?: number; controlPort?: number; publicUrl?: string }, cmd: Command) => {
      const { dataDir } = cmd.optsWithGlobals<{ dataDir?: string }>();
      const chosen = dataDirChoice();
      if (!dataDir && !process.env.TIDINGS_DATA_DIR && chosen.note) process.stderr.write(`tidings: ${chosen.note}\n`);
      const config = loadConfig({ dataDir, port: opts.port, controlPort: opts.controlPort, publicUrl: opts.publicUrl });
      // Loaded here, not at the top: other commands (the stdio bridge) must not load SQLite.
      const { startCore } = await import('../../core/start-core');
      const clientLaunch = cliLaunch({ dataDir: config.dataDir, defaultDataDir: path.resolve(defaultDataDir()), execPath: process.execPath, cliScript: findCliScript() });
      const core = await startCore({ config, mode: 'serve', clientLaunch });
      serving.active = true;
      const r = core.runtime;
      const base = config.publicUrl?.replace(/\/$/, '') ?? r.ingest_url;
      const lines = [
        `Tidings ${r.version} is running (pid ${r.pid}, data in ${r.data_dir})`,
        '',
        'Webhook URLs (paste into each provider; expose the ingest port through a tunnel for the internet):',
        ...KNOWN_PROVIDERS.map((p) => `  ${p.padEnd(8)} ${base}/webhooks/${p}`),
        `  other    ${base}/webhooks/<name>   (Standard Webhooks signatures)`,
        '',
        `Dashboard:  ${core.dashboardLink()}   (a sign-in link that works once; \`tidings status\` prints another)`,
        `MCP (HTTP): ${r.mcp_url}   (Authorization: Bearer <token from ${r.data_dir}/token>)`,
        `Health:     ${r.ingest_url}/health`,
        '',
        'Press Ctrl+C to stop.',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const stop = (signal: string) => {
        core.logger.info('signal received', { signal });
        core.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
