// `tidings events export` and `tidings events import FILE`. Export reads the database
// read-only (a running core is not needed, and not disturbed: WAL readers don't block the
// writer); import goes through the running core, the one writer.
import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolveDataDir } from '../../core/config';
import { paths } from '../../core/data-dir';
import { ArchiveError, harOf, readArchive, toArchived } from '../../core/archive';
import type { ArchivedEvent } from '../../core/archive';
import { VERSION } from '../../core/version';
import { CliError, findCore, requireCore } from '../client';
import { parseSource } from '../options';

/** An ISO 8601 time, or a span back from now: 30m, 24h, 7d. */
export function parseSince(value: string, now = Date.now()): number {
  const span = /^(\d+)([mhd])$/.exec(value);
  if (span) return now - Number(span[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd'];
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('must be an ISO 8601 time (2026-01-31T09:00:00Z) or a span back from now (30m, 24h, 7d)');
  return ms;
}

function parseFormat(value: string): 'jsonl' | 'har' {
  if (value !== 'jsonl' && value !== 'har') throw new InvalidArgumentError('must be jsonl or har');
  return value;
}

const PAGE = 500;
const IMPORT_BATCH = 200;

async function readEvents(dataDir: string, q: { since?: number | undefined; until?: number | undefined; source?: string | undefined }): Promise<ArchivedEvent[]> {
  const file = paths(dataDir).db;
  if (!fs.existsSync(file)) throw new CliError(`no Tidings database at ${file}; nothing to export`);
  const { default: Database } = await import('better-sqlite3');
  const { createEventStore } = await import('../../core/store/event-store');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const store = createEventStore(db);
    const out: ArchivedEvent[] = [];
    let afterId = 0;
    for (;;) {
      const page = store.list({ afterId, since: q.since, until: q.until, source: q.source, order: 'asc', limit: PAGE });
      for (const e of page) {
        const detail = store.get(e.id);
        const raw = store.raw(e.id);
        if (detail && raw) out.push(toArchived(detail, raw.body));
      }
      if (page.length < PAGE) break;
      afterId = page[page.length - 1]!.id;
    }
    return out;
  } finally {
    db.close();
  }
}

export function registerArchive(events: Command): void {
  events
    .command('export')
    .description('write stored events (exact bytes and headers) as JSON Lines or HAR, oldest first')
    .option('--since <time>', 'from this time: ISO 8601 or a span back from now (30m, 24h, 7d)', (v) => parseSince(v))
    .option('--until <time>', 'up to this time (ISO 8601 or a span back from now)', (v) => parseSince(v))
    .option('--source <source>', 'only this source', parseSource)
    .option('--format <format>', 'jsonl (default) or har', parseFormat, 'jsonl')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (_opts: unknown, cmd: Command) => {
      // optsWithGlobals: `--source` and `--json` are also options of `events` itself, which takes them first.
      const opts = cmd.optsWithGlobals<{ since?: number; until?: number; source?: string; format: 'jsonl' | 'har'; output?: string; dataDir?: string }>();
      const dataDir = resolveDataDir(opts.dataDir);
      const events = await readEvents(dataDir, opts);
      let text: string;
      if (opts.format === 'har') {
        const core = findCore(dataDir);
        const base = core ? core.runtime.ingest_url : 'http://127.0.0.1:8787';
        text = `${JSON.stringify(harOf(events, (s) => `${base}/webhooks/${s}`, { name: 'Tidings', version: VERSION }), null, 2)}\n`;
      } else {
        text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
      }
      if (opts.output) {
        fs.writeFileSync(opts.output, text, { mode: 0o600 });
        process.stderr.write(`tidings: exported ${events.length} event${events.length === 1 ? '' : 's'} to ${opts.output}\n`);
      } else process.stdout.write(text);
    });

  events
    .command('import')
    .argument('<file>', 'a file written by `tidings events export` (JSON Lines or HAR)')
    .option('--json', 'print one JSON line per event: {"index","status","id"|"error"}')
    .description('store exported events here; already stored ones (same delivery id) are skipped; imported events are marked unverified')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean; dataDir?: string }>();
      const dataDir = resolveDataDir(opts.dataDir);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
      }
      let events: ArchivedEvent[];
      try {
        events = readArchive(text);
      } catch (err) {
        if (err instanceof ArchiveError || err instanceof SyntaxError) throw new CliError(`${file}: ${err.message.replace(/^archive: /, '')}`, 2);
        throw err;
      }
      const core = requireCore(dataDir);
      const counts = { received: 0, duplicate: 0, error: 0 };
      for (let i = 0; i < events.length; i += IMPORT_BATCH) {
        const batch = events.slice(i, i + IMPORT_BATCH);
        const { results } = await core.request<{ results: Array<{ index: number; status: 'received' | 'duplicate' | 'error'; id?: number; error?: string }> }>(
          'POST',
          '/api/events/import',
          { events: batch },
        );
        for (const r of results) {
          counts[r.status]++;
          const index = i + r.index;
          if (opts.json) process.stdout.write(`${JSON.stringify({ ...r, index })}\n`);
          else if (r.status === 'error') process.stderr.write(`tidings: event ${index + 1} of ${file} was not imported: ${r.error}\n`);
        }
      }
      if (!opts.json) {
        process.stdout.write(`Imported ${counts.received} new event${counts.received === 1 ? '' : 's'} from ${file} (unverified: an import is not a signature check); ${counts.duplicate} already stored${counts.error > 0 ? `; ${counts.error} not readable` : ''}.\n`);
      }
      if (counts.error > 0) process.exitCode = 1;
    });
}
