// Checks that a tool's text keeps outside text inside its <external-data> blocks: shared
// by the MCP tests that send hostile payloads. Fails with the offending line.
import { expect } from 'vitest';

const OPEN = /^<external-data kind="[a-z-]+"(?: [a-z_]+="[^"<>]*")*>$/;
const CLOSE = '</external-data>';
/** Characters that must never reach a model raw: line breaks other than \n, bidi, zero-width. */
const HIDDEN = /[\r\u0085\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060\uFEFF\u{E0000}-\u{E007F}]/u;

export interface Block {
  kind: string;
  open: string;
  lines: string[];
}

/**
 * Asserts the containment rules and returns the blocks' content lines:
 * - no hidden characters anywhere;
 * - outside the blocks no line carries any of `outsideMarkers` (the attacker's words);
 * - every block opens with our exact tag line, then a backtick fence, and ends with the
 *   same fence and `</external-data>`; nothing inside holds the fence or anything that
 *   reads as our tag; as many blocks close as open.
 */
export function expectContained(text: string, outsideMarkers: RegExp, what: string): Block[] {
  expect(HIDDEN.test(text), `${what}: hidden characters`).toBe(false);
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let opened = 0;
  let closed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('<external-data') || line.startsWith(CLOSE)) {
      expect(line, `${what}: line ${i} opens a block with a tag of ours`).toMatch(OPEN);
      opened++;
      const fence = lines[i + 1] ?? '';
      expect(fence, `${what}: block at line ${i} has a fence`).toMatch(/^`{3,}$/);
      const block: Block = { kind: /kind="([a-z-]+)"/.exec(line)![1]!, open: line, lines: [] };
      let j = i + 2;
      for (; j < lines.length && lines[j] !== fence; j++) {
        const inside = lines[j]!;
        expect(inside.includes(fence), `${what}: content holds the fence: ${inside}`).toBe(false);
        expect(inside, `${what}: content reads as our tag`).not.toMatch(/<[\s]*\/?[\s]*external-data/i);
        block.lines.push(inside);
      }
      expect(lines[j], `${what}: block at line ${i} ends with its fence`).toBe(fence);
      expect(lines[j + 1], `${what}: block at line ${i} closes`).toBe(CLOSE);
      closed++;
      blocks.push(block);
      i = j + 1;
      continue;
    }
    expect(line, `${what}: outside text on a line of ours`).not.toMatch(outsideMarkers);
  }
  expect(closed, `${what}: every block closes`).toBe(opened);
  expect(text.split(CLOSE).length - 1, `${what}: one ${CLOSE} per block`).toBe(opened);
  return blocks;
}

/**
 * An event-list block has exactly one line per event (plus named preface lines), each
 * starting with the event's id and, when unverified, the mark: a sender cannot add lines.
 */
export function expectOneLinePerEvent(block: Block, events: Array<{ id: number; verified: boolean }>, preface: RegExp | null = null): void {
  const eventLines = block.lines.filter((l) => !(preface && preface.test(l)));
  expect(eventLines).toHaveLength(events.length);
  eventLines.forEach((line, i) => {
    const e = events[i]!;
    expect(line.startsWith(`#${e.id}${e.verified ? ' ' : ' [UNVERIFIED] '}`), `line for #${e.id}: ${line.slice(0, 80)}`).toBe(true);
  });
}
