// The app's own settings file: defaults when absent, checked on the way in, set aside when bad.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, loadPrefs } from '../../../src/main/shell/prefs';
import { tempDir } from '../../helpers/core';

describe('prefs', () => {
  it('starts from the defaults and keeps what is changed, mode 0600', () => {
    const file = path.join(tempDir(), 'app', 'prefs.json');
    const prefs = loadPrefs(file);
    expect(prefs.get()).toEqual(DEFAULT_PREFS);
    expect(prefs.problem).toBeNull();
    prefs.update({ claudeOffer: 'declined', notifications: { ...DEFAULT_PREFS.notifications, paused: true } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadPrefs(file).get()).toMatchObject({ claudeOffer: 'declined', notifications: { paused: true } });
  });

  it('refuses an invalid update without writing it', () => {
    const file = path.join(tempDir(), 'prefs.json');
    const prefs = loadPrefs(file);
    expect(() => prefs.update({ claudeOffer: 'maybe' as never })).toThrow();
    expect(fs.existsSync(file)).toBe(false);
  });

  it.each([
    ['not JSON', '{'],
    ['an unknown key', JSON.stringify({ ...DEFAULT_PREFS, extra: true })],
    ['a bad value', JSON.stringify({ ...DEFAULT_PREFS, notifications: { ...DEFAULT_PREFS.notifications, burst: { max: 1000, windowMs: 1 } } })],
  ])('sets aside a file with %s and uses the defaults', (_name, text) => {
    const dir = tempDir();
    const file = path.join(dir, 'prefs.json');
    fs.writeFileSync(file, text);
    const prefs = loadPrefs(file);
    expect(prefs.get()).toEqual(DEFAULT_PREFS);
    expect(prefs.problem).toMatch(/defaults are used/);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('prefs.json.invalid-'))).toBe(true);
  });
});
