// `tidings tunnel ngrok|url|off|status|token`: the public URL providers post to. Every
// subcommand talks to the running core (it owns the tunnel); the authtoken is read from
// stdin so that it stays out of shell history, and is never printed.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolveDataDir } from '../../core/config';
import { tunnelChangeSchema, tunnelInfoSchema } from '../../../shared/api';
import type { TunnelInfo } from '../../../shared/api';
import { CliError, requireCore } from '../client';

function parseUrlArg(value: string): string {
  if (!/^https?:\/\//i.test(value)) throw new InvalidArgumentError('must be an http(s) URL, e.g. https://hooks.example.com');
  return value;
}

function parseDomain(value: string): string {
  if (!/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) throw new InvalidArgumentError('must be a domain name such as example.ngrok-free.app (no scheme, no path)');
  return value;
}

/** The status as a person reads it: one line of state, then the details. */
export function describeTunnel(t: TunnelInfo): string {
  const lines: string[] = [];
  if (t.mode === 'off') {
    lines.push('Public URL: off (providers on the internet cannot reach this inbox)');
    lines.push('  turn on with `tidings tunnel ngrok` or `tidings tunnel url <URL>`');
  } else {
    lines.push(`Public URL: ${t.mode === 'ngrok' ? 'ngrok' : 'your own URL'}, ${t.state}`);
    if (t.url) lines.push(`  url        ${t.url}`);
    const reach = t.reachable === true ? 'yes (answered as this core)' : t.reachable === false ? 'NO' : 'not checked yet';
    lines.push(`  reachable  ${reach}${t.checked_at ? ` (checked ${t.checked_at})` : ''}`);
    if (t.error) lines.push(`  problem    ${t.error}`);
  }
  if (t.mode === 'ngrok' || t.authtoken) lines.push(`  authtoken  ${t.authtoken === 'env' ? 'from NGROK_AUTHTOKEN' : t.authtoken === 'stored' ? 'stored (not shown)' : 'none: run `tidings tunnel token`'}`);
  return `${lines.join('\n')}\n`;
}

async function readToken(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new CliError('pipe the ngrok authtoken on stdin (e.g. `pbpaste | tidings tunnel token`); it is not taken as an argument so that it stays out of shell history', 2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (!value) throw new CliError('no authtoken on stdin; copy yours from https://dashboard.ngrok.com/get-started/your-authtoken', 2);
  return value;
}

export function registerTunnel(program: Command): void {
  const tunnel = program
    .command('tunnel')
    .description('the public URL providers send webhooks to: ngrok run by Tidings, or a URL you run (only the ingest listener is published)');
  const coreOf = (cmd: Command) => requireCore(resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir));
  const change = async (cmd: Command, body: unknown, json: boolean | undefined) => {
    const answer = tunnelChangeSchema.parse(await coreOf(cmd).request('PUT', '/api/tunnel', body));
    for (const w of answer.warnings) process.stderr.write(`tidings: warning: ${w}\n`);
    process.stdout.write(json ? `${JSON.stringify(answer.status)}\n` : describeTunnel(answer.status));
    if (answer.status.reachable === false) process.exitCode = 1;
  };

  tunnel
    .command('ngrok')
    .description('publish the ingest listener through ngrok, run inside the core (authtoken from NGROK_AUTHTOKEN or `tidings tunnel token`); remembered across restarts')
    .option('--domain <name>', 'pin a reserved or free dev domain, so the URL survives restarts', parseDomain)
    .option('--json', 'print the status as JSON')
    .action(async (opts: { domain?: string; json?: boolean }, cmd: Command) => {
      await change(cmd, { mode: 'ngrok', domain: opts.domain ?? null }, opts.json);
    });

  tunnel
    .command('url')
    .argument('<url>', 'the public base URL in front of the ingest listener (cloudflared, Tailscale Funnel, a reverse proxy)', parseUrlArg)
    .description('use a public URL you run; Tidings checks that it reaches this very core before keeping it')
    .option('--json', 'print the status as JSON')
    .action(async (url: string, opts: { json?: boolean }, cmd: Command) => {
      await change(cmd, { mode: 'url', url }, opts.json);
    });

  tunnel
    .command('off')
    .description('stop publishing: webhook URLs become local again')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await change(cmd, { mode: 'off' }, opts.json);
    });

  tunnel
    .command('status')
    .description('show the public URL and check afresh that it reaches this core (exit 1 when it does not)')
    .option('--json', 'print the status JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const status = tunnelInfoSchema.parse(await coreOf(cmd).request('POST', '/api/tunnel/check'));
      process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : describeTunnel(status));
      if (status.mode !== 'off' && status.reachable !== true) process.exitCode = 1;
    });

  tunnel
    .command('token')
    .description('store the ngrok authtoken, read from stdin (kept with the webhook secrets; never shown back)')
    .option('--remove', 'remove the stored authtoken')
    .action(async (opts: { remove?: boolean }, cmd: Command) => {
      const core = coreOf(cmd);
      if (opts.remove) {
        await core.request('DELETE', '/api/tunnel/authtoken');
        process.stderr.write('Removed the stored ngrok authtoken.\n');
        return;
      }
      const authtoken = await readToken();
      const status = tunnelInfoSchema.parse(await core.request('PUT', '/api/tunnel/authtoken', { authtoken }));
      process.stderr.write(
        `Stored the ngrok authtoken.${status.authtoken === 'env' ? ' NGROK_AUTHTOKEN is set in the core\'s environment and is used first.' : ''} Start the tunnel with \`tidings tunnel ngrok\`.\n`,
      );
    });
}
