// `tidings events`: list stored events, newest first, or follow the cursor from an id.
// Works without a running core by reading the database read-only.
import fs from 'node:fs';
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import { paths } from '../../core/data-dir';
import type { EventRecord } from '../../../shared/events';
import { CliError, findCore } from '../client';
import { followEvents, followLine } from '../follow';
import { registerEventDetail } from './event-detail';
import { registerArchive } from './archive';
import { parseCursor, parseLimit, parseSource } from '../options';

interface EventsOptions {
  source?: string;
  type?: string;
  limit: number;
  after?: number;
  search?: string;
  json?: boolean;
  follow?: boolean;
}

function formatLine(e: EventRecord): string {
  const flag = e.verified ? ' ' : '!';
  return `${String(e.id).padStart(6)} ${e.received_at.replace('T', ' ').slice(0, 19)} ${flag} ${e.source.padEnd(8)} ${e.type.padEnd(28)} ${e.summary}`;
}

export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description('list stored events, newest first ("!" marks unverified events)')
    .option('--source <source>', 'only this source', parseSource)
    .option('--type <type>', 'only this event type, e.g. push or pull_request.opened')
    .option('--after <id>', 'events after this id, oldest first (a cursor)', parseCursor)
    .option('--search <text>', 'full-text search over summaries and payloads')
    .option('--limit <n>', 'how many (1-1000)', parseLimit, 20)
    .option('--json', 'print JSON lines')
    .option('-f, --follow', 'print each event as it is committed, until Ctrl+C; survives core restarts (starts at the newest event, or after --after)')
    .action(async (opts: EventsOptions, cmd: Command) => {
      const dataDir = resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir);
      if (opts.follow) {
        if (opts.search) throw new CliError('--follow and --search do not go together; follow with --source and --type', 2);
        await follow(dataDir, opts);
        return;
      }
      let events: EventRecord[];
      const core = findCore(dataDir);
      if (core) {
        const params = new URLSearchParams({ limit: String(opts.limit) });
        if (opts.source) params.set('source', opts.source);
        if (opts.type) params.set('type', opts.type);
        if (opts.after !== undefined) params.set('after', String(opts.after));
        if (opts.search) params.set('q', opts.search);
        events = (await core.request<{ events: EventRecord[] }>('GET', `/api/events?${params}`)).events;
      } else {
        const file = paths(dataDir).db;
        if (!fs.existsSync(file)) throw new CliError(`no Tidings database at ${file}; start Tidings with \`tidings serve\` first`);
        const { default: Database } = await import('better-sqlite3');
        const { createEventStore } = await import('../../core/store/event-store');
        const db = new Database(file, { readonly: true, fileMustExist: true });
        try {
          const store = createEventStore(db);
          events = opts.search
            ? store.search(opts.search, opts.limit)
            : store.list({ source: opts.source, type: opts.type, afterId: opts.after, limit: opts.limit });
        } finally {
          db.close();
        }
      }
      if (opts.json) {
        for (const e of events) process.stdout.write(`${JSON.stringify(e)}\n`);
        return;
      }
      if (events.length === 0) {
        process.stdout.write('No events yet. Send one with `tidings send-test github`, or point a provider at the webhook URL that `tidings serve` printed.\n');
        return;
      }
      for (const e of events) process.stdout.write(`${formatLine(e)}\n`);
    });
  registerEventDetail(events);
  registerArchive(events);
}

/** Tails until Ctrl+C (or SIGTERM), which ends it with exit code 0 and no stack. */
async function follow(dataDir: string, opts: EventsOptions): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await followEvents({
      dataDir,
      after: opts.after,
      source: opts.source,
      type: opts.type,
      signal: stop.signal,
      onEvent: (e) => process.stdout.write(`${opts.json ? JSON.stringify(e) : followLine(e)}\n`),
      onStatus: (message) => process.stderr.write(`tidings: ${message}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
