// Which request headers are credentials, and what each place that keeps or shows headers
// may do with them. One rule, matched by name, for every sender:
//  - A header whose name says it carries a credential (token, secret, key, auth, hmac,
//    password, cookie, credential, signature: X-Gitlab-Token, X-Hook-Secret,
//    X-Shopify-Hmac-Sha256, Authorization, Cookie, X-Api-Key) is dropped before the event
//    is stored, so it is never forwarded, logged or shown either.
//  - Except the signature headers of the schemes Tidings verifies: they are MACs over the
//    body, not secrets, and a forward target (a dev server with its own copy of the secret)
//    or a later re-check needs them byte for byte. They are stored and sent on, shown to
//    the person through the local API, and masked wherever else headers go (MCP, the
//    rejection log, the log file): with the body they would let anyone replay the delivery.
// Rows stored before this rule are filtered the same way when read.

/** Header names that say the value is, or is made with, a credential. Matched anywhere. */
export const CREDENTIAL_NAME = /token|secret|key|auth|hmac|passw|cookie|credential|signature/i;

/** Signatures over the body that Tidings verifies (and GitHub's older SHA-1 one): kept. */
export const BODY_SIGNATURES: ReadonlySet<string> = new Set([
  'x-hub-signature-256',
  'x-hub-signature',
  'stripe-signature',
  'x-slack-signature',
  'x-vercel-signature',
  'webhook-signature',
  'svix-signature',
]);

type RawHeaders = Record<string, string | string[] | undefined>;

export function isBodySignature(name: string): boolean {
  return BODY_SIGNATURES.has(name.toLowerCase());
}

/** A credential that must not be kept: credential-like, and not a verified body signature. */
export function isDroppedCredential(name: string): boolean {
  return CREDENTIAL_NAME.test(name) && !isBodySignature(name);
}

/** Headers worth keeping with an event (and forwarding): everything but credentials. */
export function storableHeaders(headers: RawHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || isDroppedCredential(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Headers for assistants, the rejection log and the log file: no credential values at all. */
export function maskedHeaders(headers: RawHeaders): Record<string, string> {
  const out = storableHeaders(headers);
  for (const k of Object.keys(out)) if (CREDENTIAL_NAME.test(k)) out[k] = `(${out[k]!.length} chars)`;
  return out;
}
