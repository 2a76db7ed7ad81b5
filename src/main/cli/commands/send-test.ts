// `tidings send-test <source>`: the core builds a realistic sample delivery for the
// source, signs it with the source's newest secret, and posts it to its own receiver over
// HTTP, exactly as the provider would.
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import { CliError, requireCore } from '../client';
import { parseSource } from '../options';

export function registerSendTest(program: Command): void {
  program
    .command('send-test')
    .argument('<source>', 'github, stripe, vercel, slack, or any other source name', parseSource)
    .description('send a signed sample webhook (github, stripe, vercel, slack, or any other source name for Standard Webhooks)')
    .action(async (source: string, _opts: unknown, cmd: Command) => {
      const core = requireCore(resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir));
      const result = await core.request<{ ingest_status: number; ingest_response: unknown }>('POST', `/api/sources/${source}/test`);
      const body = result.ingest_response as { status?: string; id?: number; error?: string };
      if (result.ingest_status !== 200) throw new CliError(`the receiver answered ${result.ingest_status}: ${body.error ?? JSON.stringify(body)}`);
      process.stdout.write(`Sent a test ${source} webhook: ${body.status} as event ${body.id}.\n`);
    });
}
