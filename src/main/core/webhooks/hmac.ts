// HMAC and constant-time comparison for the provider modules. Signatures are always
// computed over raw bytes: a body that went through a string round trip may no longer
// be what the sender signed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgo = 'sha1' | 'sha256';
export type HmacKey = string | Uint8Array;
/** Parts are fed to the HMAC in order, so a prefix never has to be glued onto the body. */
export type HmacData = string | Uint8Array | readonly (string | Uint8Array)[];

export function hmac(algo: HmacAlgo, key: HmacKey, data: HmacData): Buffer {
  const mac = createHmac(algo, key);
  const parts = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export function hmacHex(algo: HmacAlgo, key: HmacKey, data: HmacData): string {
  return hmac(algo, key, data).toString('hex');
}

export function hmacBase64(algo: HmacAlgo, key: HmacKey, data: HmacData): string {
  return hmac(algo, key, data).toString('base64');
}

/** Constant time for equal lengths; a length mismatch is not a secret worth hiding. */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (x.length !== y.length) return false;
  return timingSafeEqual(x, y);
}

/**
 * True when any provided signature equals the digest under any secret. Every pair is
 * compared, with no early exit, so timing does not tell which secret (if any) matched.
 */
export function anySignatureMatches(
  provided: readonly Uint8Array[],
  secrets: readonly string[],
  digest: (secret: string) => Uint8Array,
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = digest(secret);
    for (const signature of provided) matched = safeEqual(signature, expected) || matched;
  }
  return matched;
}
