// `tidings serve`: the core, headless. Prints where to send webhooks and where to look.
import type { Command } from 'commander';
import path from 'node:path';
import { dataDirChoice, defaultDataDir, loadConfig } from '../../core/config';
import { cliLaunch } from '../../clients/launch';
import { findCliScript } from './connect';
import { KNOWN_PROVIDERS } from '../../core/webhooks/providers';
import { parsePort } from '../options';
import { webhookUrlFor } from '../../core/tunnel/public-url';
import type { PublicUrl, PublicUrlStatus } from '../../core/tunnel/public-url';

/** The status once it has left "starting", or as it is after `ms`. */
function settled(publicUrl: PublicUrl, ms: number): Promise<PublicUrlStatus> {
  const now = publicUrl.status();
  if (now.state !== 'starting') return Promise.resolve(now);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(publicUrl.status()), ms);
    const off = publicUrl.onChange((s) => {
      if (s.state !== 'starting') done(s);
    });
    function done(s: PublicUrlStatus) {
      clearTimeout(timer);
      off();
      resolve(s);
    }
  });
}

function publicUrlLines(p: PublicUrlStatus): string[] {
  if (p.mode === 'off') return ['Public URL: off (providers on the internet cannot reach this inbox)'];
  const how = p.mode === 'ngrok' ? 'ngrok' : 'your own URL';
  const reach = p.reachable === true ? 'reaches this core' : p.reachable === false ? 'NOT reachable' : p.state;
  return [`Public URL: ${p.url ?? '(none yet)'}   (${how}, ${reach})`, ...(p.error ? [`  problem: ${p.error}`] : [])];
}

/** Set once the core is up: the process must then stay alive until a signal. */
export const serving = { active: false };

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Tidings core headless: webhook receiver, store, MCP server, local API and dashboard')
    .option('--port <port>', 'ingest listener port (webhooks); env TIDINGS_PORT', parsePort)
    .option('--control-port <port>', 'control listener port (MCP, API, dashboard); env TIDINGS_CONTROL_PORT', parsePort)
    .option('--public-url <url>', 'a public base URL you run in front of the ingest port, for this run only (see `tidings tunnel url` to remember one); env TIDINGS_PUBLIC_URL')
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
      // A remembered ngrok tunnel may take a few seconds to open: wait for it (bounded), so
      // that the banner shows the URL providers should use.
      const pub = await settled(core.publicUrl, 15_000);
      const base = pub.url;
      const lines = [
        `Tidings ${r.version} is running (pid ${r.pid}, data in ${r.data_dir})`,
        '',
        ...publicUrlLines(pub),
        '',
        `Webhook URLs (paste into each provider${pub.url ? '' : '; they work on this machine only: run `tidings tunnel ngrok` or `tidings tunnel url <URL>` for the internet'}):`,
        ...KNOWN_PROVIDERS.map((p) => `  ${p.padEnd(8)} ${webhookUrlFor(p, base, r.ingest_url)}`),
        `  other    ${webhookUrlFor('<name>', base, r.ingest_url)}   (Standard Webhooks signatures)`,
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
