// Vitest assertions over findLeaks (leaks.ts), for the MCP tests that send hostile payloads.
import { expect } from 'vitest';
import { findLeaks } from './leaks';
import type { Block } from './leaks';

/** findLeaks as a vitest assertion; returns the blocks. */
export function expectContained(text: string, outsideMarkers: RegExp, what: string): Block[] {
  const { problems, blocks } = findLeaks(text, outsideMarkers);
  expect(problems, what).toEqual([]);
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
