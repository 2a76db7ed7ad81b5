// "Copy as curl": a shell command that re-sends a stored webhook to the source's URL with the
// headers and the exact body it arrived with (so a signature over the body still matches).

/** Quote for a POSIX shell: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_\-.,:/=@%+]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Headers that describe one hop of the original delivery rather than the request itself;
 * curl sets its own (or they would be wrong for the new request).
 */
const SKIPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'accept-encoding',
  'proxy-connection',
  'proxy-authorization',
]);

export interface CurlInput {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body: string;
}

export function buildCurl({ url, method = 'POST', headers, body }: CurlInput): string {
  const parts = [`curl -X ${shellQuote(method)} ${shellQuote(url)}`];
  for (const [name, value] of Object.entries(headers).sort(([a], [b]) => a.localeCompare(b))) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  // --data-raw sends the argument as it is: no newlines stripped, and no reading of a local
  // file when the body starts with "@" (which --data-binary and -d would do, so a webhook body
  // like "@/home/me/.ssh/id_rsa" would post that file).
  parts.push(`--data-raw ${shellQuote(body)}`);
  return parts.join(' \\\n  ');
}
