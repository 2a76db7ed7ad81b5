// Signing secrets per source. Several per source so they can be rotated: every one is
// tried when verifying, the newest first. Values are never logged, echoed or returned;
// callers see only a count and a short fingerprint.
//
// Two origins: TIDINGS_SECRET_<SOURCE> (comma-separated, read-only here) and a store
// the person manages (the app, the CLI, the API). Headless, the store is `secrets.json`
// in the data directory with mode 0600; the Electron shell supplies an encrypted one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config';
import { readPrivateFile, writePrivateFile } from './private-file';

export interface StoredSecret {
  value: string;
  added_at: string;
}

/** What the secrets live in. Synchronous: small, and read on the ingest path. */
export interface SecretBackend {
  load(): Record<string, StoredSecret[]>;
  save(all: Record<string, StoredSecret[]>): void;
  /** Shown in status output, e.g. "file (0600)" or "safeStorage (keychain)". */
  describe(): string;
}

const fileSchema = z.record(
  z.string(),
  z.array(z.object({ value: z.string().min(1), added_at: z.string() })),
);

/** How many secrets a source keeps; rotating past this drops the oldest. */
export const MAX_SECRETS_PER_SOURCE = 5;

export function createFileSecretBackend(file: string): SecretBackend {
  return {
    load() {
      // Never through a link, never another user's file (private-file.ts).
      const text = readPrivateFile(file);
      if (text === null) return {};
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`secrets: ${file} is not in the expected format; fix or remove it`);
      return parsed.data;
    },
    save(all) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writePrivateFile(file, JSON.stringify(all, null, 2));
    },
    describe: () => `file ${file} (mode 0600, not encrypted)`,
  };
}

/**
 * Credentials for outside services (the ngrok authtoken, provider link tokens) share the secret store so
 * that they get the same protection (encrypted in the app, 0600 headless), under keys that
 * no source name can take (source names have no ':').
 */
const CREDENTIAL_PREFIX = 'credential:';
const isCredentialKey = (key: string) => key.startsWith(CREDENTIAL_PREFIX);

export function envVarFor(source: string): string {
  return `TIDINGS_SECRET_${source.toUpperCase().replace(/-/g, '_')}`;
}

/** A short, stable, non-reversible label so a person can tell secrets apart. */
export function fingerprint(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex').slice(0, 8);
}

export function generateSecret(kind: 'standard' | 'plain'): string {
  const bytes = crypto.randomBytes(32);
  return kind === 'standard' ? `whsec_${bytes.toString('base64')}` : bytes.toString('base64url');
}

const SECRET_VARIABLE = /^TIDINGS_SECRET_/;

/** The secrets a TIDINGS_SECRET_* value lists: comma-separated, blanks dropped. */
export function splitSecrets(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * TIDINGS_SECRET_* variables that are set to something but list no secret (" , ", "  ").
 * Read as "no secret", such a value would leave the source open to unsigned deliveries
 * while the person believes it is protected, so it is a startup error instead. An empty
 * value counts as unset, as for every TIDINGS_* variable.
 */
export function blankSecretVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((k) => SECRET_VARIABLE.test(k))
    .filter((k) => {
      const raw = env[k];
      return raw !== undefined && raw !== '' && splitSecrets(raw).length === 0;
    })
    .sort();
}

export interface SecretSummary {
  source: string;
  count: number;
  fingerprints: string[];
  origin: 'env' | 'store' | 'env+store';
  updated_at: string | null;
}

export function createSecrets(backend: SecretBackend, env: NodeJS.ProcessEnv = process.env) {
  const blank = blankSecretVariables(env);
  if (blank.length > 0) {
    const list = blank.map((k) => `${k}=${JSON.stringify(env[k])}`).join(', ');
    throw new ConfigError(
      `secrets: ${list} ${blank.length === 1 ? 'holds' : 'hold'} no secret, only spaces or commas; put the secret in it (several, comma-separated, to rotate), or unset it to accept unsigned deliveries`,
    );
  }
  let stored = backend.load();
  // Asked on every delivery: reading process.env is slow, and the stored set changes only
  // through write(), so the answer per source is kept until then.
  const cache = new Map<string, string[]>();
  // Whether any source has a secret: asked on deliveries to unconfigured names.
  let any: boolean | null = null;

  function fromEnv(source: string): string[] {
    const raw = env[envVarFor(source)];
    return raw ? splitSecrets(raw) : [];
  }

  function envSources(): string[] {
    return Object.keys(env)
      .filter((k) => k.startsWith('TIDINGS_SECRET_') && env[k])
      .map((k) => k.slice('TIDINGS_SECRET_'.length).toLowerCase().replace(/_/g, '-'));
  }

  function write(next: Record<string, StoredSecret[]>): void {
    backend.save(next);
    stored = next;
    cache.clear();
    any = null;
  }

  return {
    /** Every secret for a source, newest first; empty means the source is unsigned. */
    forSource(source: string): string[] {
      if (isCredentialKey(source)) return [];
      let secrets = cache.get(source);
      if (!secrets) {
        secrets = [...(stored[source] ?? []).map((s) => s.value), ...fromEnv(source)];
        if (cache.size > 1000) cache.clear(); // source names come from URLs: keep it bounded
        cache.set(source, secrets);
      }
      return secrets;
    },

    has(source: string): boolean {
      return this.forSource(source).length > 0;
    },

    /** Whether at least one source has a secret (stored or from the environment). */
    hasAny(): boolean {
      any ??= Object.values(stored).some((list) => list.length > 0) || envSources().some((s) => fromEnv(s).length > 0);
      return any;
    },

    /** Replace every stored secret of a source with one. */
    set(source: string, value: string): void {
      write({ ...stored, [source]: [{ value, added_at: new Date().toISOString() }] });
    },

    /** Add a new secret in front; older ones keep verifying until removed. Returns the ones dropped past the cap. */
    rotate(source: string, value: string): StoredSecret[] {
      const others = (stored[source] ?? []).filter((s) => s.value !== value);
      const kept = others.slice(0, MAX_SECRETS_PER_SOURCE - 1);
      write({ ...stored, [source]: [{ value, added_at: new Date().toISOString() }, ...kept] });
      return others.slice(MAX_SECRETS_PER_SOURCE - 1);
    },

    /** Undo a rotate that did not take: the new secret out, the ones it pushed past the cap back. */
    unrotate(source: string, value: string, dropped: readonly StoredSecret[]): void {
      const rest = (stored[source] ?? []).filter((s) => s.value !== value);
      const back = [...rest, ...dropped].slice(0, MAX_SECRETS_PER_SOURCE);
      const next = { ...stored };
      if (back.length > 0) next[source] = back;
      else delete next[source];
      write(next);
    },

    /** Remove all stored secrets of a source, or only the one with this fingerprint. */
    remove(source: string, fp?: string): number {
      const before = stored[source] ?? [];
      const after = fp ? before.filter((s) => fingerprint(s.value) !== fp) : [];
      const next = { ...stored };
      if (after.length > 0) next[source] = after;
      else delete next[source];
      write(next);
      return before.length - after.length;
    },

    summary(): SecretSummary[] {
      const sources = new Set([...Object.keys(stored).filter((k) => !isCredentialKey(k)), ...envSources()]);
      return [...sources].sort().map((source) => {
        const own = stored[source] ?? [];
        const envd = fromEnv(source);
        const origin = own.length && envd.length ? 'env+store' : own.length ? 'store' : 'env';
        return {
          source,
          count: own.length + envd.length,
          fingerprints: [...own.map((s) => s.value), ...envd].map(fingerprint),
          origin,
          updated_at: own[0]?.added_at ?? null,
        };
      });
    },

    /** A stored credential (e.g. "ngrok-authtoken"), or null. Never shown in summaries. */
    credential(name: string): string | null {
      return stored[CREDENTIAL_PREFIX + name]?.[0]?.value ?? null;
    },

    setCredential(name: string, value: string): void {
      write({ ...stored, [CREDENTIAL_PREFIX + name]: [{ value, added_at: new Date().toISOString() }] });
    },

    /** Whether there was one to remove. */
    removeCredential(name: string): boolean {
      if (!stored[CREDENTIAL_PREFIX + name]) return false;
      const next = { ...stored };
      delete next[CREDENTIAL_PREFIX + name];
      write(next);
      return true;
    },

    describe: () => backend.describe(),
  };
}

export type Secrets = ReturnType<typeof createSecrets>;
