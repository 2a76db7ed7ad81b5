// Whether a tool's text keeps outside text inside its <external-data> blocks. Plain (no
// test framework), so that the fuzz scenario of the reliability suite can use it too;
// contained.ts wraps it for vitest.

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
 * The containment rules, as a list of what breaks them (empty when none), and the blocks:
 * - no hidden characters anywhere;
 * - outside the blocks no line carries any of `outsideMarkers` (the attacker's words);
 * - every block opens with our exact tag line, then a backtick fence, and ends with the
 *   same fence and `</external-data>`; nothing inside holds the fence or anything that
 *   reads as our tag; one `</external-data>` per block.
 */
export function findLeaks(text: string, outsideMarkers: RegExp): { problems: string[]; blocks: Block[] } {
  const problems: string[] = [];
  const blocks: Block[] = [];
  if (HIDDEN.test(text)) problems.push('hidden characters');
  const lines = text.split('\n');
  const short = (s: string | undefined) => JSON.stringify((s ?? '(end)').slice(0, 80));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('<external-data') && !line.startsWith(CLOSE)) {
      if (outsideMarkers.test(line)) problems.push(`outside text on a line of ours (line ${i}): ${short(line)}`);
      continue;
    }
    if (!OPEN.test(line)) problems.push(`line ${i} is not our opening tag: ${short(line)}`);
    const fence = lines[i + 1] ?? '';
    if (!/^`{3,}$/.test(fence)) {
      problems.push(`block at line ${i} has no fence: ${short(fence)}`);
      continue;
    }
    const block: Block = { kind: /kind="([a-z-]+)"/.exec(line)?.[1] ?? '?', open: line, lines: [] };
    let j = i + 2;
    for (; j < lines.length && lines[j] !== fence; j++) {
      const inside = lines[j]!;
      if (inside.includes(fence)) problems.push(`content holds the fence (line ${j}): ${short(inside)}`);
      if (/<\s*\/?\s*external-data/i.test(inside)) problems.push(`content reads as our tag (line ${j}): ${short(inside)}`);
      block.lines.push(inside);
    }
    if (lines[j] !== fence) problems.push(`block at line ${i} does not end with its fence`);
    if (lines[j + 1] !== CLOSE) problems.push(`block at line ${i} does not close: ${short(lines[j + 1])}`);
    blocks.push(block);
    i = j + 1;
  }
  const closes = text.split(CLOSE).length - 1;
  if (closes !== blocks.length) problems.push(`${closes} ${CLOSE} for ${blocks.length} block(s)`);
  return { problems, blocks };
}

