// The contract between the receiver and the per-provider modules: what a provider
// is handed (the raw request) and what it must give back (a verdict and an event).

/** One inbound delivery as the receiver read it, before anything trusted it. */
export interface IncomingDelivery {
  /** The `:source` path segment, already checked against the allowed pattern. */
  source: string;
  /** Header names lower-cased; repeated headers joined by ", " as Node does. */
  headers: Record<string, string | undefined>;
  /** The exact bytes the sender signed. Never re-serialize before verifying. */
  body: Buffer;
  /** The media type without parameters, lower-cased, e.g. `application/json`. */
  contentType: string;
  /** Milliseconds since the epoch, injectable so tests can skew the clock. */
  now: number;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** What a provider extracts from a delivery; the store adds id and received_at. */
export interface NormalizedEvent {
  /** e.g. `push`, `pull_request.opened`, `checkout.session.completed`, `deployment.succeeded`. */
  type: string;
  /** The repo, customer or project the event is about, when there is one. */
  subject: string | null;
  /** One line a person can read at a glance. */
  summary: string;
  /** When the provider says it happened (ms since epoch), when it says so. */
  occurredAt: number | null;
  /** The provider's delivery id (GitHub X-GitHub-Delivery, Stripe event id, ...). */
  deliveryId: string | null;
  /** Fields pulled out of the payload for querying; plain JSON values only. */
  fields: Record<string, unknown>;
}

/** A parsed body: the JSON payload the provider sent. */
export type Payload = unknown;

/** A reply the provider wants sent instead of storing (Slack's url_verification). */
export interface DirectReply {
  status: number;
  body: unknown;
}

export interface Provider {
  /** `github`, `stripe`, `vercel`, `slack`, or `standard` for any other source name. */
  readonly kind: string;
  /** Media types this provider accepts; anything else gets 415. */
  readonly contentTypes: readonly string[];
  /** Check the signature against each secret in turn (rotation), in constant time. */
  verify(delivery: IncomingDelivery, secrets: readonly string[]): VerifyResult;
  /** Decode the body. Throws `PayloadError` with a message a person can act on. */
  parse(delivery: IncomingDelivery): Payload;
  /** A reply that replaces storing, e.g. Slack's challenge. Called after verify. */
  directReply?(delivery: IncomingDelivery, payload: Payload): DirectReply | null;
  /** Turn the payload into an event. Must not throw on odd but valid JSON. */
  normalize(delivery: IncomingDelivery, payload: Payload): NormalizedEvent;
  /**
   * Build a signed sample delivery (for `tidings send-test` and the dashboard).
   * Returns headers and body exactly as a real sender would send them.
   */
  sample(secret: string | null, now: number): { headers: Record<string, string>; body: Buffer; contentType: string };
  /**
   * The headers a real sender sends with `body` (a JSON payload), signed with `secret` when
   * there is one, with a fresh delivery id where the id travels in a header. `event` is
   * the event name for providers that send it in a header (GitHub's X-GitHub-Event).
   * `tidings trigger` sends catalog fixtures with it; `sample` is built on it.
   */
  envelope(body: Buffer, secret: string | null, now: number, event?: string): Record<string, string>;
}

/** Thrown by `parse` when the body cannot be read; the receiver answers 400. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}
