// Export and import of stored events (`tidings events export` / `import`). An export line
// (JSON Lines) or HAR entry carries the exact bytes and headers as received, the source,
// the provider delivery id and the recorded verified state. An import is not a signature
// check: the secrets and the clock that checked the original are not here, so an imported
// event is stored `verified: false`, and what the export said about it is kept in an
// `x-tidings-imported` header. It keeps its provider delivery id, so importing the same
// file twice (or into the store it came from) stores nothing twice.
import { z } from 'zod';
import type { EventDetail } from '../../shared/events';
import { SOURCE_PATTERN } from '../../shared/events';
import type { IngestItem } from './store/event-store';
import { providerFor } from './webhooks/providers';
import { searchText } from './webhooks/search-text';
import { PayloadError } from './webhooks/types';

/** One exported event: the shape of a JSON line, and what import reads. */
export const archivedEventSchema = z.object({
  id: z.number().int().optional(),
  source: z.string().regex(SOURCE_PATTERN, 'a source name (lowercase letters, digits, "-", "_")'),
  type: z.string().optional(),
  received_at: z.string(),
  delivery_id: z.string().min(1).max(200),
  verified: z.boolean(),
  content_type: z.string().min(1).max(200),
  headers: z.record(z.string(), z.string()),
  /** The exact bytes, base64: bodies are usually UTF-8, but the bytes are what was signed. */
  body_base64: z.string(),
});
export type ArchivedEvent = z.infer<typeof archivedEventSchema>;

export function toArchived(e: EventDetail, raw: Buffer): ArchivedEvent {
  return {
    id: e.id,
    source: e.source,
    type: e.type,
    received_at: e.received_at,
    delivery_id: e.delivery_id,
    verified: e.verified,
    content_type: e.content_type,
    headers: e.headers,
    body_base64: raw.toString('base64'),
  };
}

// ---------------------------------------------------------------------------------------
// HAR 1.2: one POST per event, as the sender made it, so browser tools and proxies can
// open an export. `_tidings` (HAR's custom-field form) carries what HAR has no place for.

export function harOf(events: ArchivedEvent[], webhookUrl: (source: string) => string, creator: { name: string; version: string }) {
  return {
    log: {
      version: '1.2',
      creator,
      entries: events.map((e) => {
        const body = Buffer.from(e.body_base64, 'base64');
        return {
          startedDateTime: e.received_at,
          time: 0,
          request: {
            method: 'POST',
            url: webhookUrl(e.source),
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: Object.entries(e.headers).map(([name, value]) => ({ name, value })),
            queryString: [],
            postData: { mimeType: e.content_type, text: body.toString('utf8') },
            headersSize: -1,
            bodySize: body.length,
          },
          response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 0, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: -1 },
          cache: {},
          timings: { send: 0, wait: 0, receive: 0 },
          _tidings: { id: e.id, source: e.source, type: e.type, delivery_id: e.delivery_id, verified: e.verified, body_base64: e.body_base64 },
        };
      }),
    },
  };
}

const harSchema = z.object({
  log: z.object({
    entries: z.array(
      z.object({
        startedDateTime: z.string(),
        request: z.object({
          url: z.string(),
          headers: z.array(z.object({ name: z.string(), value: z.string() })),
          postData: z.object({ mimeType: z.string(), text: z.string().optional() }).optional(),
        }),
        _tidings: z.object({ source: z.string(), delivery_id: z.string(), verified: z.boolean(), body_base64: z.string() }).partial().optional(),
      }),
    ),
  }),
});

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** Reads an export file's text: a HAR document or JSON Lines. Throws ArchiveError naming the line. */
export function readArchive(text: string): ArchivedEvent[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && /^\{\s*"log"\s*:/.test(trimmed)) {
    const parsed = harSchema.safeParse(JSON.parse(trimmed));
    if (!parsed.success) throw new ArchiveError(`archive: not a HAR file Tidings can read (${parsed.error.issues[0]?.message ?? 'bad shape'})`);
    return parsed.data.log.entries.map((entry, i) => {
      const t = entry._tidings ?? {};
      const source = t.source ?? /\/webhooks?\/([^/?#]+)/.exec(entry.request.url)?.[1];
      if (!source) throw new ArchiveError(`archive: HAR entry ${i + 1} has no source (its URL is not …/webhooks/<source>)`);
      const headers = Object.fromEntries(entry.request.headers.map((h) => [h.name.toLowerCase(), h.value]));
      const body = t.body_base64 ?? Buffer.from(entry.request.postData?.text ?? '', 'utf8').toString('base64');
      const result = archivedEventSchema.safeParse({
        source,
        received_at: entry.startedDateTime,
        delivery_id: t.delivery_id ?? headers['x-github-delivery'] ?? headers['webhook-id'] ?? headers['svix-id'] ?? `har:${i + 1}:${entry.startedDateTime}`,
        verified: t.verified ?? false,
        content_type: (entry.request.postData?.mimeType ?? headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase(),
        headers,
        body_base64: body,
      });
      if (!result.success) throw new ArchiveError(`archive: HAR entry ${i + 1}: ${result.error.issues[0]?.path.join('.')} must be ${result.error.issues[0]?.message}`);
      return result.data;
    });
  }
  const events: ArchivedEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ArchiveError(`archive: line ${i + 1} is not JSON; an export is one JSON object per line (or a HAR file)`);
    }
    const result = archivedEventSchema.safeParse(json);
    if (!result.success) throw new ArchiveError(`archive: line ${i + 1}: ${result.error.issues[0]?.path.join('.')} must be ${result.error.issues[0]?.message}`);
    events.push(result.data);
  });
  return events;
}

/** Turns an archived event into what the store appends, through the source's own provider. */
export function importItem(e: ArchivedEvent, now: number): IngestItem {
  const provider = providerFor(e.source);
  const body = Buffer.from(e.body_base64, 'base64');
  const headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const delivery = { source: e.source, headers, body, contentType: e.content_type, now };
  let payload: unknown;
  try {
    payload = provider.parse(delivery);
  } catch (err) {
    if (err instanceof PayloadError) throw new ArchiveError(`unreadable ${e.source} payload: ${err.message}`);
    throw err;
  }
  const event = provider.normalize(delivery, payload);
  // The recorded id wins: it is what makes a second import a duplicate.
  event.deliveryId = e.delivery_id;
  return {
    source: e.source,
    provider: provider.kind,
    verified: false,
    contentType: e.content_type,
    headers: { ...headers, 'x-tidings-imported': `verified=${e.verified}; received_at=${e.received_at}${e.id !== undefined ? `; id=${e.id}` : ''}` },
    body,
    event,
    searchText: searchText(event.summary, event.subject, event.type, payload),
    receivedAt: now,
  };
}
