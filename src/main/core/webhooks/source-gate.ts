// Which source names the receiver accepts. Any name matching the pattern is a source, so
// without a gate anyone who can reach the ingest port can invent names without end: each
// gets stored, listed by get_event_sources, and given its own rate-limit bucket. The gate
// answers before the body is read:
// - the built-in providers (github, stripe, vercel, slack), a source with a secret, and a
//   name listed in config.json `sources.allow` are configured, and always accepted;
// - other names are refused with 404 when only configured sources are accepted: mode
//   "configured", or "auto" (the default) once any source has a secret;
// - otherwise a name never seen before may still arrive, but only `newPerHour` of them per
//   hour; more get 429 until the oldest leaves the window.
import type { AcceptMode } from '../config';
import { KNOWN_PROVIDERS } from './providers';

export interface SourceGateDeps {
  accept: AcceptMode;
  /** Names accepted without a secret (config.json `sources.allow`). */
  allow: readonly string[];
  /** New unconfigured names admitted per hour. */
  newPerHour: number;
  /** Whether a source has a secret now, and whether any has (secrets change at run time). */
  hasSecret(source: string): boolean;
  anySecret(): boolean;
  /** Whether events of this source are already stored (it is not new). */
  seen(source: string): boolean;
  now?: () => number;
}

export type Admission =
  | { ok: true; /** Call once the request ended; a new name that stored nothing frees its slot. */ done(stored: boolean): void }
  | { ok: false; status: 404 | 429; error: string; retryAfter?: number };

const HOUR_MS = 3_600_000;
const BUILT_IN_SOURCES: ReadonlySet<string> = new Set(KNOWN_PROVIDERS);
const NOTHING = () => undefined;

export function createSourceGate(deps: SourceGateDeps) {
  const now = deps.now ?? Date.now;
  const allow = new Set(deps.allow);
  // Names admitted as new in the last hour, oldest first (a Map keeps insertion order).
  const recent = new Map<string, number>();

  const configured = (source: string) => BUILT_IN_SOURCES.has(source) || allow.has(source) || deps.hasSecret(source);
  const onlyConfigured = () => deps.accept === 'configured' || (deps.accept === 'auto' && deps.anySecret());

  function expire(at: number): void {
    for (const [name, t] of recent) {
      if (at - t < HOUR_MS) break;
      recent.delete(name);
    }
  }

  return {
    admit(source: string): Admission {
      if (configured(source)) return { ok: true, done: NOTHING };
      if (onlyConfigured()) {
        const why =
          deps.accept === 'configured'
            ? 'config.json sets sources.accept to "configured"'
            : 'a source has a signing secret, and then Tidings accepts only configured sources (sources.accept "auto")';
        return {
          ok: false,
          status: 404,
          error: `there is no source "${source}": ${why}. To receive it, give it a secret (tidings secret set ${source}) or add "${source}" to sources.allow in config.json`,
        };
      }
      if (deps.seen(source)) return { ok: true, done: NOTHING };
      const at = now();
      expire(at);
      if (recent.has(source)) return { ok: true, done: NOTHING };
      if (recent.size >= deps.newPerHour) {
        const oldest = recent.values().next().value ?? at;
        const retryAfter = Math.max(1, Math.ceil((oldest + HOUR_MS - at) / 1000));
        return {
          ok: false,
          status: 429,
          retryAfter,
          error: `too many new source names: ${recent.size} unconfigured names appeared in the last hour (limit ${deps.newPerHour}, rateLimit.newSourcesPerHour). If "${source}" is yours, give it a secret (tidings secret set ${source}) or add it to sources.allow in config.json; it is then accepted at once`,
        };
      }
      recent.set(source, at);
      return {
        ok: true,
        done: (stored) => {
          // A new name that stored nothing (a bad body, say) has not added to the list.
          if (!stored && !deps.seen(source)) recent.delete(source);
        },
      };
    },

    /** The mode in force now, for health and the README's promise. */
    mode(): 'any' | 'configured' {
      return onlyConfigured() ? 'configured' : 'any';
    },
  };
}

export type SourceGate = ReturnType<typeof createSourceGate>;
