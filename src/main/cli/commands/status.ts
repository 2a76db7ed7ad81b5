// `tidings status`: is a core running on this data directory, and is it healthy?
// `--revoke-sessions` also signs every browser out of the dashboard.
import fs from 'node:fs';
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import { paths } from '../../core/data-dir';
import { ensurePrivateDir } from '../../core/private-file';
import type { Health } from '../../core/health';
import { findCore } from '../client';
import { webhookUrlFor } from '../../core/tunnel/public-url';
import type { PublicUrlStatus } from '../../core/tunnel/public-url';

function publicLine(p: PublicUrlStatus): string {
  if (p.mode === 'off') return 'off: providers on the internet cannot reach this inbox (`tidings tunnel --help`)';
  const reach = p.reachable === true ? 'reachable' : p.reachable === false ? 'NOT reachable' : 'not checked yet';
  return `${p.url ?? '(none yet)'} (${p.mode === 'ngrok' ? 'ngrok' : 'your own URL'}, ${p.state}, ${reach})${p.error ? `: ${p.error}` : ''}`;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show whether a Tidings core is running, its URLs and its health')
    .option('--json', 'print machine-readable JSON')
    .option('--revoke-sessions', 'sign every browser out of the dashboard (the token and MCP clients are not affected)')
    .action(async (opts: { json?: boolean; revokeSessions?: boolean }, cmd: Command) => {
      const dataDir = resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir);
      const core = findCore(dataDir);
      if (opts.revokeSessions) {
        let revoked: number | null = null;
        if (core) revoked = (await core.request<{ revoked: number }>('POST', '/api/sessions/revoke')).revoked;
        else {
          // No core: the stored sessions are all there is, and the next core starts without them.
          ensurePrivateDir(dataDir, { create: false });
          fs.rmSync(paths(dataDir).sessions, { force: true });
        }
        process.stderr.write(`Dashboard sessions revoked${revoked === null ? '' : `: ${revoked}`}. Browsers must sign in again with a new link.\n`);
      }
      if (!core) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ running: false, data_dir: dataDir })}\n`);
        else process.stdout.write(`Tidings is not running on ${dataDir}. Start it with \`tidings serve\`.\n`);
        process.exitCode = 1;
        return;
      }
      const health = await core.request<Health>('GET', '/api/health');
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ running: true, runtime: core.runtime, health }, null, 2)}\n`);
        return;
      }
      const r = core.runtime;
      const lines = [
        `Tidings ${health.version}: ${health.status} (pid ${r.pid}, ${r.mode}, up ${health.uptime_s} s)`,
        `  data      ${r.data_dir}`,
        `  ingest    ${r.ingest_url}/webhooks/<source>   (this machine only)`,
        `  public    ${publicLine(health.public_url)}`,
        `  webhooks  ${webhookUrlFor('<source>', health.public_url.url, r.ingest_url)}   (give providers this)`,
        `  dashboard ${(await core.request<{ url: string }>('POST', '/api/dashboard-link')).url}   (sign-in link, works once)`,
        `  mcp       ${r.mcp_url}`,
        `  events    ${health.events} stored, last id ${health.last_event_id}, database ${(health.db_bytes / 1048576).toFixed(1)} MiB`,
        `  secrets   ${health.secrets_backend}`,
      ];
      if (health.store_problem) lines.push(`  PROBLEM   ${health.store_problem.message} (since ${health.store_problem.since})`);
      if (health.store_warning) lines.push(`  WARNING   ${health.store_warning}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
