// The depth check that keeps bodies nested too deep to show out of the store: iterative,
// string-aware, and exact at the limit.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestedDeeperThan, parseJson, reserializedBodies } from '../../../../src/main/core/webhooks/util';
import { PayloadError } from '../../../../src/main/core/webhooks/types';

const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('nestedDeeperThan', () => {
  it('counts objects and arrays, and is exact at the limit', () => {
    expect(nestedDeeperThan(arrays(3), 3)).toBe(false);
    expect(nestedDeeperThan(arrays(4), 3)).toBe(true);
    expect(nestedDeeperThan('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(nestedDeeperThan('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    expect(nestedDeeperThan('[[1],[2],[3],[4]]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestedDeeperThan(JSON.stringify({ s: '[[[[[[{{{{{' }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ s: 'a "quoted" [[[[ \\ [[[[' }), 1)).toBe(false);
    expect(nestedDeeperThan(Buffer.from(JSON.stringify({ s: 'é😀[[[[' })), 1)).toBe(false);
  });

  it('walks a body 100,000 levels deep without recursion, and stops at the limit', () => {
    expect(nestedDeeperThan(Buffer.from(arrays(100_000)))).toBe(true);
    expect(nestedDeeperThan(arrays(MAX_JSON_DEPTH))).toBe(false);
  });
});

describe('parseJson', () => {
  it('refuses a body nested past the limit with a reason a sender can act on', () => {
    expect(() => parseJson(arrays(MAX_JSON_DEPTH + 1))).toThrow(PayloadError);
    expect(() => parseJson(arrays(MAX_JSON_DEPTH + 1))).toThrow(/more than 128 levels deep/);
    expect(parseJson(arrays(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
  });

  it('leaves deep bodies out of the re-serialization diagnosis, whose JSON.stringify would overflow', () => {
    expect(reserializedBodies(Buffer.from(arrays(100_000)))).toEqual([]);
  });
});
