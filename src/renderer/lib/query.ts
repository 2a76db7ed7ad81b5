// Query strings for the local API. The API rejects unknown or empty parameters it cannot
// read, so anything undefined, null or blank is left out rather than sent as "".

export type QueryValue = string | number | boolean | null | undefined;

export function toQueryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const text = String(value);
    if (text.trim() === '') continue;
    search.set(key, text);
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** A path segment with everything but unreserved characters escaped. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
