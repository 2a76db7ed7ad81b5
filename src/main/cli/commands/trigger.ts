// `tidings trigger <source> <type>`: a realistic, signed event of the chosen type through
// the real receiver, as `stripe trigger` does. The core signs it with the source's newest
// secret (secrets never leave the core) and posts it to its own ingest listener.
// `--list [source]` prints the catalog and needs no core.
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import type { EventRecord } from '../../../shared/events';
import { catalog, CatalogError, CATALOG_SOURCES, triggerDelivery } from '../../core/webhooks/catalog';
import { CliError, requireCore } from '../client';
import type { CoreClient } from '../client';
import { parseSource } from '../options';

interface IngestAnswer {
  ingest_status: number;
  ingest_response: { status?: string; id?: number; error?: string };
}

export interface SentResult {
  source: string;
  type: string;
  status: string;
  id: number;
  verified: boolean;
}

/** Posts the delivery through the core and reads back what was stored. Shared with send-test. */
export async function sendThroughCore(core: CoreClient, source: string, type?: string): Promise<SentResult> {
  const result = await core.request<IngestAnswer>('POST', `/api/sources/${source}/test`, type === undefined ? undefined : { type });
  const body = result.ingest_response;
  if (result.ingest_status !== 200 || typeof body.id !== 'number') {
    throw new CliError(`the receiver answered ${result.ingest_status}: ${body.error ?? JSON.stringify(body)}`);
  }
  const stored = await core.request<EventRecord>('GET', `/api/events/${body.id}`);
  return { source, type: stored.type, status: body.status ?? 'received', id: body.id, verified: stored.verified };
}

export function describeSent(r: SentResult): string {
  const mark = r.verified ? 'verified' : 'NOT verified: the source has no secret (set one with `tidings secret set ' + r.source + ' --generate`)';
  return `Sent ${r.source} ${r.type}: ${r.status} as event ${r.id}, ${mark}.`;
}

/** Builds the delivery unsigned and throws it away: the catalog's own check of source and type. */
function fixtureCheck(source: string, type: string): void {
  triggerDelivery(source, type, null, Date.now());
}

export function registerTrigger(program: Command): void {
  program
    .command('trigger')
    .argument('[source]', 'github, stripe, vercel, slack, or any other source name (Standard Webhooks)')
    .argument('[type]', 'the event type, e.g. pull_request.opened or invoice.payment_failed')
    .option('--list', 'list the catalog (for one source when given)')
    .option('--json', 'print JSON (one object; JSON lines for --list)')
    .description('send a realistic, signed event of a chosen type through the real receiver')
    .addHelpText(
      'after',
      `\nExamples:\n  tidings trigger --list stripe\n  tidings trigger github pull_request.opened\n  tidings trigger stripe invoice.payment_failed\n  tidings trigger clerk user.created      (any other source: any type, Standard Webhooks)`,
    )
    .action(async (source: string | undefined, type: string | undefined, opts: { list?: boolean; json?: boolean }, cmd: Command) => {
      if (source !== undefined) {
        try {
          parseSource(source);
        } catch (err) {
          throw new CliError(`source ${(err as Error).message}`, 2);
        }
      }
      if (opts.list) {
        if (type !== undefined) throw new CliError('--list takes at most a source, not a type', 2);
        const entries = catalog(source);
        if (opts.json) {
          for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
          return;
        }
        for (const e of entries) process.stdout.write(`${e.source.padEnd(8)} ${e.type.padEnd(44)} ${e.description}\n`);
        if (source === undefined) process.stdout.write(`any other source: any type, as a Standard Webhooks message (e.g. tidings trigger clerk user.created)\n`);
        return;
      }
      if (source === undefined || type === undefined) {
        throw new CliError(`trigger needs a source and an event type (e.g. tidings trigger stripe invoice.payment_failed); sources with a catalog: ${CATALOG_SOURCES.join(', ')}; see \`tidings trigger --list\``, 2);
      }
      // A type the catalog lacks is a bad argument (exit 2), known before asking a core.
      try {
        fixtureCheck(source, type);
      } catch (err) {
        if (err instanceof CatalogError && err.status !== 503) throw new CliError(err.message.replace(/^catalog: /, ''), 2);
        throw err;
      }
      const core = requireCore(resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir));
      const sent = await sendThroughCore(core, source, type);
      process.stdout.write(opts.json ? `${JSON.stringify(sent)}\n` : `${describeSent(sent)}\n`);
    });
}
