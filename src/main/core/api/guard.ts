// The control listener's gate: only this machine's own clients get in. The Host header
// must name loopback (DNS-rebinding protection), a browser Origin must be our own
// dashboard, and every request carries a credential: the bearer token, or for the dashboard's
// API only, a session cookie (sessions.ts). /mcp takes the token alone.
//
// Refusals (401, 403) close the connection: a client that guesses or is confused gets no
// kept-alive socket to keep trying on.
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { SessionStore } from './sessions';

export const SESSION_COOKIE = 'tidings_session';

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return null; // a malformed value is no credential, and no reason for a 500
    }
  }
  return null;
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** Host and Origin checks; no token needed (used for the dashboard's login exchange too). */
export function createOriginGuard(getPort: () => number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const port = getPort();
    const hosts = allowedHosts(port);
    const host = req.headers.host ?? '';
    if (!hosts.has(host)) {
      res.set('connection', 'close');
      res.status(403).json({ status: 403, error: `Host "${host}" is not allowed; the control API answers only on 127.0.0.1:${port}` });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && !hosts.has(origin.replace(/^https?:\/\//, ''))) {
      res.set('connection', 'close');
      res.status(403).json({ status: 403, error: `Origin "${origin}" may not use the Tidings control API` });
      return;
    }
    if (origin === 'null') {
      res.set('connection', 'close');
      res.status(403).json({ status: 403, error: 'requests from an opaque origin may not use the Tidings control API' });
      return;
    }
    next();
  };
}

/** How a request was let in: routes that would hand out the token check this. */
export type AuthKind = 'token' | 'session';

export function authKind(res: Response): AuthKind | undefined {
  return (res.locals as { auth?: AuthKind }).auth;
}

const TOKEN_HINT = 'send "Authorization: Bearer <token>" (the token is in the `token` file in the Tidings data directory)';

/**
 * The credential check. With `sessions`, a live dashboard session cookie also gets in (the
 * dashboard's API); without (for /mcp), only the bearer token does, and a cookie is told so.
 */
export function createAuthGuard(options: { token: string; sessions?: SessionStore }) {
  const { token, sessions } = options;
  return (req: Request, res: Response, next: NextFunction) => {
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
    if (bearer && sameToken(bearer, token)) {
      res.locals.auth = 'token' satisfies AuthKind;
      next();
      return;
    }
    const cookie = bearer ? null : cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (cookie && sessions?.touch(cookie)) {
      res.locals.auth = 'session' satisfies AuthKind;
      next();
      return;
    }
    const error = bearer
      ? 'the token is wrong; read the current one from the `token` file in the Tidings data directory'
      : cookie && !sessions
        ? `the dashboard's sign-in does not open this endpoint; ${TOKEN_HINT}`
        : cookie
          ? 'your dashboard session has ended (signed out, revoked, 12 hours unused or 7 days old); get a new sign-in link with `tidings status`, or open Tidings from the tray'
          : `a token is required: ${TOKEN_HINT}`;
    if (cookie && sessions) res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.set('connection', 'close').status(401).set('WWW-Authenticate', 'Bearer realm="tidings"').json({ status: 401, error });
  };
}
