// Follows the core's event stream (GET /api/events/stream, server-sent events) from the
// main process, for when the app is attached to a headless core it does not own. It
// resumes after the last id it saw, so a dropped connection loses nothing. No Electron.
import { eventRecordSchema } from '../../shared/events';
import type { EventRecord } from '../../shared/events';
import { STREAM_EVENT } from '../../shared/api';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/** An incremental parser: feed it text as it arrives; it calls back once per complete message. */
export function createSseParser(onMessage: (m: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | null = null;
  return (chunk) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length > 0) onMessage({ id, event: event || 'message', data: data.join('\n') });
        data = [];
        event = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
    }
  };
}

export type StreamStatus = 'live' | 'reconnecting';

export interface FollowOptions {
  controlUrl: string;
  token: string;
  /** The newest id already known; the stream starts after it. */
  after: number;
  onEvent: (e: EventRecord) => void;
  onStatus?: (s: StreamStatus, detail?: string) => void;
  fetchImpl?: typeof fetch;
  /** Waits between reconnects, growing to the last one. */
  backoffMs?: readonly number[];
}

/** Follow until the returned function is called. */
export function followEvents(options: FollowOptions): () => void {
  const fetchImpl = options.fetchImpl ?? fetch;
  const backoff = options.backoffMs ?? [500, 1_000, 2_000, 5_000, 10_000];
  const abort = new AbortController();
  let lastId = options.after;
  let failures = 0;

  const once = async () => {
    const url = new URL('/api/events/stream', options.controlUrl);
    url.searchParams.set('after', String(lastId));
    const res = await fetchImpl(url, {
      headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`the event stream answered ${res.status}`);
    failures = 0;
    options.onStatus?.('live');
    const parse = createSseParser((m) => {
      if (m.event !== STREAM_EVENT) return;
      let json: unknown;
      try {
        json = JSON.parse(m.data);
      } catch {
        return;
      }
      const parsed = eventRecordSchema.safeParse(json);
      if (!parsed.success || parsed.data.id <= lastId) return;
      lastId = parsed.data.id;
      options.onEvent(parsed.data);
    });
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parse(decoder.decode(value, { stream: true }));
    }
    throw new Error('the core closed the event stream');
  };

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await once();
      } catch (err) {
        if (abort.signal.aborted) return;
        options.onStatus?.('reconnecting', err instanceof Error ? err.message : String(err));
        const wait = backoff[Math.min(failures++, backoff.length - 1)] ?? 1_000;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  })();
  return () => abort.abort();
}
