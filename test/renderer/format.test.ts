import { describe, expect, it } from 'vitest';
import { formatAge, formatAgo, formatAmount, formatBytes, formatDuration, formatTime, plural, secondsSince, shortSha } from '../../src/renderer/lib/format';

describe('formatAge', () => {
  it.each([
    [-3, 'just now'],
    [0, 'just now'],
    [4.9, 'just now'],
    [42, '42 s'],
    [60, '1 min'],
    [59 * 60 + 59, '59 min'],
    [3600, '1 h'],
    [3 * 3600 + 10 * 60, '3 h 10 min'],
    [86400, '1 d'],
    [86400 + 5 * 3600, '1 d 5 h'],
    [10 * 86400 + 3600, '10 d'],
    [Number.NaN, 'just now'],
  ])('%d s reads "%s"', (s, text) => {
    expect(formatAge(s)).toBe(text);
  });

  it('counts from an ISO time', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(secondsSince('2025-01-01T11:59:00Z', now)).toBe(60);
    expect(formatAgo('2025-01-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2025-01-01T12:00:00Z', now)).toBe('just now');
    expect(formatAgo('not a time', now)).toBe('not a time');
  });
});

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [850, '850 ms'],
    [1500, '1.5 s'],
    [42_000, '42 s'],
    [125_000, '2 min 5 s'],
    [180_000, '3 min'],
    [3_660_000, '1 h 1 min'],
  ])('%s ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatAmount', () => {
  it('formats major units with the currency', () => {
    expect(formatAmount(99, 'usd', 'en-US')).toBe('$99.00');
    expect(formatAmount(20.5, 'EUR', 'en-US')).toBe('€20.50');
  });
  it('does not invent decimals for zero-decimal currencies', () => {
    expect(formatAmount(500, 'jpy', 'en-US')).toBe('¥500');
  });
  it('falls back for unknown codes and missing values', () => {
    expect(formatAmount(12, 'notacode', 'en-US')).toBe('12 NOTACODE');
    expect(formatAmount(12, null, 'en-US')).toBe('12');
    expect(formatAmount(null, 'usd', 'en-US')).toBe('—');
  });
});

describe('other formats', () => {
  it('sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
  });
  it('row times: clock today, date otherwise', () => {
    const now = new Date(2025, 2, 4, 15, 0, 0).getTime();
    expect(formatTime(new Date(2025, 2, 4, 14, 3, 7).toISOString(), now, 'en-US')).toBe('14:03:07');
    expect(formatTime(new Date(2025, 2, 3, 9, 5, 0).toISOString(), now, 'en-US')).toBe('Mar 3 09:05');
    expect(formatTime('garbage', now)).toBe('garbage');
  });
  it('short SHAs and plurals', () => {
    expect(shortSha('5eed5eed1234567890')).toBe('5eed5ee');
    expect(shortSha(null)).toBe('—');
    expect(plural(1, 'event')).toBe('1 event');
    expect(plural(1200, 'event', 'events')).toMatch(/^1.200 events$/);
  });
});
