// How a request's body is framed, checked before anything reads it. Node hands a request
// whose Transfer-Encoding it does not decode ("gzip", "identity", or no final "chunked") to
// the handler and then reads its body until the connection closes, so the sender would wait
// for an answer that never comes. Such requests get a 400 that says what to send instead.
import type http from 'node:http';

/** Why a request's Transfer-Encoding cannot be read, or null when it can (absent or "chunked"). */
export function transferEncodingProblem(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  const joined = Array.isArray(value) ? value.join(', ') : value;
  if (joined.trim().toLowerCase() === 'chunked') return null;
  // eslint-disable-next-line no-control-regex
  const shown = joined.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 80);
  return `Transfer-Encoding "${shown}" is not supported; send the body with a Content-Length, or with Transfer-Encoding: chunked and nothing else (compressed bodies are not accepted)`;
}

/**
 * The same check as middleware for the control listener (express). The answer closes the
 * connection: with the body's framing unknown, nothing after it on the socket can be read.
 */
export function refuseUnreadableFraming(req: http.IncomingMessage, res: http.ServerResponse, next: () => void): void {
  const problem = transferEncodingProblem(req.headers['transfer-encoding']);
  if (!problem) {
    next();
    return;
  }
  const body = JSON.stringify({ status: 400, error: problem });
  res.writeHead(400, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  });
  res.end(body);
}
