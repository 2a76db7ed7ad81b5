// A fake GitHub REST API on loopback (port 0): the webhook endpoints Tidings uses, with
// GitHub's real status codes and error bodies, and a way to send a delivery back, signed
// with the secret the hook was given (X-Hub-Signature-256 by @octokit/webhooks-methods).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from '@octokit/webhooks-methods';

export interface FakeHook {
  id: number;
  owner: string; // "repo:owner/name" or "org:name"
  name: 'web';
  active: boolean;
  events: string[];
  config: { url: string; content_type: string; secret?: string; insecure_ssl?: string };
}

export interface FakeGithub {
  url: string;
  hooks: Map<number, FakeHook>;
  /** Every request, method and path, in order. */
  calls: string[];
  /** token → what it may do */
  tokens: Map<string, 'admin' | 'read-only'>;
  repos: Set<string>;
  orgs: Set<string>;
  /** The next request is answered 429 with this Retry-After. */
  rateLimitNext(seconds: number): void;
  /** POST a delivery to every hook of an owner, signed as GitHub signs it. */
  deliver(owner: string, event: string, payload: unknown): Promise<Array<{ status: number; body: string }>>;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/repos/webhooks';

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function hookJson(base: string, h: FakeHook) {
  const path = h.owner.startsWith('repo:') ? `repos/${h.owner.slice(5)}` : `orgs/${h.owner.slice(4)}`;
  // GitHub never shows the secret back: it answers "********".
  const config = { ...h.config, ...(h.config.secret ? { secret: '********' } : {}) };
  return { type: h.owner.startsWith('repo:') ? 'Repository' : 'Organization', id: h.id, name: h.name, active: h.active, events: h.events, config, url: `${base}/${path}/hooks/${h.id}`, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' };
}

export async function startFakeGithub(options: { repos?: string[]; orgs?: string[]; tokens?: Record<string, 'admin' | 'read-only'> } = {}): Promise<FakeGithub> {
  const hooks = new Map<number, FakeHook>();
  const calls: string[] = [];
  const tokens = new Map<string, 'admin' | 'read-only'>(Object.entries(options.tokens ?? { ghp_admin: 'admin' }));
  const repos = new Set(options.repos ?? []);
  const orgs = new Set(options.orgs ?? []);
  let nextId = 4000;
  let limited: number | null = null;
  let base = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      calls.push(`${req.method} ${path}`);
      if (limited !== null) {
        const wait = limited;
        limited = null;
        return send(res, 429, { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting', status: '429' }, { 'retry-after': String(wait), 'x-ratelimit-remaining': '0' });
      }
      const auth = /^(?:token|Bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const power = auth ? tokens.get(auth) : undefined;
      if (!power) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });

      const m = /^\/(repos\/([^/]+\/[^/]+)|orgs\/([^/]+))\/hooks(?:\/(\d+))?(\/config)?$/.exec(path);
      if (!m) return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      const [, , repo, org, idText, configPart] = m;
      const owner = repo ? `repo:${repo}` : `org:${org}`;
      if ((repo && !repos.has(repo)) || (org && !orgs.has(org!))) return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      if (power !== 'admin') {
        return send(res, 403, { message: 'Resource not accessible by personal access token', documentation_url: DOCS, status: '403' }, {
          'x-accepted-github-permissions': repo ? 'repository_hooks=write' : 'organization_hooks=write',
        });
      }
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return send(res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
      }
      const id = idText ? Number(idText) : null;
      const hook = id !== null ? hooks.get(id) : undefined;
      if (id !== null && (!hook || hook.owner !== owner)) return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

      if (req.method === 'GET' && id === null) return send(res, 200, [...hooks.values()].filter((h) => h.owner === owner).map((h) => hookJson(base, h)));
      if (req.method === 'POST' && id === null) {
        const config = body.config as FakeHook['config'] | undefined;
        if (!config?.url) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Hook', code: 'custom', message: 'Config must contain URL for webhooks' }], documentation_url: DOCS, status: '422' });
        if ([...hooks.values()].some((h) => h.owner === owner && h.config.url === config.url)) {
          return send(res, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'Hook', code: 'custom', message: `Hook already exists on this ${repo ? 'repository' : 'organization'}` }],
            documentation_url: DOCS,
            status: '422',
          });
        }
        const created: FakeHook = { id: nextId++, owner, name: 'web', active: body.active !== false, events: (body.events as string[] | undefined) ?? ['push'], config: { ...config } };
        hooks.set(created.id, created);
        return send(res, 201, hookJson(base, created));
      }
      if (req.method === 'PATCH' && hook && configPart) {
        hook.config = { ...hook.config, ...(body as Partial<FakeHook['config']>) };
        const { secret: _s, ...shown } = hook.config;
        return send(res, 200, shown);
      }
      if (req.method === 'PATCH' && hook) {
        // PATCH /hooks/:id replaces the config it is given (a missing secret removes it).
        if (body.config) hook.config = { ...(body.config as FakeHook['config']) };
        if (Array.isArray(body.events)) hook.events = body.events as string[];
        if (typeof body.active === 'boolean') hook.active = body.active;
        return send(res, 200, hookJson(base, hook));
      }
      if (req.method === 'DELETE' && hook) {
        hooks.delete(hook.id);
        res.writeHead(204).end();
        return;
      }
      return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    hooks,
    calls,
    tokens,
    repos,
    orgs,
    rateLimitNext(seconds) {
      limited = seconds;
    },
    async deliver(owner, event, payload) {
      const out: Array<{ status: number; body: string }> = [];
      for (const h of hooks.values()) {
        if (h.owner !== owner || !h.active) continue;
        const body = JSON.stringify(payload);
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/fake',
          'x-github-event': event,
          'x-github-delivery': crypto.randomUUID(),
          'x-github-hook-id': String(h.id),
        };
        if (h.config.secret) headers['x-hub-signature-256'] = await sign(h.config.secret, body);
        const res = await fetch(h.config.url, { method: 'POST', headers, body });
        out.push({ status: res.status, body: await res.text() });
      }
      return out;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
