// The default data directory by platform, as env-paths and the XDG spec have it: an empty
// or relative XDG_DATA_HOME is ignored; Windows uses %LOCALAPPDATA% and finds older data in
// the roaming profile where it is.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirChoice, defaultDataDir, resolveDataDir } from '../../../src/main/core/config';
import { tempDir } from '../../helpers/core';

describe('the default data directory', () => {
  it.each([
    [{ HOME: '/home/ada', XDG_DATA_HOME: '/data/xdg' }, '/data/xdg/tidings'],
    [{ HOME: '/home/ada', XDG_DATA_HOME: '' }, '/home/ada/.local/share/tidings'],
    [{ HOME: '/home/ada', XDG_DATA_HOME: 'relative/dir' }, '/home/ada/.local/share/tidings'],
    [{ HOME: '/home/ada' }, '/home/ada/.local/share/tidings'],
  ])('on Linux with %j is %s', (env, expected) => {
    expect(defaultDataDir(env, 'linux')).toBe(expected);
  });

  it('an empty XDG_DATA_HOME does not make the directory relative to the working directory', () => {
    expect(path.isAbsolute(resolveDataDir(undefined, { HOME: '/home/ada', XDG_DATA_HOME: '' }))).toBe(true);
    expect(resolveDataDir(undefined, { HOME: '/home/ada', XDG_DATA_HOME: '' })).toBe('/home/ada/.local/share/tidings');
  });

  it('on macOS is Application Support', () => {
    expect(defaultDataDir({ HOME: '/Users/ada' }, 'darwin')).toBe('/Users/ada/Library/Application Support/Tidings');
  });

  const win = { USERPROFILE: 'C:\\Users\\ada', APPDATA: 'C:\\Users\\ada\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' };
  it('on Windows is %LOCALAPPDATA%, not the roaming profile', () => {
    expect(dataDirChoice(win, 'win32', () => false)).toEqual({ dir: 'C:\\Users\\ada\\AppData\\Local\\Tidings', note: null });
    expect(dataDirChoice({ ...win, LOCALAPPDATA: '' }, 'win32', () => false).dir).toBe('C:\\Users\\ada\\AppData\\Local\\Tidings');
  });

  it('on Windows uses existing roaming data in place, with a note, until the new place exists', () => {
    const roamingDb = 'C:\\Users\\ada\\AppData\\Roaming\\Tidings\\tidings.db';
    const old = dataDirChoice(win, 'win32', (f) => f === roamingDb);
    expect(old.dir).toBe('C:\\Users\\ada\\AppData\\Roaming\\Tidings');
    expect(old.note).toMatch(/using the existing data in C:\\Users\\ada\\AppData\\Roaming\\Tidings .* now keeps new data in C:\\Users\\ada\\AppData\\Local\\Tidings/);
    const both = dataDirChoice(win, 'win32', (f) => f === roamingDb || f === 'C:\\Users\\ada\\AppData\\Local\\Tidings');
    expect(both).toEqual({ dir: 'C:\\Users\\ada\\AppData\\Local\\Tidings', note: null });
  });

  it('checks real files by default', () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'share'), { recursive: true });
    expect(dataDirChoice({ HOME: home, XDG_DATA_HOME: path.join(home, 'share') }, 'linux').dir).toBe(path.join(home, 'share', 'tidings'));
  });
});
