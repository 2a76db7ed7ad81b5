// GitHub's side of a provider link, through @octokit/rest: create, update and delete the
// repository's (or organization's) webhook, and map GitHub's answers to sentences that
// name what to fix: the token, the permission it lacks, the repository's name.
import type { Octokit } from '@octokit/rest';
import { LinkError, retryAfterSeconds } from './errors';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GithubHookTarget {
  scope: 'repo' | 'org';
  /** OWNER/REPO for a repository, the name for an organization. */
  target: string;
}

export interface GithubHookSpec extends GithubHookTarget {
  token: string;
  url: string;
  secret: string;
  events: string[];
  /** The hook Tidings made before, if any: updated rather than created. */
  hookId: string | null;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

/** What the token needs, in GitHub's own words for each kind of token. */
export function neededPermission(scope: GithubHookTarget['scope']): string {
  return scope === 'repo'
    ? '"Webhooks: read and write" on the repository (fine-grained token) or the admin:repo_hook scope (classic token)'
    : 'the admin:org_hook scope (classic token) or "Webhooks: read and write" on the organization (fine-grained token)';
}

const what = (t: GithubHookTarget) => (t.scope === 'repo' ? `the repository ${t.target}` : `the organization ${t.target}`);

function githubMessage(err: RequestErrorLike): string {
  const data = err.response?.data as { message?: string; errors?: Array<{ message?: string; code?: string; field?: string }> } | undefined;
  const details = (data?.errors ?? []).map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' ')).filter(Boolean);
  return [data?.message ?? err.message ?? 'no message', ...details].join(': ');
}

/** GitHub's answer as a LinkError: status for our API, and what the person should do. */
export function githubError(err: unknown, t: GithubHookTarget, apiUrl: string): LinkError {
  const e = err as RequestErrorLike;
  if (!e.response || typeof e.status !== 'number') {
    return new LinkError(502, `github: could not reach the GitHub API at ${apiUrl} (${e.message ?? String(err)}); check the network or TIDINGS_GITHUB_API_URL`);
  }
  const headers = e.response.headers ?? {};
  const said = githubMessage(e);
  const rateLimited = e.status === 429 || (e.status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined));
  if (rateLimited) {
    const wait = retryAfterSeconds(headers['retry-after']) ?? (headers['x-ratelimit-reset'] ? Math.max(1, Number(headers['x-ratelimit-reset']) - Math.floor(Date.now() / 1000)) : 60);
    return new LinkError(429, `github: GitHub is rate-limiting this token (${said}); try again in ${wait} s`, wait);
  }
  switch (e.status) {
    case 401:
      return new LinkError(400, `github: GitHub rejected the token (${said}): it is wrong, expired or revoked; make a new one that has ${neededPermission(t.scope)}`);
    case 403:
      return new LinkError(403, `github: the token may not manage webhooks on ${what(t)} (${said}); it needs ${neededPermission(t.scope)}`);
    case 404:
      return new LinkError(
        404,
        `github: ${what(t)} was not found with this token (${said}): check the name, and that the token can see it and has ${neededPermission(t.scope)}`,
      );
    case 422:
      return new LinkError(422, `github: GitHub did not accept the webhook for ${what(t)} (${said})`);
    default:
      return new LinkError(502, `github: GitHub answered ${e.status} for ${what(t)} (${said}); try again later`);
  }
}

const isHookExists = (err: unknown) => {
  const e = err as RequestErrorLike;
  return e.status === 422 && /already exists/i.test(githubMessage(e));
};
const isNotFound = (err: unknown) => (err as RequestErrorLike).status === 404;

export function createGithubLinks(options: { apiUrl: string; userAgent: string }) {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  // Loaded on first use: every `tidings` command loads the core's modules, and only linking needs this one.
  const client = async (token: string): Promise<Octokit> => {
    const { Octokit } = await import('@octokit/rest');
    // No retry or throttling plugins: a refusal goes straight back to the person, who decides.
    // A client per operation, so the 30 s limit covers that operation's requests.
    return new Octokit({ auth: token, baseUrl: apiUrl, userAgent: options.userAgent, request: { signal: AbortSignal.timeout(30_000) } });
  };
  const where = (t: GithubHookTarget) => {
    if (t.scope === 'org') return { org: t.target };
    const [owner = '', repo = ''] = t.target.split('/');
    return { owner, repo };
  };

  async function create(octokit: Octokit, spec: GithubHookSpec, config: { url: string; content_type: 'json'; secret: string; insecure_ssl: '0' }): Promise<number> {
    const body = { name: 'web', active: true, events: spec.events, config };
    const res =
      spec.scope === 'repo'
        ? await octokit.rest.repos.createWebhook({ ...(where(spec) as { owner: string; repo: string }), ...body })
        : await octokit.rest.orgs.createWebhook({ org: spec.target, ...body });
    return res.data.id;
  }

  async function update(octokit: Octokit, spec: GithubHookSpec, hookId: number, config: { url: string; content_type: 'json'; secret: string; insecure_ssl: '0' }): Promise<void> {
    const body = { active: true, events: spec.events, config };
    if (spec.scope === 'repo') await octokit.rest.repos.updateWebhook({ ...(where(spec) as { owner: string; repo: string }), hook_id: hookId, ...body });
    else await octokit.rest.orgs.updateWebhook({ org: spec.target, hook_id: hookId, ...body, config: { ...config } });
  }

  /** A hook already pointing at our URL (GitHub refuses a second one: 422 "Hook already exists"). */
  async function findByUrl(octokit: Octokit, spec: GithubHookSpec): Promise<number | null> {
    const hooks =
      spec.scope === 'repo'
        ? await octokit.paginate(octokit.rest.repos.listWebhooks, { ...(where(spec) as { owner: string; repo: string }), per_page: 100 })
        : await octokit.paginate(octokit.rest.orgs.listWebhooks, { org: spec.target, per_page: 100 });
    return hooks.find((h) => h.config.url === spec.url)?.id ?? null;
  }

  return {
    apiUrl,

    /** Create the webhook, or update the one Tidings made (or one already at our URL). */
    async upsert(spec: GithubHookSpec): Promise<{ hookId: string; result: string }> {
      const config = { url: spec.url, content_type: 'json' as const, secret: spec.secret, insecure_ssl: '0' as const };
      try {
        const octokit = await client(spec.token);
        if (spec.hookId !== null) {
          try {
            await update(octokit, spec, Number(spec.hookId), config);
            return { hookId: spec.hookId, result: `updated hook ${spec.hookId}` };
          } catch (err) {
            // Deleted at GitHub since: make a new one. A 404 for the repository itself
            // comes back from create below with its own message.
            if (!isNotFound(err)) throw err;
          }
        }
        try {
          const id = await create(octokit, spec, config);
          return { hookId: String(id), result: `created hook ${id}` };
        } catch (err) {
          if (!isHookExists(err)) throw err;
          const id = await findByUrl(octokit, spec);
          if (id === null) throw err;
          await update(octokit, spec, id, config);
          return { hookId: String(id), result: `took over hook ${id}, which already pointed at ${spec.url}` };
        }
      } catch (err) {
        throw githubError(err, spec, apiUrl);
      }
    },

    /** Point the hook at a new URL; the secret and events stay as they are. */
    async updateUrl(spec: GithubHookTarget & { token: string; hookId: string; url: string }): Promise<void> {
      // Through `data`: octokit takes a `url` parameter as the request's own URL, and the
      // hook config endpoint's body field is called exactly that.
      const data = { url: spec.url, content_type: 'json' };
      try {
        const octokit = await client(spec.token);
        if (spec.scope === 'repo') {
          const { owner, repo } = where(spec) as { owner: string; repo: string };
          await octokit.request('PATCH /repos/{owner}/{repo}/hooks/{hook_id}/config', { owner, repo, hook_id: Number(spec.hookId), data });
        } else {
          await octokit.request('PATCH /orgs/{org}/hooks/{hook_id}/config', { org: spec.target, hook_id: Number(spec.hookId), data });
        }
      } catch (err) {
        if (isNotFound(err)) {
          throw new LinkError(404, `github: hook ${spec.hookId} on ${what(spec)} is gone (deleted at GitHub?), or the token lost access; link again`);
        }
        throw githubError(err, spec, apiUrl);
      }
    },

    /** Delete the hook; false when GitHub no longer had it. */
    async remove(spec: GithubHookTarget & { token: string; hookId: string }): Promise<boolean> {
      try {
        const octokit = await client(spec.token);
        if (spec.scope === 'repo') await octokit.rest.repos.deleteWebhook({ ...(where(spec) as { owner: string; repo: string }), hook_id: Number(spec.hookId) });
        else await octokit.rest.orgs.deleteWebhook({ org: spec.target, hook_id: Number(spec.hookId) });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw githubError(err, spec, apiUrl);
      }
    },
  };
}
export type GithubLinks = ReturnType<typeof createGithubLinks>;
