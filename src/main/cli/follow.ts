// `tidings events --follow`: a live tail of committed events, like `stripe listen`. It reads
// the local API's SSE stream and keeps the id of the last event it printed; when the core
// goes away (restart, upgrade, sleep) it waits for one to come back on the same data
// directory, reads runtime.json afresh (the ports may have changed) and reconnects with
// Last-Event-ID, so the store fills the gap: every event once, in order.
import { readRuntime, readToken } from '../core/data-dir';
import { STREAM_EVENT } from '../../shared/api';
import { eventRecordSchema } from '../../shared/events';
import type { EventRecord } from '../../shared/events';

export interface FollowOptions {
  dataDir: string;
  /** Print events after this id; without it, the tail starts at the newest event. */
  after?: number | undefined;
  source?: string | undefined;
  type?: string | undefined;
  /** Called once per event, in id order. */
  onEvent: (e: EventRecord) => void;
  /** Connection news for a person (stderr): connected, lost, waiting. */
  onStatus: (message: string) => void;
  /** Aborting ends the tail; `followEvents` then resolves. */
  signal: AbortSignal;
  /** How long to wait between attempts to find a core; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** One event block of a text/event-stream: its id, event name and data lines. */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Splits SSE text into complete messages and the unfinished rest. Pure, so the parser is
 * tested on its own; comments (keep-alives) and `retry:` lines are dropped.
 */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  const messages: SseMessage[] = [];
  for (const block of blocks) {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ id, event, data: data.join('\n') });
  }
  return { messages, rest };
}

/** One line per event: time, verified mark, source, type, subject, id. */
export function followLine(e: EventRecord): string {
  const time = e.received_at.replace('T', ' ').slice(0, 19);
  const mark = e.verified ? '✓' : '!';
  return `${time} ${mark} ${e.source.padEnd(8)} ${e.type.padEnd(32)} ${(e.subject ?? '-').padEnd(24)} #${e.id}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Follows until `signal` aborts. Never throws for a lost core: it waits and reconnects. */
export async function followEvents(opts: FollowOptions): Promise<void> {
  const { signal } = opts;
  const baseRetry = opts.retryMs ?? 250;
  const maxRetry = opts.maxRetryMs ?? 2000;
  let cursor: number | undefined = opts.after;
  let retry = baseRetry;
  let waiting = false;
  let connected = false;
  let lastProblem = '';

  while (!signal.aborted) {
    const runtime = readRuntime(opts.dataDir);
    const token = readToken(opts.dataDir);
    if (!runtime || !token) {
      if (!waiting) opts.onStatus(`waiting for a Tidings core on ${opts.dataDir} (start one with \`tidings serve\`)`);
      waiting = true;
      await sleep(retry, signal);
      retry = Math.min(retry * 2, maxRetry);
      continue;
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    try {
      // Without a cursor, pin "now" before the first stream opens: if the core restarted
      // before any event came, a stream opened without a cursor would skip what came in between.
      if (cursor === undefined) {
        const res = await fetch(`${runtime.control_url}/api/health`, { headers: { authorization: headers.authorization! }, signal });
        if (!res.ok) throw new Error(`the core answered ${res.status}`);
        cursor = ((await res.json()) as { last_event_id: number }).last_event_id;
      }
      const params = new URLSearchParams();
      if (opts.source) params.set('source', opts.source);
      if (opts.type) params.set('type', opts.type);
      const query = params.size > 0 ? `?${params}` : '';
      const res = await fetch(`${runtime.control_url}/api/events/stream${query}`, {
        headers: { ...headers, 'last-event-id': String(cursor) },
        signal,
      });
      if (!res.ok || !res.body) throw new Error(`the core answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      opts.onStatus(`following events on ${runtime.control_url} after #${cursor} (Ctrl+C to stop)`);
      waiting = false;
      connected = true;
      lastProblem = '';
      retry = baseRetry;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        const { messages, rest } = parseSse(buffer);
        buffer = rest;
        for (const m of messages) {
          if (m.event !== STREAM_EVENT) continue;
          const event = eventRecordSchema.parse(JSON.parse(m.data));
          if (cursor !== undefined && event.id <= cursor) continue;
          cursor = event.id;
          opts.onEvent(event);
        }
      }
      // The core ended the stream (it is stopping): find the next one.
      opts.onStatus(`the core closed the stream; reconnecting after #${cursor}`);
      connected = false;
    } catch (err) {
      if (signal.aborted) break;
      const problem = (err as Error).message;
      if (connected) opts.onStatus(`lost the core (${problem}); reconnecting after #${cursor}`);
      else if (problem !== lastProblem) opts.onStatus(`could not follow the core (${problem}); trying again`);
      lastProblem = problem;
      connected = false;
    }
    if (signal.aborted) break;
    await sleep(retry, signal);
    retry = Math.min(retry * 2, maxRetry);
  }
}
