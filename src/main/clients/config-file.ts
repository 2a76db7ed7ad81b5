// Plans the edit to one AI client's MCP config: add, replace or remove the `tidings` server
// and leave every other byte as it was (these files hold the person's other servers and,
// in ~/.claude.json, Claude Code's own state). Pure: text in, text out.
import { SERVER_NAME, serversKey } from './entries';
import type { ServerEntry } from './entries';
import { CLIENT_NAMES } from './paths';
import type { ClientId } from './paths';

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

export interface ConfigPlan {
  /** The whole new file, or null when there is (and stays) no file. */
  nextText: string | null;
  changed: boolean;
  summary: string;
  /** The map the entry lives in (`mcpServers` or `servers`), and the entry before and after (undefined: absent). */
  serversKey: string;
  before: unknown;
  after: unknown;
}

// ---- a JSON reader that remembers where everything is ----

type Node =
  | { kind: 'object'; start: number; end: number; members: Member[] }
  | { kind: 'array'; start: number; end: number; items: Node[] }
  | { kind: 'scalar'; start: number; end: number };

interface Member {
  key: string;
  /** Offset of the key's opening quote. */
  start: number;
  node: Node;
  /** Offset of the comma that follows the member, if any. */
  comma: number | null;
}

class SyntaxProblem extends Error {}

const MAX_DEPTH = 512;

/**
 * JSON.parse would lose the offsets the edit needs. With `jsonc`, comments and trailing
 * commas are accepted as well, because VS Code's mcp.json is JSON with comments.
 */
function parse(text: string, jsonc: boolean): Node {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM left by Windows editors
  const fail = (what: string, at = i): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new SyntaxProblem(`${what} at line ${line}, column ${column}`);
  };
  const describe = (at: number) => (at >= text.length ? 'end of file' : `character ${JSON.stringify(text[at])}`);

  const skip = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (jsonc && c === '/' && text[i + 1] === '/') {
        const eol = text.indexOf('\n', i);
        i = eol < 0 ? text.length : eol;
      } else if (jsonc && c === '/' && text[i + 1] === '*') {
        const close = text.indexOf('*/', i + 2);
        if (close < 0) fail('unterminated comment');
        i = close + 2;
      } else return;
    }
  };

  const string = (): string => {
    const start = i++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail('unterminated string', start);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in a string');
      if (c === 0x5c) {
        escaped = true;
        i++;
      }
      i++;
    }
    i++;
    if (!escaped) return text.slice(start + 1, i - 1);
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('invalid escape in a string', start);
    }
  };

  const scalar = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

  const value = (depth: number): Node => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skip();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: Member[] = [];
      for (;;) {
        skip();
        if (text[i] === '}' && (members.length === 0 || jsonc)) break;
        if (text[i] !== '"') fail(members.length > 0 && text[i] === '}' ? 'trailing comma' : `expected a quoted key, found ${describe(i)}`);
        const keyStart = i;
        const key = string();
        skip();
        if (text[i] !== ':') fail(`expected ':' after ${JSON.stringify(key)}, found ${describe(i)}`);
        i++;
        const node = value(depth + 1);
        skip();
        const member: Member = { key, start: keyStart, node, comma: null };
        members.push(member);
        if (text[i] === ',') {
          member.comma = i++;
          continue;
        }
        if (text[i] === '}') break;
        fail(`expected ',' or '}', found ${describe(i)}`);
      }
      i++;
      return { kind: 'object', start, end: i, members };
    }
    if (c === '[') {
      i++;
      const items: Node[] = [];
      for (;;) {
        skip();
        if (text[i] === ']' && (items.length === 0 || jsonc)) break;
        if (items.length > 0 && text[i] === ']') fail('trailing comma');
        items.push(value(depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') break;
        fail(`expected ',' or ']', found ${describe(i)}`);
      }
      i++;
      return { kind: 'array', start, end: i, items };
    }
    if (c === '"') {
      string();
      return { kind: 'scalar', start, end: i };
    }
    scalar.lastIndex = i;
    const m = scalar.exec(text);
    if (!m) return fail(`unexpected ${describe(i)}`);
    i += m[0].length;
    return { kind: 'scalar', start, end: i };
  };

  const root = value(0);
  skip();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON`);
  return root;
}

/** The JS value of a node; objects get own properties only, so a `__proto__` key stays a key. */
function toValue(node: Node, text: string): unknown {
  if (node.kind === 'array') return node.items.map((n) => toValue(n, text));
  if (node.kind === 'scalar') return JSON.parse(text.slice(node.start, node.end));
  const out: Record<string, unknown> = {};
  for (const m of node.members) {
    Object.defineProperty(out, m.key, { value: toValue(m.node, text), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function kindOf(node: Node, text: string): string {
  if (node.kind !== 'scalar') return node.kind === 'object' ? 'an object' : 'an array';
  const v = JSON.parse(text.slice(node.start, node.end)) as unknown;
  return v === null ? 'null' : `a ${typeof v}`;
}

/** The last member with the key: the one JSON.parse, and so every client, goes by. */
function lastMember(obj: Node & { kind: 'object' }, key: string): Member | undefined {
  for (let k = obj.members.length - 1; k >= 0; k--) if (obj.members[k]!.key === key) return obj.members[k];
  return undefined;
}

// ---- deep equality, so a client that rewrites the file in its own key order is still "connected" ----

function normalize(entry: unknown): unknown {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
  const { env, ...rest } = entry as Record<string, unknown>;
  // Claude Code writes `env: {}` for an entry without variables; that is the same entry.
  const emptyEnv = env !== null && typeof env === 'object' && !Array.isArray(env) && Object.keys(env).length === 0;
  return env === undefined || emptyEnv ? rest : { ...rest, env };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => deepEqual(x, b[k]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function sameEntry(a: unknown, b: unknown): boolean {
  return deepEqual(normalize(a), normalize(b));
}

// ---- layout: write new text the way the file is already written ----

interface Style {
  eol: string;
  unit: string;
  minified: boolean;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The whitespace before `pos` on its line, or null when something else precedes it there. */
function ownLineIndent(text: string, pos: number): string | null {
  const pre = text.slice(lineStart(text, pos), pos);
  return /^[ \t]*$/.test(pre) ? pre : null;
}

function leadingIndent(text: string, pos: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, pos), pos))![0];
}

function styleOf(text: string, root: Node & { kind: 'object' }): Style {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // A file that is one line is minified on purpose; `{}` is merely empty, and gets indented.
  const minified = root.members.length > 0 && !text.trimEnd().includes('\n');
  const first = root.members[0];
  const indent = first ? ownLineIndent(text, first.start) : null;
  return { eol, unit: indent || '  ', minified };
}

function render(value: unknown, indent: string, style: Style, compact: boolean): string {
  if (compact) return JSON.stringify(value);
  return JSON.stringify(value, null, style.unit).split('\n').join(style.eol + indent);
}

function renderMember(key: string, value: unknown, indent: string, style: Style, compact: boolean): string {
  return `${JSON.stringify(key)}:${compact ? '' : ' '}${render(value, indent, style, compact)}`;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  // From the end backwards, so offsets stay valid; edits at one offset land in list order.
  const order = edits.map((e, k) => ({ e, k })).sort((a, b) => b.e.start - a.e.start || b.k - a.k);
  for (const { e } of order) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Add a member at the end of an object, indented like its siblings. */
function insertMember(text: string, obj: Node & { kind: 'object' }, key: string, value: unknown, style: Style): Edit[] {
  const last = obj.members.at(-1);
  if (last) {
    const indent = ownLineIndent(text, last.start);
    const compact = style.minified || indent === null;
    const member = renderMember(key, value, indent ?? '', style, compact);
    if (compact) return [{ start: last.node.end, end: last.node.end, text: `,${member}` }];
    // Go after the rest of the last member's line, so a comment there stays with it.
    const afterValue = last.comma === null ? last.node.end : last.comma + 1;
    const tail = /^[ \t]*(?:\/\/[^\n]*?)?(?=\r?\n|$)/.exec(text.slice(afterValue));
    if (!tail) return [{ start: last.node.end, end: last.node.end, text: `,${style.eol}${indent}${member}` }];
    const at = afterValue + tail[0].length;
    // A trailing comma (allowed in JSONC) is the file's style: the new last member gets one too.
    if (last.comma !== null) return [{ start: at, end: at, text: `${style.eol}${indent}${member},` }];
    return [
      { start: last.node.end, end: last.node.end, text: ',' },
      { start: at, end: at, text: `${style.eol}${indent}${member}` },
    ];
  }
  const outer = leadingIndent(text, obj.start);
  const indent = outer + style.unit;
  const member = renderMember(key, value, indent, style, style.minified);
  const inside = text.slice(obj.start + 1, obj.end - 1);
  if (style.minified) return [{ start: obj.start + 1, end: obj.end - 1, text: /^\s*$/.test(inside) ? member : `${member}${inside}` }];
  // Whitespace-only inside: replace it; anything else there is a comment, which stays after.
  if (/^\s*$/.test(inside)) return [{ start: obj.start + 1, end: obj.end - 1, text: `${style.eol}${indent}${member}${style.eol}${outer}` }];
  return [{ start: obj.start + 1, end: obj.start + 1, text: `${style.eol}${indent}${member}` }];
}

function replaceValue(text: string, member: Member, value: unknown, style: Style): Edit {
  const indent = ownLineIndent(text, member.start);
  const compact = style.minified || indent === null;
  return { start: member.node.start, end: member.node.end, text: render(value, leadingIndent(text, member.start), style, compact) };
}

/** Remove a member, taking whole lines when it has lines of its own, and fix up the commas. */
function removeMember(text: string, obj: Node & { kind: 'object' }, member: Member): Edit[] {
  const k = obj.members.indexOf(member);
  const isLast = k === obj.members.length - 1;
  let start = member.start;
  let end = member.comma === null ? member.node.end : member.comma + 1;
  const prev = obj.members[k - 1];
  // A last member without a comma of its own leaves the one before it dangling.
  const dangling = isLast && member.comma === null && prev !== undefined && prev.comma !== null ? prev.comma : null;
  const edits: Edit[] = [];
  const rest = /^[ \t]*(\r?\n|$)/.exec(text.slice(end));
  if (ownLineIndent(text, member.start) !== null && rest) {
    start = lineStart(text, member.start);
    end += rest[0].length;
    if (dangling !== null) edits.push({ start: dangling, end: dangling + 1, text: '' });
  } else if (dangling !== null) {
    start = dangling;
  } else {
    end += /^[ \t]*/.exec(text.slice(end))![0].length;
  }
  edits.push({ start, end, text: '' });
  if (obj.members.length === 1) {
    const inside = text.slice(obj.start + 1, start) + text.slice(end, obj.end - 1);
    // `{}` is how JSON.stringify writes an empty map, and what the client would write.
    if (/^\s*$/.test(inside)) return [{ start: obj.start + 1, end: obj.end - 1, text: '' }];
  }
  return edits;
}

// ---- the plans ----

interface Parsed {
  root: Node & { kind: 'object' };
  servers: (Node & { kind: 'object' }) | undefined;
  serversMember: Member | undefined;
}

function read(client: ClientId, text: string, label: string): Parsed {
  const key = serversKey(client);
  let root: Node;
  try {
    // Every client's file may hold comments and trailing commas (Cursor's and VS Code's
    // editors allow them), so every one is read as JSONC; whatever is there stays as it was.
    root = parse(text, true);
  } catch (err) {
    if (!(err instanceof SyntaxProblem)) throw err;
    const what = 'valid JSON (comments and trailing commas allowed)';
    throw new ConfigFileError(`${label} is not ${what}: ${err.message}. Fix it or move it aside, then try again; nothing was changed.`);
  }
  if (root.kind !== 'object') {
    throw new ConfigFileError(`${label} holds ${kindOf(root, text)} at the top level where an object belongs; nothing was changed.`);
  }
  const serversMember = lastMember(root, key);
  if (serversMember && serversMember.node.kind !== 'object') {
    throw new ConfigFileError(`${label} has "${key}" set to ${kindOf(serversMember.node, text)} where an object of servers belongs; nothing was changed.`);
  }
  return { root, serversMember, servers: serversMember?.node as (Node & { kind: 'object' }) | undefined };
}

function labelOf(client: ClientId, file: string | undefined): string {
  return file ?? `the ${CLIENT_NAMES[client]} config`;
}

function withNewline(text: string, eol: string): string {
  return text.endsWith('\n') ? text : text + eol;
}

/** The `tidings` entry in a config (undefined: none). Throws ConfigFileError like the plans. */
export function findEntry(client: ClientId, existingText: string | null, file?: string): unknown {
  if (existingText === null || existingText.trim() === '') return undefined;
  const { servers } = read(client, existingText, labelOf(client, file));
  const member = servers && lastMember(servers, SERVER_NAME);
  return member ? toValue(member.node, existingText) : undefined;
}

/**
 * Put `entry` under the client's server map as `tidings`. `file` only names the file in
 * error messages. An empty or whitespace-only file counts as a missing one.
 */
export function planConnect(client: ClientId, existingText: string | null, entry: ServerEntry, file?: string): ConfigPlan {
  const key = serversKey(client);
  const base = { serversKey: key, after: entry as unknown };
  if (existingText === null || existingText.trim() === '') {
    const nextText = `${JSON.stringify({ [key]: { [SERVER_NAME]: entry } }, null, 2)}\n`;
    return { ...base, nextText, changed: true, before: undefined, summary: `created the file with ${SERVER_NAME} in ${key}` };
  }
  const { root, servers } = read(client, existingText, labelOf(client, file));
  const style = styleOf(existingText, root);
  const member = servers && lastMember(servers, SERVER_NAME);
  const before = member ? toValue(member.node, existingText) : undefined;
  if (member && sameEntry(before, entry)) {
    return { ...base, nextText: existingText, changed: false, before, summary: `${SERVER_NAME} is already in ${key} and up to date` };
  }
  let edits: Edit[];
  let summary: string;
  if (member) {
    edits = [replaceValue(existingText, member, entry, style)];
    summary = `updated ${SERVER_NAME} in ${key}`;
  } else if (servers) {
    edits = insertMember(existingText, servers, SERVER_NAME, entry, style);
    summary = `added ${SERVER_NAME} to ${key}`;
  } else {
    edits = insertMember(existingText, root, key, { [SERVER_NAME]: entry }, style);
    summary = `added ${key} with ${SERVER_NAME}`;
  }
  const nextText = withNewline(applyEdits(existingText, edits), style.eol);
  return { ...base, nextText, changed: true, before, summary };
}

/** Take `tidings` out of the client's server map; the map itself stays, even when empty. */
export function planDisconnect(client: ClientId, existingText: string | null, file?: string): ConfigPlan {
  const key = serversKey(client);
  const base = { serversKey: key, after: undefined };
  if (existingText === null) return { ...base, nextText: null, changed: false, before: undefined, summary: 'there is no config file, so nothing to remove' };
  if (existingText.trim() === '') return { ...base, nextText: existingText, changed: false, before: undefined, summary: 'the config file is empty, so nothing to remove' };
  const label = labelOf(client, file);
  let parsed = read(client, existingText, label);
  const style = styleOf(existingText, parsed.root);
  let member = parsed.servers && lastMember(parsed.servers, SERVER_NAME);
  if (!member) return { ...base, nextText: existingText, changed: false, before: undefined, summary: `there is no ${SERVER_NAME} in ${key}, so nothing to remove` };
  const before = toValue(member.node, existingText);
  let text = existingText;
  // Duplicates of the key: the earlier ones would come back into force, so all go.
  while (member && parsed.servers) {
    text = applyEdits(text, removeMember(text, parsed.servers, member));
    parsed = read(client, text, label);
    member = parsed.servers && lastMember(parsed.servers, SERVER_NAME);
  }
  return { ...base, nextText: withNewline(text, style.eol), changed: true, before, summary: `removed ${SERVER_NAME} from ${key}` };
}
