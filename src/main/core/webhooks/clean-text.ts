// Text from webhook senders, made safe to show as one line: no line breaks, tabs or other
// control characters, no invisible formatting characters (bidi overrides, zero-width
// spaces, Unicode tag characters), no lone surrogates, and a bounded length. Applied when
// an event is normalized and again when a stored event is read, so rows stored before
// this existed are shown the same way. A newline in a type or a title is how a sender
// would forge a line of its own in an assistant's tool results; a bidi override is how it
// would make text read differently from what it is.
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from './types';

/** Longest type, subject and summary kept; a longer one is cut and ends in "…". */
export const MAX_TYPE = 200;
export const MAX_SUBJECT = 200;
export const MAX_SUMMARY = 200;
/** Longest string kept in an event's extracted fields (titles, names, URLs, messages). */
export const MAX_FIELD = 500;
const MAX_KEY = 64;
/** Provider delivery ids are UUIDs and short tokens; a longer one is kept as its hash. */
export const MAX_DELIVERY_ID = 200;
/** Providers' fields are a few levels deep; anything deeper is not something we extracted. */
const MAX_FIELD_DEPTH = 6;
const MAX_LIST = 100;

// Format characters (Cf: bidi controls U+202A-U+202E and U+2066-U+2069, zero-width
// U+200B-U+200F, U+2060, U+FEFF, tags U+E0000-U+E007F, ...) are invisible: dropped.
const INVISIBLE = /\p{Cf}/gu;
// Control characters (Cc: C0, DEL, C1 incl. NEL), line and paragraph separators and any
// other whitespace: one space.
const SPACING = /[\p{Cc}\p{Zl}\p{Zp}\s]+/gu;
// In a /u regex a surrogate class matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;
/** Anything flatText would change, so that clean text costs one test and no copy. */
const NEEDS_WORK = /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\uD800-\uDFFF]|[^\S ]| {2}|^ | $/u;

/** Cut at `max` UTF-16 units without splitting a surrogate pair, marking the cut with "…". */
export function clipText(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = value.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** One line of plain, visible text, at most `max` long. */
export function flatText(value: string, max: number): string {
  const flat = NEEDS_WORK.test(value)
    ? value.replace(INVISIBLE, '').replace(LONE_SURROGATE, '\uFFFD').replace(SPACING, ' ').trim()
    : value;
  return clipText(flat, max);
}

function cleanValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return flatText(value, MAX_FIELD);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_FIELD_DEPTH) return null;
  if (Array.isArray(value)) return value.slice(0, MAX_LIST).map((v) => cleanValue(v, depth + 1));
  return cleanFields(value as Record<string, unknown>, depth + 1);
}

/** Every key and string in an event's fields, flattened and clipped; the shape is kept. */
export function cleanFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(fields)) {
    const name = flatText(key, MAX_KEY);
    if (name !== '') entries.push([name, cleanValue(value, depth)]);
  }
  // fromEntries defines own properties, so a key "__proto__" stays a plain key.
  return Object.fromEntries(entries);
}

/**
 * A delivery id that is long or holds control characters becomes the hash of itself:
 * shown in every result, it must stay small, and a redelivery must still match it.
 */
export function cleanDeliveryId(id: string): string {
  if (id.length <= MAX_DELIVERY_ID && !NEEDS_WORK.test(id)) return id;
  return `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

// What cleanFields could change, seen in the JSON text of fields: an escape (\n, \u0000,
// \"), a raw control, format or separator character, a lone surrogate, whitespace other
// than single spaces, a space at a string's edge, or a run long enough to be clipped.
const FIELDS_JSON_NEEDS_WORK = new RegExp(
  `\\\\|[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\uD800-\\uDFFF]|[^\\S ]| {2}|" | "|[^"]{${MAX_FIELD + 1}}`,
  'u',
);

/**
 * cleanFields for fields read back as JSON text, skipping the walk (and its copies) when the
 * text shows there is nothing to clean, as for everything stored since ingest cleans.
 */
export function cleanFieldsJson(json: string): Record<string, unknown> {
  const fields = JSON.parse(json) as Record<string, unknown>;
  return FIELDS_JSON_NEEDS_WORK.test(json) ? cleanFields(fields) : fields;
}

// Events this module made, so that the later layers that clean again for safety (the
// store's append, the record subscribers get) do not walk the same fields twice.
const cleaned = new WeakSet<NormalizedEvent>();

/** The sender-chosen text of a normalized event, made safe to show. Idempotent. */
export function cleanEvent(e: NormalizedEvent): NormalizedEvent {
  if (cleaned.has(e)) return e;
  const subject = e.subject === null ? null : flatText(e.subject, MAX_SUBJECT);
  const out: NormalizedEvent = {
    ...e,
    deliveryId: e.deliveryId === null ? null : cleanDeliveryId(e.deliveryId),
    type: flatText(e.type, MAX_TYPE) || 'unknown',
    subject: subject === '' ? null : subject,
    summary: flatText(e.summary, MAX_SUMMARY),
    fields: cleanFields(e.fields),
  };
  cleaned.add(out);
  return out;
}
