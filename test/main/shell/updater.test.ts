// Auto-update is off until a publish target exists (electron-builder then writes app-update.yml).
import { describe, expect, it } from 'vitest';
import { updatesDecision } from '../../../src/main/shell/updater';

describe('updatesDecision', () => {
  const base = { packaged: true, platform: 'darwin' as NodeJS.Platform, resourcesPath: '/R', env: {}, exists: () => true };
  it.each([
    ['a packaged app with a publish target', base, null],
    ['a development build', { ...base, packaged: false }, /development build/],
    ['no publish target (no app-update.yml)', { ...base, exists: () => false }, /no publish target/],
    ['turned off by the person', { ...base, env: { TIDINGS_NO_UPDATES: '1' } }, /TIDINGS_NO_UPDATES/],
    ['a .deb install', { ...base, platform: 'linux' as NodeJS.Platform }, /package manager/],
    ['an AppImage', { ...base, platform: 'linux' as NodeJS.Platform, appImage: '/a/T.AppImage' }, null],
    ['Windows', { ...base, platform: 'win32' as NodeJS.Platform }, null],
  ])('%s', (_name, input, reason) => {
    const d = updatesDecision(input);
    if (reason === null) expect(d).toEqual({ enabled: true });
    else expect(!d.enabled && d.reason).toMatch(reason);
  });

  it('looks for app-update.yml in the resources folder', () => {
    const seen: string[] = [];
    updatesDecision({ ...base, exists: (f) => (seen.push(f), false) });
    expect(seen).toEqual(['/R/app-update.yml']);
  });
});
