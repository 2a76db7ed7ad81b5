// Secrets in the tray app: encrypted through safeStorage when the system has a real keyring,
// the documented 0600 file with a clear warning when it does not, and never a silent loss of
// secrets that exist. safeStorage is faked (Electron cannot run here): a keyed cipher with
// the same synchronous shape.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSecretBackend, createSafeStorageBackend, ENCRYPTED_FILE, mergeSecrets, secretStorageChoice } from '../../../src/main/shell/secret-storage';
import type { SafeStorageLike } from '../../../src/main/shell/secret-storage';
import { loadConfig } from '../../../src/main/core/config';
import { createLogger } from '../../../src/main/core/logger';
import { startCore } from '../../../src/main/core/start-core';
import { createSecrets } from '../../../src/main/core/secrets';
import { api, tempDir } from '../../helpers/core';

function fakeSafeStorage(options: { available?: boolean; backend?: string; key?: Buffer } = {}): SafeStorageLike {
  const key = options.key ?? crypto.randomBytes(32);
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => (options.backend ?? 'gnome_libsecret') as ReturnType<SafeStorageLike['getSelectedStorageBackend']>,
    encryptString(text) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf) {
      const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const secret = (value: string, added_at: string) => ({ value, added_at });

describe('secretStorageChoice', () => {
  it.each([
    ['darwin', true, null, true, /macOS Keychain/],
    ['win32', true, null, true, /DPAPI/],
    ['linux', true, 'gnome_libsecret', true, /gnome_libsecret keyring/],
    ['linux', true, 'kwallet6', true, /kwallet6 keyring/],
    ['linux', true, 'basic_text', false, /not encrypted/],
    ['linux', false, 'gnome_libsecret', false, /not encrypted/],
    ['darwin', false, null, false, /not encrypted/],
    ['win32', false, null, false, /not encrypted/],
  ] as const)('%s, available %s, backend %s: encrypted %s', (platform, available, linuxBackend, encrypted, label) => {
    const choice = secretStorageChoice({ platform, available, linuxBackend, plainFile: '/d/secrets.json' });
    expect(choice.encrypted).toBe(encrypted);
    expect(choice.label).toMatch(label);
    expect(choice.warning === null).toBe(encrypted);
  });

  it('tells the person what basic_text means and what to do, naming the file', () => {
    const { warning } = secretStorageChoice({ platform: 'linux', available: true, linuxBackend: 'basic_text', plainFile: '/home/a/.local/share/tidings/secrets.json' });
    expect(warning?.title).toBe('Webhook secrets are not encrypted');
    expect(warning?.body).toContain('/home/a/.local/share/tidings/secrets.json');
    expect(warning?.body).toMatch(/key built into every copy of Electron/);
    expect(warning?.body).toMatch(/forge webhooks/);
    expect(warning?.body).toMatch(/GNOME Keyring or KWallet/);
    expect(warning?.body).toMatch(/mode 0600/);
  });
});

describe('mergeSecrets', () => {
  it('puts imported secrets with the kept ones, newest first, without duplicates, at most five', () => {
    const kept = { github: [secret('a', '2024-01-02'), secret('b', '2024-01-01')], stripe: [secret('s', '2024-01-01')] };
    const imported = { github: [secret('c', '2024-02-01'), secret('a', '2024-01-02')], slack: [secret('x', '2024-03-01')] };
    expect(mergeSecrets(kept, imported)).toEqual({
      github: [secret('c', '2024-02-01'), secret('a', '2024-01-02'), secret('b', '2024-01-01')],
      stripe: [secret('s', '2024-01-01')],
      slack: [secret('x', '2024-03-01')],
    });
    const many = { github: Array.from({ length: 7 }, (_, i) => secret(`v${i}`, `2024-01-0${i + 1}`)) };
    expect(mergeSecrets({}, many).github!.map((s) => s.value)).toEqual(['v6', 'v5', 'v4', 'v3', 'v2']);
  });
});

describe('the safeStorage backend', () => {
  it('keeps secrets encrypted, mode 0600, and reads them back', () => {
    const dir = tempDir();
    const storage = fakeSafeStorage();
    const backend = createSafeStorageBackend({ file: path.join(dir, ENCRYPTED_FILE), plainFile: path.join(dir, 'secrets.json'), safeStorage: storage, label: 'test' });
    expect(backend.load()).toEqual({});
    backend.save({ github: [secret('very-secret-value', '2024-01-01')] });
    const text = fs.readFileSync(path.join(dir, ENCRYPTED_FILE), 'utf8');
    expect(text).not.toContain('very-secret-value');
    expect(JSON.parse(text)).toMatchObject({ format: 'tidings-secrets/1' });
    expect(fs.statSync(path.join(dir, ENCRYPTED_FILE)).mode & 0o777).toBe(0o600);
    expect(backend.load()).toEqual({ github: [secret('very-secret-value', '2024-01-01')] });
  });

  it('imports the plain secrets.json written headless, then deletes it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ stripe: [secret('whsec_plain', '2024-05-01')] }), { mode: 0o600 });
    let imported = 0;
    const backend = createSafeStorageBackend({ file: path.join(dir, ENCRYPTED_FILE), plainFile: path.join(dir, 'secrets.json'), safeStorage: fakeSafeStorage(), label: 't', onImported: (n) => (imported = n) });
    expect(backend.load()).toEqual({ stripe: [secret('whsec_plain', '2024-05-01')] });
    expect(imported).toBe(1);
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, ENCRYPTED_FILE), 'utf8')).not.toContain('whsec_plain');
  });

  it('refuses to start when the file cannot be decrypted, rather than drop the secrets', () => {
    const dir = tempDir();
    const file = path.join(dir, ENCRYPTED_FILE);
    createSafeStorageBackend({ file, plainFile: path.join(dir, 'secrets.json'), safeStorage: fakeSafeStorage(), label: 't' }).save({ github: [secret('x', '2024')] });
    const otherKeyring = createSafeStorageBackend({ file, plainFile: path.join(dir, 'secrets.json'), safeStorage: fakeSafeStorage(), label: 't' });
    expect(() => otherKeyring.load()).toThrow(/could not be decrypted.*Move it aside/);
  });
});

describe('appSecretBackend', () => {
  it('uses the 0600 file and warns when there is only basic_text', () => {
    const dir = tempDir();
    const { backend, choice } = appSecretBackend({ dataDir: dir, platform: 'linux', safeStorage: fakeSafeStorage({ backend: 'basic_text' }) });
    expect(choice.encrypted).toBe(false);
    expect(choice.warning).not.toBeNull();
    backend.save({ github: [secret('plain', '2024')] });
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dir, ENCRYPTED_FILE))).toBe(false);
  });

  it('will not fall back to the plain file while encrypted secrets exist that it cannot read', () => {
    const dir = tempDir();
    const key = crypto.randomBytes(32);
    appSecretBackend({ dataDir: dir, platform: 'linux', safeStorage: fakeSafeStorage({ key }) }).backend.save({ github: [secret('x', '2024')] });
    const locked = appSecretBackend({ dataDir: dir, platform: 'linux', safeStorage: fakeSafeStorage({ key, available: false }) });
    expect(() => locked.backend.load()).toThrow(/keyring is not available now/);
  });

  it('serves a real core: a secret set through the API is encrypted at rest and verifies after a restart', async () => {
    const dir = tempDir();
    const storage = fakeSafeStorage();
    const config = loadConfig({ dataDir: dir, port: 0, controlPort: 0 }, {});
    const start = () =>
      startCore({ config, mode: 'app', env: {}, secretBackend: appSecretBackend({ dataDir: dir, platform: 'linux', safeStorage: storage }).backend, logger: createLogger({ stderr: false }) });
    let core = await start();
    const test = (c: typeof core) => ({ ...c, ingestUrl: c.runtime.ingest_url, controlUrl: c.runtime.control_url });
    expect((await api(test(core), 'PUT', '/api/secrets/github', { value: 'a-long-github-secret' })).status).toBe(200);
    await core.close();
    expect(fs.readFileSync(path.join(dir, ENCRYPTED_FILE), 'utf8')).not.toContain('a-long-github-secret');
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);

    core = await start();
    try {
      const sent = await api<{ ingest_status: number; ingest_response: { id: number } }>(test(core), 'POST', '/api/sources/github/test');
      expect(sent.body.ingest_status).toBe(200);
      const event = await api<{ verified: boolean }>(test(core), 'GET', `/api/events/${sent.body.ingest_response.id}`);
      expect(event.body.verified).toBe(true);
      expect(core.health().secrets_backend).toMatch(/safeStorage/);
    } finally {
      await core.close();
    }
  });
});

describe('provider tokens in the app', () => {
  it('a link token is kept encrypted beside the secrets, readable after a restart, and never listed as a source', () => {
    const dir = tempDir();
    const storage = fakeSafeStorage();
    const open = () => createSecrets(createSafeStorageBackend({ file: path.join(dir, ENCRYPTED_FILE), plainFile: path.join(dir, 'secrets.json'), safeStorage: storage, label: 't' }), {});
    const first = open();
    first.rotate('github', 'signing-secret-value');
    first.setCredential('github:repo:octo/hello', 'github_pat_very_secret_token');
    const onDisk = fs.readFileSync(path.join(dir, ENCRYPTED_FILE), 'utf8');
    expect(onDisk).not.toContain('github_pat_very_secret_token');
    expect(onDisk).not.toContain('octo/hello');
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    const again = open();
    expect(again.credential('github:repo:octo/hello')).toBe('github_pat_very_secret_token');
    expect(again.summary().map((s) => s.source)).toEqual(['github']);
    expect(again.forSource('github')).toEqual(['signing-secret-value']);
    again.removeCredential('github:repo:octo/hello');
    expect(open().credential('github:repo:octo/hello')).toBeNull();
  });
});
