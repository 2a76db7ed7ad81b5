// Webhook signing secrets in the tray app: encrypted with Electron's safeStorage (macOS
// Keychain, Windows DPAPI, libsecret or KWallet on Linux) into `secrets.enc` in the data
// directory. Where no such store exists (safeStorage unavailable, or Linux's `basic_text`,
// which only obfuscates with a fixed key) the app says so and keeps the headless store, the
// documented 0600 `secrets.json`, rather than pretend.
//
// Synchronous on purpose: Electron 40 has only encryptString/decryptString (no async
// variant), and the core's SecretBackend is synchronous because it is loaded once at start
// and written only when a person changes a secret.
//
// Headless cores and `tidings secret set` (with no core running) write `secrets.json`; the
// app imports what it finds there into the encrypted file and then deletes the plain copy.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { z } from 'zod';
import { createFileSecretBackend, MAX_SECRETS_PER_SOURCE } from '../core/secrets';
import type { SecretBackend, StoredSecret } from '../core/secrets';
import { readTextIfExists } from '../core/read-text';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;
type Secrets = Record<string, StoredSecret[]>;

export const ENCRYPTED_FILE = 'secrets.enc';
const FORMAT = 'tidings-secrets/1';

export interface StorageChoice {
  encrypted: boolean;
  /** Where the secrets are, in words: "macOS Keychain (safeStorage)". */
  label: string;
  /** What the person must be told when the secrets are not encrypted; null when they are. */
  warning: { title: string; body: string } | null;
}

const STORE_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'the macOS Keychain', win32: 'Windows data protection (DPAPI)' };

export function secretStorageChoice(input: { platform: NodeJS.Platform; available: boolean; linuxBackend: string | null; plainFile: string }): StorageChoice {
  const basicText = input.platform === 'linux' && (input.linuxBackend === 'basic_text' || input.linuxBackend === 'unknown');
  if (input.available && !basicText) {
    const where = input.platform === 'linux' ? `the ${input.linuxBackend ?? 'system'} keyring` : (STORE_NAMES[input.platform] ?? 'the system keyring');
    return { encrypted: true, label: `encrypted with ${where} (safeStorage)`, warning: null };
  }
  const why =
    input.platform === 'linux'
      ? basicText && input.available
        ? 'Your desktop offers no keyring Tidings can use (no GNOME Keyring, KWallet or other Secret Service), so encryption would only hide them behind a key built into every copy of Electron.'
        : 'No keyring was available (GNOME Keyring, KWallet or another Secret Service).'
      : `${STORE_NAMES[input.platform] ?? 'The system keyring'} was not available.`;
  const fix =
    input.platform === 'linux'
      ? 'Install and unlock GNOME Keyring or KWallet (or start Tidings with --password-store=gnome-libsecret), then restart Tidings to encrypt them.'
      : 'Restart Tidings once the keyring is available to encrypt them.';
  return {
    encrypted: false,
    label: `not encrypted: ${input.plainFile} (mode 0600)`,
    warning: {
      title: 'Webhook secrets are not encrypted',
      body: `${why} Tidings keeps webhook signing secrets in ${input.plainFile}, readable by your user account only (mode 0600) but not encrypted: a program running as you, or anyone who copies the file, could forge webhooks that Tidings accepts as verified. ${fix}`,
    },
  };
}

/** Secrets imported from the plain store join the ones already kept: newest first, no duplicates, capped per source. */
export function mergeSecrets(kept: Secrets, imported: Secrets): Secrets {
  const out: Secrets = {};
  for (const source of new Set([...Object.keys(kept), ...Object.keys(imported)])) {
    const seen = new Set<string>();
    out[source] = [...(imported[source] ?? []), ...(kept[source] ?? [])]
      .sort((a, b) => (a.added_at < b.added_at ? 1 : a.added_at > b.added_at ? -1 : 0))
      .filter((s) => !seen.has(s.value) && seen.add(s.value))
      .slice(0, MAX_SECRETS_PER_SOURCE);
  }
  return out;
}

const secretsSchema = z.record(z.string(), z.array(z.object({ value: z.string().min(1), added_at: z.string() })));
const envelopeSchema = z.object({ format: z.literal(FORMAT), data: z.string() });

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

export function createSafeStorageBackend(options: {
  file: string;
  /** The headless store to import from and then delete. */
  plainFile: string;
  safeStorage: SafeStorageLike;
  label: string;
  onImported?: (count: number) => void;
}): SecretBackend {
  const { file, safeStorage } = options;
  const save = (all: Secrets) => {
    const data = safeStorage.encryptString(JSON.stringify(all)).toString('base64');
    writeAtomic(file, `${JSON.stringify({ format: FORMAT, data })}\n`);
  };
  const readEncrypted = (): Secrets => {
    const text = readTextIfExists(file);
    if (text === null) return {};
    try {
      const envelope = envelopeSchema.parse(JSON.parse(text));
      return secretsSchema.parse(JSON.parse(safeStorage.decryptString(Buffer.from(envelope.data, 'base64'))));
    } catch (err) {
      // Never start without secrets that exist: sources would silently accept unsigned webhooks.
      throw new Error(
        `secrets: ${file} could not be decrypted (${(err as Error).message}). It was encrypted for another user account or keyring, or the keyring was reset. Move it aside to start without those secrets, then set them again.`,
      );
    }
  };
  return {
    load() {
      const kept = readEncrypted();
      const plain = createFileSecretBackend(options.plainFile).load();
      const count = Object.values(plain).reduce((n, list) => n + list.length, 0);
      if (count === 0) return kept;
      const merged = mergeSecrets(kept, plain);
      save(merged);
      fs.rmSync(options.plainFile, { force: true });
      options.onImported?.(count);
      return merged;
    },
    save,
    describe: () => `${options.label}, ${file}`,
  };
}

/** The backend the app hands to the core, and what to tell the person about it. */
export function appSecretBackend(options: { dataDir: string; platform: NodeJS.Platform; safeStorage: SafeStorageLike; onImported?: (count: number) => void }): {
  backend: SecretBackend;
  choice: StorageChoice;
} {
  const plainFile = path.join(options.dataDir, 'secrets.json');
  const available = options.safeStorage.isEncryptionAvailable();
  const linuxBackend = options.platform === 'linux' ? options.safeStorage.getSelectedStorageBackend() : null;
  const choice = secretStorageChoice({ platform: options.platform, available, linuxBackend, plainFile });
  const encryptedFile = path.join(options.dataDir, ENCRYPTED_FILE);
  if (choice.encrypted) {
    const backend = createSafeStorageBackend({ file: encryptedFile, plainFile, safeStorage: options.safeStorage, label: choice.label, onImported: options.onImported });
    return { backend, choice };
  }
  const plain = createFileSecretBackend(plainFile);
  const backend: SecretBackend = {
    ...plain,
    load() {
      // Secrets encrypted on an earlier run cannot be read now; starting without them would
      // turn signed sources into ones that accept anything.
      if (fs.existsSync(encryptedFile)) {
        throw new Error(`secrets: ${encryptedFile} holds encrypted secrets but the keyring is not available now. Unlock or start your keyring and open Tidings again.`);
      }
      return plain.load();
    },
  };
  return { backend, choice };
}
