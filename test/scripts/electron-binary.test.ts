// `npm start` without Electron's binary says so in one sentence of its own, rather than
// quoting Electron's "please delete node_modules/electron", which would not help.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no type declarations
import { electronBinary } from '../../scripts/electron-binary.mjs';

type Choice = { binary?: string; why?: string };
const choose = electronBinary as (o: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; resolve?: () => unknown }) => Choice;

describe("npm start's choice of Electron or headless", () => {
  it("gives one clear sentence when the binary was never fetched, not Electron's own advice", () => {
    // The real package, as installed here without its binary: it throws Electron's message.
    const real = () => createRequire(import.meta.url)('electron') as unknown;
    expect(real).toThrow(/delete node_modules\/electron/);
    const { why } = choose({ env: { DISPLAY: ':0' }, platform: 'linux', resolve: real });
    expect(why).toBe("Electron's binary is not installed (fetch it once with `node node_modules/electron/install.js` to get the tray app)");
    expect(why).not.toMatch(/delete/);
  });

  it('names TIDINGS_HEADLESS and a missing display, and returns the binary when it exists', () => {
    expect(choose({ env: { TIDINGS_HEADLESS: '1' } }).why).toBe('TIDINGS_HEADLESS is set');
    expect(choose({ env: {}, platform: 'linux', resolve: () => process.execPath }).why).toMatch(/no display/);
    expect(choose({ env: {}, platform: 'darwin', resolve: () => process.execPath })).toEqual({ binary: process.execPath });
  });
});
