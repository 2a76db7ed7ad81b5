// The data directory's defences, on real files: a directory another user owns or can write
// is refused with the command that fixes it, credential files are never followed through a
// link nor taken from another user, and what the core creates is for its user only. Files
// owned by another user are made the way that user would: as root, through a throwaway uid
// (4242, no account needed) with setpriv, or chown where only the owner matters.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirError, dirProblem, ensurePrivateDir, readPrivateFile } from '../../../src/main/core/private-file';
import { loadOrCreateToken, readRuntime, readToken } from '../../../src/main/core/data-dir';
import { createFileSecretBackend } from '../../../src/main/core/secrets';
import { startTestCore, tempDir } from '../../helpers/core';

const OTHER = 4242;
const root = process.getuid?.() === 0;
const hasSetpriv = fs.existsSync('/usr/bin/setpriv');
const asRoot = it.skipIf(!root || process.platform === 'win32');
const mode = (f: string) => fs.statSync(f).mode & 0o777;

/** Run a shell command as uid 4242, so what it creates belongs to that user. */
function asOther(command: string): void {
  execFileSync('setpriv', [`--reuid=${OTHER}`, `--regid=${OTHER}`, '--clear-groups', 'sh', '-c', command]);
}

/** A directory uid 4242 owns and may write, where it plants what it likes. */
function othersDir(): string {
  const parent = tempDir('tidings-foreign-');
  fs.chmodSync(parent, 0o1777);
  const dir = path.join(parent, 'data');
  asOther(`umask 022; mkdir '${dir}'`);
  return dir;
}

describe('dirProblem', () => {
  it.each([
    { st: { uid: 1000, mode: 0o700 }, uid: 1000, problem: null },
    { st: { uid: 1000, mode: 0o755 }, uid: 1000, problem: null },
    { st: { uid: 1000, mode: 0o775 }, uid: 1000, problem: /chmod 700/ },
    { st: { uid: 1000, mode: 0o777 }, uid: 1000, problem: /can be written by other users \(mode 777\)/ },
    { st: { uid: OTHER, mode: 0o700 }, uid: 1000, problem: /belongs to another user \(uid 4242; you are uid 1000\).*chown -R 1000/ },
    { st: { uid: 0, mode: 0o700 }, uid: 1000, problem: /belongs to another user/ },
    // Windows: no uid to compare, ACLs decide.
    { st: { uid: 0, mode: 0o777 }, uid: null, problem: null },
  ])('$st with uid $uid: $problem', ({ st, uid, problem }) => {
    const found = dirProblem('/data', st, uid);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

describe('the data directory', () => {
  it('is created 0700, and one of ours left 0755 by an older version is closed to 0700', () => {
    const fresh = path.join(tempDir(), 'a', 'b');
    ensurePrivateDir(fresh);
    expect(mode(fresh)).toBe(0o700);
    const open = tempDir();
    fs.chmodSync(open, 0o755);
    expect(ensurePrivateDir(open)).toEqual({ tightened: true });
    expect(mode(open)).toBe(0o700);
  });

  it('is refused when group or others can write it, and the core does not start there', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    await expect(startTestCore({ dataDir: dir })).rejects.toThrow(/can be written by other users \(mode 777\).*Run: chmod 700 '/);
    expect(fs.existsSync(path.join(dir, 'token'))).toBe(false);
  });

  asRoot('is refused when another user owns it, by the core and by every client', async () => {
    const dir = tempDir();
    fs.chownSync(dir, OTHER, OTHER);
    await expect(startTestCore({ dataDir: dir })).rejects.toThrow(DataDirError);
    await expect(startTestCore({ dataDir: dir })).rejects.toThrow(/belongs to another user \(uid 4242; you are uid 0\).*chown -R 0/);
    expect(() => readRuntime(dir)).toThrow(/belongs to another user/);
    expect(() => readToken(dir)).toThrow(/belongs to another user/);
    // Nothing of the core's was written there (the test's own logger made logs/).
    expect(fs.readdirSync(dir).filter((f) => f !== 'logs')).toEqual([]);
  });
});

describe('credential files', () => {
  it('a symlinked token is refused, and the file it points at is neither read nor chmodded', async () => {
    const dir = tempDir();
    const target = path.join(tempDir(), 'elsewhere');
    fs.writeFileSync(target, `${'x'.repeat(40)}\n`, { mode: 0o644 });
    fs.symlinkSync(target, path.join(dir, 'token'));
    await expect(startTestCore({ dataDir: dir })).rejects.toThrow(/token is a symbolic link.*Remove the link \(rm /);
    expect(() => readToken(dir)).toThrow(/symbolic link/);
    expect(mode(target)).toBe(0o644);
  });

  it('a symlinked runtime.json or secrets.json is refused with the same message', () => {
    const dir = tempDir();
    const target = path.join(tempDir(), 'planted.json');
    fs.writeFileSync(target, '{}');
    fs.symlinkSync(target, path.join(dir, 'runtime.json'));
    fs.symlinkSync(target, path.join(dir, 'secrets.json'));
    expect(() => readRuntime(dir)).toThrow(/runtime\.json is a symbolic link/);
    expect(() => createFileSecretBackend(path.join(dir, 'secrets.json')).load()).toThrow(/secrets\.json is a symbolic link/);
  });

  asRoot('a token file owned by another user gets a sentence that says what to do, not an EPERM stack', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'token'), `${'y'.repeat(43)}\n`, { mode: 0o644 });
    fs.chownSync(path.join(dir, 'token'), OTHER, OTHER);
    let caught: unknown;
    try {
      loadOrCreateToken(dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataDirError);
    expect((caught as Error).message).toMatch(/token belongs to another user \(uid 4242; you are uid 0\), so Tidings will not trust it\. Remove it \(rm .*\) or make it yours/);
    expect((caught as Error).message).not.toMatch(/EPERM/);
    expect(fs.statSync(path.join(dir, 'token')).uid).toBe(OTHER);
  });

  it.skipIf(!root || !hasSetpriv)('a runtime.json another user wrote in a directory they own is never read', () => {
    const dir = othersDir();
    asOther(`printf '{"pid":1}' > '${dir}/runtime.json'`);
    expect(() => readRuntime(dir)).toThrow(/belongs to another user \(uid 4242/);
    expect(() => readPrivateFile(path.join(dir, 'runtime.json'))).toThrow(/belongs to another user/);
  });

  it('what the core creates is for its user only, whatever the umask of the process that started it', async () => {
    const old = process.umask(0o022);
    try {
      const dir = path.join(tempDir(), 'fresh');
      const core = await startTestCore({ dataDir: dir });
      try {
        await fetch(`${core.ingestUrl}/webhooks/demo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        expect(mode(dir)).toBe(0o700);
        for (const f of ['token', 'runtime.json', 'tidings.db', 'tidings.db-wal', 'tidings.db-shm']) {
          expect({ f, mode: mode(path.join(dir, f)).toString(8) }).toEqual({ f, mode: '600' });
        }
        expect(mode(path.join(dir, 'logs'))).toBe(0o700);
      } finally {
        await core.close();
      }
    } finally {
      process.umask(old);
    }
  });

  it('a database an older version left 0644 is made 0600 at start', async () => {
    const dir = tempDir();
    const first = await startTestCore({ dataDir: dir });
    await first.close();
    fs.chmodSync(path.join(dir, 'tidings.db'), 0o644);
    const second = await startTestCore({ dataDir: dir });
    try {
      expect(mode(path.join(dir, 'tidings.db'))).toBe(0o600);
    } finally {
      await second.close();
    }
  });
});
