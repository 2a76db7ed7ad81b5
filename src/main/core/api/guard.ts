// The control listener's gate: only this machine's own clients get in. The Host header
// must name loopback (DNS-rebinding protection), a browser Origin must be our own
// dashboard, and every request carries the token (Bearer header or the dashboard cookie).
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

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
    if (k === name) return decodeURIComponent(rest.join('='));
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
      res.status(403).json({ status: 403, error: `Host "${host}" is not allowed; the control API answers only on 127.0.0.1:${port}` });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && !hosts.has(origin.replace(/^https?:\/\//, ''))) {
      res.status(403).json({ status: 403, error: `Origin "${origin}" may not use the Tidings control API` });
      return;
    }
    if (origin === 'null') {
      res.status(403).json({ status: 403, error: 'requests from an opaque origin may not use the Tidings control API' });
      return;
    }
    next();
  };
}

export function createTokenGuard(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
    const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if ((bearer && sameToken(bearer, token)) || (cookie && sameToken(cookie, token))) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="tidings"')
      .json({
        status: 401,
        error: bearer
          ? 'the token is wrong; read the current one from the `token` file in the Tidings data directory'
          : 'a token is required: send "Authorization: Bearer <token>" (the token is in the `token` file in the Tidings data directory)',
      });
  };
}
