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
import { readTextIfExists } from './read-text';

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
      const text = readTextIfExists(file);
      if (text === null) return {};
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`secrets: ${file} is not in the expected format; fix or remove it`);
      return parsed.data;
    },
    save(all) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
      fs.renameSync(tmp, file);
      fs.chmodSync(file, 0o600);
    },
    describe: () => `file ${file} (mode 0600, not encrypted)`,
  };
}

/**
 * Provider tokens and keys (provider links) live in the same backend as the signing
 * secrets, so they are encrypted in the app and in the 0600 file headless, under names no
 * source can have (a source name has no ":"). They are never listed, counted or verified with.
 */
const CREDENTIAL_PREFIX = 'credential:';
const isCredential = (key: string) => key.startsWith(CREDENTIAL_PREFIX);

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

export interface SecretSummary {
  source: string;
  count: number;
  fingerprints: string[];
  origin: 'env' | 'store' | 'env+store';
  updated_at: string | null;
}

export function createSecrets(backend: SecretBackend, env: NodeJS.ProcessEnv = process.env) {
  let stored = backend.load();
  // Asked on every delivery: reading process.env is slow, and the stored set changes only
  // through write(), so the answer per source is kept until then.
  const cache = new Map<string, string[]>();

  function fromEnv(source: string): string[] {
    const raw = env[envVarFor(source)];
    if (!raw) return [];
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
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
  }

  return {
    /** Every secret for a source, newest first; empty means the source is unsigned. */
    forSource(source: string): string[] {
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
      const sources = new Set([...Object.keys(stored).filter((k) => !isCredential(k)), ...envSources()]);
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

    /** A provider token or key kept for a link, by its reference; null when none is kept. */
    credential(ref: string): string | null {
      return stored[CREDENTIAL_PREFIX + ref]?.[0]?.value ?? null;
    },

    setCredential(ref: string, value: string): void {
      write({ ...stored, [CREDENTIAL_PREFIX + ref]: [{ value, added_at: new Date().toISOString() }] });
    },

    removeCredential(ref: string): void {
      if (!(CREDENTIAL_PREFIX + ref in stored)) return;
      const next = { ...stored };
      delete next[CREDENTIAL_PREFIX + ref];
      write(next);
    },

    describe: () => backend.describe(),
  };
}

export type Secrets = ReturnType<typeof createSecrets>;
