// `tidings send-test <source>`: the short form of `tidings trigger`. The core builds a
// realistic sample delivery for the source, signs it with the source's newest secret, and
// posts it to its own receiver over HTTP, exactly as the provider would.
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import { requireCore } from '../client';
import { parseSource } from '../options';
import { sendThroughCore } from './trigger';

export function registerSendTest(program: Command): void {
  program
    .command('send-test')
    .argument('<source>', 'github, stripe, vercel, slack, or any other source name', parseSource)
    .option('--json', 'print {"source","type","status","id","verified"}')
    .description('send a signed sample webhook (github, stripe, vercel, slack, or any other source name for Standard Webhooks)')
    .action(async (source: string, opts: { json?: boolean }, cmd: Command) => {
      const core = requireCore(resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir));
      const sent = await sendThroughCore(core, source);
      process.stdout.write(opts.json ? `${JSON.stringify(sent)}\n` : `Sent a test ${source} webhook: ${sent.status} as event ${sent.id}.\n`);
    });
}
