// The dashboard in a browser: the built renderer as static files, and signing in and out.
// `tidings serve` prints a link with a one-time code; opening it starts a dashboard session
// (sessions.ts) whose random value goes in an HttpOnly, SameSite=Strict cookie, and redirects
// to a clean URL. Neither the token nor the session appears in a URL (or a log). A used or
// unknown code gets a page that says how to get a new one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { cookieValue, SESSION_COOKIE } from './guard';
import type { SessionStore } from './sessions';

const CODE_TTL_MS = 24 * 3_600_000;

export function createLoginCodes(now: () => number = Date.now) {
  const codes = new Map<string, number>();
  return {
    issue(): string {
      for (const [code, expires] of codes) if (expires < now()) codes.delete(code);
      const code = crypto.randomBytes(18).toString('base64url');
      codes.set(code, now() + CODE_TTL_MS);
      return code;
    },
    /** True once per issued code, within its lifetime. */
    redeem(code: string): boolean {
      const expires = codes.get(code);
      codes.delete(code);
      return expires !== undefined && expires >= now();
    },
  };
}
export type LoginCodes = ReturnType<typeof createLoginCodes>;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:CanvasText;background:Canvas}code{background:color-mix(in srgb,CanvasText 8%,transparent);padding:.1rem .3rem;border-radius:4px}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

const NEW_LINK = 'Get a fresh link with <code>tidings status</code> (or restart <code>tidings serve</code>), or open Tidings from the tray.';

/**
 * Sign-out, before the credential check: it must work with a session that has already ended,
 * and it only ever takes access away. The Origin check in front keeps other sites from it.
 */
export function createSignOutRouter(sessions: SessionStore): express.Router {
  const r = express.Router();
  r.post('/api/session/logout', (req, res) => {
    const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const ended = value ? sessions.revoke(value) : false;
    res.clearCookie(SESSION_COOKIE, { path: '/' }).set('cache-control', 'no-store').json({ signed_out: true, ended_session: ended });
  });
  return r;
}

export function createDashboardRouter(options: { sessions: SessionStore; codes: LoginCodes; staticDir: string }): express.Router {
  const r = express.Router();
  r.get('/login', (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    if (req.query.signed_out !== undefined && !code) {
      res.type('html').send(page('You are signed out', `<p>This browser's dashboard session has ended. ${NEW_LINK}</p>`));
      return;
    }
    if (!code || !options.codes.redeem(code)) {
      res.set('connection', 'close').status(403).type('html').send(page('This sign-in link no longer works', `<p>Each dashboard link works once. ${NEW_LINK}</p>`));
      return;
    }
    const session = options.sessions.issue();
    const expires = options.sessions.expiresAt(session)!;
    res.cookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: expires - Date.now() });
    res.redirect(303, '/');
  });

  const index = path.join(options.staticDir, 'index.html');
  if (!fs.existsSync(index)) {
    r.get('/', (_req, res) => {
      res
        .status(503)
        .type('html')
        .send(page('The dashboard is not built', `<p>Build it with <code>npm run build</code> (it goes to <code>${options.staticDir}</code>), then reload. The API and MCP work without it.</p>`));
    });
    return r;
  }
  r.use(
    express.static(options.staticDir, {
      index: 'index.html',
      setHeaders: (res) => {
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
      },
    }),
  );
  return r;
}

declare const __dirname: string | undefined;

/** dist/renderer: beside the bundle (dist/cli.cjs), or at the repo root from the source. */
export function defaultStaticDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : import.meta.dirname;
  const candidates = [path.join(here, 'renderer'), path.resolve(here, '../../../../dist/renderer')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'index.html'))) ?? candidates[candidates.length - 1]!;
}
