// What goes wrong when Tidings talks to a provider on the user's behalf, as an HTTP status
// and a sentence the person can act on. The provider's own words are kept in the sentence.
export class LinkError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds to wait, when the provider rate-limited us. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'LinkError';
  }
}

/** A Retry-After header (seconds or an HTTP date) as whole seconds, at least 1. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - now) / 1000)) : null;
}
