// Dashboard sessions: what the `tidings_session` cookie holds instead of the bearer token.
// Browsers send cookies for 127.0.0.1 to every port on it, so any local web server the person
// visits receives this cookie; it must therefore open only the dashboard's API, never /mcp
// or the token, and it must end: 12 hours without use, 7 days after sign-in at the latest,
// at sign-out, or when `tidings status --revoke-sessions` revokes them all.
//
// Kept in `sessions.json` (0600, only SHA-256 hashes of the cookie values) so that a core
// restart, which the tray app does at every update, does not sign the person out. The last-use
// time is written at most every few minutes: a file write per request would be waste, and the
// cost is that an idle limit can run up to that much longer after a restart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { readPrivateFile, writePrivateFile } from '../private-file';

export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_MAX_MS = 7 * 86_400_000;
const PERSIST_EVERY_MS = 5 * 60_000;

const fileSchema = z.object({
  version: z.literal(1),
  sessions: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), created_at: z.number(), last_used_at: z.number() })),
});

interface Session {
  created_at: number;
  last_used_at: number;
  /** last_used_at as last written to the file. */
  saved_used_at: number;
}

const hash = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

export interface SessionStoreOptions {
  /** sessions.json; null keeps them in memory only. */
  file: string | null;
  now?: () => number;
  idleMs?: number;
  maxMs?: number;
  /** Told when the file could not be read or written; sessions then live in memory. */
  onProblem?: (message: string) => void;
}

export function createSessionStore(options: SessionStoreOptions) {
  const now = options.now ?? Date.now;
  const idleMs = options.idleMs ?? SESSION_IDLE_MS;
  const maxMs = options.maxMs ?? SESSION_MAX_MS;
  const sessions = new Map<string, Session>();

  const live = (s: Session, t: number) => t - s.last_used_at <= idleMs && t - s.created_at <= maxMs;

  function load(): void {
    if (!options.file) return;
    let text: string | null;
    try {
      text = readPrivateFile(options.file);
    } catch (err) {
      options.onProblem?.(`sessions: ${(err as Error).message}; dashboard sign-ins start afresh`);
      return;
    }
    if (text === null) return;
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch {
      options.onProblem?.(`sessions: ${options.file} is not in the expected format; dashboard sign-ins start afresh`);
      return;
    }
    const t = now();
    for (const s of parsed.sessions) {
      const session = { created_at: s.created_at, last_used_at: s.last_used_at, saved_used_at: s.last_used_at };
      if (live(session, t)) sessions.set(s.hash, session);
    }
  }

  function save(): void {
    if (!options.file) return;
    const list = [...sessions].map(([h, s]) => ({ hash: h, created_at: s.created_at, last_used_at: s.last_used_at }));
    try {
      if (list.length === 0) fs.rmSync(options.file, { force: true });
      else writePrivateFile(options.file, `${JSON.stringify({ version: 1, sessions: list })}\n`);
      for (const s of sessions.values()) s.saved_used_at = s.last_used_at;
    } catch (err) {
      options.onProblem?.(`sessions: could not write ${options.file} (${(err as Error).message}); sessions will not survive a restart`);
    }
  }

  function prune(t: number): boolean {
    let removed = false;
    for (const [h, s] of sessions) {
      if (!live(s, t)) {
        sessions.delete(h);
        removed = true;
      }
    }
    return removed;
  }

  load();

  return {
    /** A new session; the returned value goes in the cookie and is not kept here. */
    issue(): string {
      const t = now();
      prune(t);
      const value = crypto.randomBytes(32).toString('base64url');
      sessions.set(hash(value), { created_at: t, last_used_at: t, saved_used_at: t });
      save();
      return value;
    },

    /** True for a live session, which this use keeps alive for another idle period. */
    touch(value: string): boolean {
      const h = hash(value);
      const s = sessions.get(h);
      if (!s) return false;
      const t = now();
      if (!live(s, t)) {
        sessions.delete(h);
        save();
        return false;
      }
      s.last_used_at = t;
      if (t - s.saved_used_at > PERSIST_EVERY_MS) save();
      return true;
    },

    /** The moment a session ends at the latest, for the cookie's Max-Age. */
    expiresAt(value: string): number | null {
      const s = sessions.get(hash(value));
      return s ? s.created_at + maxMs : null;
    },

    revoke(value: string): boolean {
      const removed = sessions.delete(hash(value));
      if (removed) save();
      return removed;
    },

    revokeAll(): number {
      const n = sessions.size;
      sessions.clear();
      save();
      return n;
    },

    count(): number {
      prune(now());
      return sessions.size;
    },

    /** Write the latest use times (at shutdown). */
    flush(): void {
      if ([...sessions.values()].some((s) => s.saved_used_at !== s.last_used_at)) save();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
