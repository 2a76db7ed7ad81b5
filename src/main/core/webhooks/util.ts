// Shared plumbing for the provider modules: decoding bodies with errors a person can act
// on, reading untrusted payloads without throwing, the checks every signature scheme
// repeats (headers, timestamps, re-serialized bodies), and one-line summaries.
import { flatText } from './clean-text';
import { PayloadError } from './types';
import type { IncomingDelivery, VerifyResult } from './types';

export type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------
// Reading untrusted payloads: wrong types and missing keys become null, never a throw.

export function obj(v: unknown): Json | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
}

/** Walks own properties only, so a payload can't reach `constructor` or `__proto__`. */
export function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      const o = obj(cur);
      if (!o || !Object.hasOwn(o, key)) return undefined;
      cur = o[key];
    }
  }
  return cur;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A string with something in it; senders use "" where they mean "not set". */
export function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export function firstText(...values: unknown[]): string | null {
  for (const v of values) if (typeof v === 'string' && v.length > 0) return v;
  return null;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** An id that may arrive as a string or a number, or as an expanded object with an id. */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  const inner = at(v, 'id');
  return typeof inner === 'string' && inner.length > 0 ? inner : null;
}

/** Truncates without splitting a surrogate pair. */
export function clip(s: string | null, max: number): string | null {
  if (s === null || s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * One line for a person: whitespace and control characters collapse, invisible format
 * characters (bidi overrides, zero-width spaces) go, long text gets "…" (see clean-text).
 */
export function oneLine(value: string, max = 200): string {
  return flatText(value, max);
}

export function firstLine(value: string | null): string | null {
  if (value === null) return null;
  const line = value.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  return line.length > 0 ? line : null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Milliseconds from an ISO string or a unix time. Numbers below 1e11 are taken as
 * seconds: as milliseconds they would be 1973, as seconds year 5138. Only ISO-looking
 * strings reach Date.parse, whose legacy fallback accepts almost anything.
 */
export function toMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? (v < 1e11 ? v * 1000 : v) : null;
  if (typeof v !== 'string') return null;
  if (/^\d{9,13}(\.\d+)?$/.test(v)) return toMs(Number(v));
  if (!ISO_DATE.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

// ---------------------------------------------------------------------------------------
// Decoding bodies.

/**
 * How deeply objects and arrays may nest in a body. Real payloads nest about ten levels
 * (GitHub's deepest are under 15); a body nested 100,000 levels parses, but then every
 * recursive walk over it (JSON.stringify included) overflows the stack, so the event
 * could be stored but never shown.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Whether JSON text nests objects and arrays deeper than `limit`. One pass over the bytes
 * with a counter, no recursion and no parse, so it is safe on any input: brackets inside
 * strings do not count, and malformed JSON is left for JSON.parse to describe.
 */
export function nestedDeeperThan(body: Buffer | string, limit = MAX_JSON_DEPTH): boolean {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c) i++; // a backslash escapes the next byte, \" included
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}

export function parseJson(body: Buffer | string, what = 'body'): unknown {
  // A BOM is legal in a UTF-8 file but not in JSON.parse; editors and some SDKs add one.
  const source = (typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, '');
  if (source.trim() === '') throw new PayloadError(`${what} is empty; expected JSON`);
  if (nestedDeeperThan(source)) {
    throw new PayloadError(
      `${what} nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep; Tidings refuses such bodies because they cannot be shown safely. Send a flatter payload`,
    );
  }
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new PayloadError(describeJsonError(source, err, what));
  }
}

function describeJsonError(source: string, err: unknown, what: string): string {
  const raw = err instanceof Error ? err.message : String(err);
  const given = /at position (\d+)/.exec(raw);
  const pos = given ? Number(given[1]) : locateJsonError(source);
  // V8's "Unexpected token" messages quote a slice of the body; say it without the slice.
  const problem = / is not valid JSON$/.test(raw)
    ? `Unexpected token ${JSON.stringify(source[pos] ?? '')}`
    : oneLine(raw.replace(/\s+(?:in JSON\s+)?at position \d+.*$/s, ''), 120);
  if (pos < 0) return `${what} is not valid JSON: ${problem}`;
  const { line, column } = lineColumn(source, pos);
  return `${what} is not valid JSON: ${problem} at position ${pos} (line ${line}, column ${column})`;
}

function lineColumn(source: string, pos: number): { line: number; column: number } {
  const before = source.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

/**
 * Where JSON.parse gave up, for the messages where V8 does not say. Iterative, with its
 * own stack, so a deeply nested hostile body cannot overflow ours. -1 if it finds none.
 */
export function locateJsonError(s: string): number {
  const stack: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++;
    if (i >= s.length) return expect === 'after' && stack.length === 0 ? -1 : i;
    const c = s[i]!;
    const top = stack[stack.length - 1];
    if (expect === 'after') {
      if (top === undefined) return i;
      if (c === ',') expect = top === '{' ? 'key' : 'value';
      else if (c === (top === '{' ? '}' : ']')) stack.pop();
      else return i;
      i++;
    } else if (expect === 'colon') {
      if (c !== ':') return i;
      expect = 'value';
      i++;
    } else if (expect === 'key' || expect === 'keyOrClose') {
      if (expect === 'keyOrClose' && c === '}') {
        stack.pop();
        expect = 'after';
        i++;
      } else if (c === '"') {
        i = scanString(s, i);
        if (i < 0) return -i - 1;
        expect = 'colon';
      } else return i;
    } else if (expect === 'valueOrClose' && c === ']') {
      stack.pop();
      expect = 'after';
      i++;
    } else if (c === '{' || c === '[') {
      stack.push(c);
      expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
      i++;
    } else if (c === '"') {
      i = scanString(s, i);
      if (i < 0) return -i - 1;
      expect = 'after';
    } else {
      i = c === '-' || (c >= '0' && c <= '9') ? scanNumber(s, i) : scanLiteral(s, i);
      if (i < 0) return -i - 1;
      expect = 'after';
    }
  }
}

/** Index just past the closing quote, or -(error position + 1). */
function scanString(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -i - 1;
    if (code !== 0x5c) continue;
    const esc = s[i + 1];
    if (esc === 'u') {
      for (let k = i + 2; k < i + 6; k++) if (!/[0-9a-fA-F]/.test(s[k] ?? '')) return -Math.min(k, s.length) - 1;
      i += 5;
    } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
    else return -(i + 1) - 1;
  }
  return -s.length - 1;
}

/** Like scanString: the index past the literal, or -(first wrong character + 1). */
function scanLiteral(s: string, i: number): number {
  const word = ['true', 'false', 'null'].find((w) => w[0] === s[i]);
  if (!word) return -i - 1;
  for (let k = 0; k < word.length; k++) if (s[i + k] !== word[k]) return -(i + k) - 1;
  return i + word.length;
}

/** Like scanString, for -?int(.digits)?([eE][+-]?digits)?. */
function scanNumber(s: string, start: number): number {
  const digits = (from: number): number => {
    let j = from;
    while (j < s.length && s[j]! >= '0' && s[j]! <= '9') j++;
    return j;
  };
  let i = s[start] === '-' ? start + 1 : start;
  if (s[i] === '0') i++;
  else if (digits(i) === i) return -i - 1;
  else i = digits(i);
  if (s[i] === '.') {
    if (digits(i + 1) === i + 1) return -(i + 1) - 1;
    i = digits(i + 1);
  }
  if (s[i] === 'e' || s[i] === 'E') {
    const from = s[i + 1] === '+' || s[i + 1] === '-' ? i + 2 : i + 1;
    if (digits(from) === from) return -from - 1;
    i = digits(from);
  }
  return i;
}

/** Repeated keys become arrays, so nothing the sender sent is silently dropped. */
export function parseForm(body: Buffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  // Back to a plain object so it serializes and compares like any parsed JSON.
  return { ...out };
}

// ---------------------------------------------------------------------------------------
// Verification building blocks.

export const OK: VerifyResult = { ok: true };
export const fail = (reason: string): VerifyResult => ({ ok: false, reason });

/** Empty strings are ignored: an HMAC keyed with "" is one anybody can compute. */
export function usableSecrets(secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length > 0);
}

export const NO_SECRETS = 'no webhook secret is configured for this source, so no signature can be checked';

export function header(delivery: IncomingDelivery, name: string): string | undefined {
  const value = delivery.headers[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Node joins a repeated header with ", "; signature values never contain a comma. */
export function timesSent(value: string): number {
  return value.split(',').length;
}

export function duplicated(label: string, value: string): string {
  return `${label} header was sent ${timesSent(value)} times; it must be sent exactly once (is a proxy adding a copy?)`;
}

export const TOLERANCE_S = 300;

/**
 * Null when the signed timestamp is within tolerance of `now`. Whole seconds, as the
 * providers' own libraries count them.
 */
export function timestampReason(seconds: number, now: number, who: string): string | null {
  const age = Math.floor(now / 1000) - seconds;
  if (Math.abs(age) <= TOLERANCE_S) return null;
  const validity = `${who} signatures are valid for ${TOLERANCE_S} s`;
  if (age > 0) return `timestamp ${age} s old; ${validity}`;
  return `timestamp ${-age} s in the future; ${validity} (is this machine's clock right?)`;
}

/** Unix seconds as a header carries them: digits only, no sign, no fraction. */
export function unixSeconds(value: string): number | null {
  return /^\d{1,12}$/.test(value) ? Number(value) : null;
}

export const RESERIALIZED = 'signature was computed over a re-serialized body, not the bytes that were sent';

/** Past this, a failed request does not get the extra parse and HMACs of the diagnosis. */
const DIAGNOSE_LIMIT = 1024 * 1024;

/** The body as a JSON library would re-encode it, when that differs from what arrived. */
export function reserializedBodies(body: Buffer): Buffer[] {
  // Too deep for JSON.stringify's recursion: such a body is refused as unreadable anyway.
  if (body.length > DIAGNOSE_LIMIT || nestedDeeperThan(body)) return [];
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return [JSON.stringify(value), JSON.stringify(value, null, 2)]
    .map((s) => Buffer.from(s, 'utf8'))
    .filter((b) => !b.equals(body));
}

/**
 * The reason for a signature that matched nothing. A match against a re-serialized body
 * means the secret is right and something between signing and sending re-encoded the
 * JSON, which is a different fix from a wrong secret.
 */
export function mismatchReason(body: Buffer, signedWith: (candidate: Buffer) => boolean, secretCount: number): string {
  if (reserializedBodies(body).some(signedWith)) {
    return `${RESERIALIZED}; whatever signs or forwards these deliveries must keep the exact bytes`;
  }
  const which = secretCount === 1 ? 'the configured secret' : `any of the ${secretCount} configured secrets`;
  return `signature does not match ${which}`;
}

/** The bytes of a hex signature of exactly `length` digits (either case), or null. */
export function hexSignature(value: string, length: number): Buffer | null {
  return new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value) ? Buffer.from(value, 'hex') : null;
}
