// Provider links: webhooks that Tidings sets up at GitHub and Stripe with the user's token
// (PRODUCT.md, "Provider links"). This file is the wiring: one link operation at a time
// (creating, unlinking and following a public URL change never interleave), the secret a
// link adds kept in front of its source's secrets, the token kept in secret storage.
import { fingerprint, generateSecret } from '../secrets';
import type { Secrets } from '../secrets';
import type { Logger } from '../logger';
import type { PublicUrl } from '../tunnel/public-url';
import { webhookUrlFor } from '../tunnel/public-url';
import type { LinkGithubBody, LinkInfo, LinkStripeBody } from '../../../shared/api';
import { LinkError } from './errors';
import type { GithubLinks } from './github';
import type { LinkReads, LinkRow, LinkStateChange, NewLink } from './link-store';
import type { StripeLinks } from './stripe';
import { stripeMode } from './stripe';

export interface LinksDeps {
  reads: LinkReads;
  write: <T>(op: string, args: unknown) => Promise<T>;
  secrets: Secrets;
  publicUrl: PublicUrl;
  /** The local ingest base, for webhookUrlFor when there is no public URL. */
  ingestUrl: string;
  github: GithubLinks;
  stripe: StripeLinks;
  logger: Logger;
  now?: () => number;
}

export interface LinkResult {
  link: LinkInfo;
  created: boolean;
}

/** Where a link's token or key is kept in secret storage. */
export const tokenRefFor = (row: Pick<LinkRow, 'provider' | 'scope' | 'target'>) => `${row.provider}:${row.scope}:${row.target}`;

export function createLinks(deps: LinksDeps) {
  const now = deps.now ?? Date.now;
  const { reads, secrets } = deps;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };

  function publicBase(provider: string): string {
    const url = deps.publicUrl.status().url;
    if (!url) {
      throw new LinkError(
        409,
        `links: there is no public URL yet, and ${provider} cannot reach 127.0.0.1; start one with \`tidings tunnel ngrok\` or give yours with \`tidings tunnel url <URL>\`, then link again`,
      );
    }
    return url;
  }

  const info = (id: number): LinkInfo => reads.info(reads.row(id)!);
  const save = (link: Omit<NewLink, 'now' | 'state' | 'error' | 'synced_at'>) =>
    deps.write<number>('link.save', { ...link, state: 'active', error: null, synced_at: now(), now: now() } satisfies NewLink);

  async function linkGithub(body: LinkGithubBody): Promise<LinkResult> {
    const scope = body.repo !== undefined ? 'repo' : 'org';
    const target = body.repo ?? body.org!;
    const url = webhookUrlFor('github', publicBase('GitHub'), deps.ingestUrl);
    const existing = reads.find('github', scope, target);
    const events = body.events ?? ['*'];
    // The new secret verifies before GitHub starts signing with it, and is taken out again
    // if GitHub refuses, so a failed link changes nothing.
    const secret = generateSecret('plain');
    const fp = fingerprint(secret);
    const dropped = secrets.rotate('github', secret);
    let outcome: Awaited<ReturnType<GithubLinks['upsert']>>;
    try {
      outcome = await deps.github.upsert({ token: body.token, scope, target, url, secret, events, hookId: existing?.hook_id ?? null });
    } catch (err) {
      secrets.unrotate('github', secret, dropped);
      throw err;
    }
    if (existing && existing.secret_fingerprint !== fp) dropSecret('github', existing.secret_fingerprint);
    const ref = tokenRefFor({ provider: 'github', scope, target });
    secrets.setCredential(ref, body.token);
    const id = await save({
      provider: 'github',
      scope,
      target,
      source: 'github',
      hook_id: outcome.hookId,
      url,
      events: JSON.stringify(events),
      secret_fingerprint: fp,
      token_ref: ref,
      api_url: deps.github.apiUrl,
      last_result: outcome.result,
    });
    deps.logger.info('links: github linked', { target, hook: outcome.hookId, result: outcome.result });
    return { link: info(id), created: !existing };
  }

  async function linkStripe(body: LinkStripeBody): Promise<LinkResult> {
    const target = stripeMode(body.key);
    const url = webhookUrlFor('stripe', publicBase('Stripe'), deps.ingestUrl);
    const existing = reads.find('stripe', 'account', target);
    const events = body.events ?? ['*'];
    const outcome = await deps.stripe.upsert({ key: body.key, url, events, endpointId: existing?.hook_id ?? null });
    let fp = existing?.secret_fingerprint ?? null;
    if (outcome.secret) {
      secrets.rotate('stripe', outcome.secret);
      if (fp && fp !== fingerprint(outcome.secret)) dropSecret('stripe', fp);
      fp = fingerprint(outcome.secret);
    }
    const ref = tokenRefFor({ provider: 'stripe', scope: 'account', target });
    secrets.setCredential(ref, body.key);
    const id = await save({
      provider: 'stripe',
      scope: 'account',
      target,
      source: 'stripe',
      hook_id: outcome.endpointId,
      url,
      events: JSON.stringify(events),
      secret_fingerprint: fp!,
      token_ref: ref,
      api_url: deps.stripe.apiUrl,
      last_result: outcome.result,
    });
    deps.logger.info('links: stripe linked', { mode: target, endpoint: outcome.endpointId, result: outcome.result });
    return { link: info(id), created: !existing };
  }

  /** Remove a secret a link added, if it is still stored (a person may have removed it). */
  function dropSecret(source: string, fp: string): void {
    if (secrets.summary().find((s) => s.source === source)?.fingerprints.includes(fp)) secrets.remove(source, fp);
  }

  async function unlink(id: number): Promise<{ removed: LinkInfo; provider_deleted: boolean }> {
    const row = reads.row(id);
    if (!row) throw new LinkError(404, `links: there is no link ${id}; \`tidings links\` lists them`);
    const removed = reads.info(row);
    const token = secrets.credential(row.token_ref);
    let deleted = false;
    if (token !== null) {
      deleted =
        row.provider === 'github'
          ? await deps.github.remove({ token, scope: row.scope as 'repo' | 'org', target: row.target, hookId: row.hook_id })
          : await deps.stripe.remove({ key: token, endpointId: row.hook_id });
    }
    dropSecret(row.source, row.secret_fingerprint);
    secrets.removeCredential(row.token_ref);
    await deps.write('link.remove', id);
    deps.logger.info('links: unlinked', { provider: row.provider, target: row.target, provider_deleted: deleted });
    return { removed, provider_deleted: deleted };
  }

  async function moveTo(row: LinkRow, base: string): Promise<void> {
    const url = webhookUrlFor(row.source, base, deps.ingestUrl);
    if (row.url === url && row.state === 'active') return;
    const change: Omit<LinkStateChange, 'state' | 'error' | 'last_result' | 'synced'> = { id: row.id, now: now() };
    try {
      const token = secrets.credential(row.token_ref);
      if (token === null) throw new LinkError(409, `links: the token for this link is no longer stored; link ${row.provider} ${row.target} again`);
      if (row.provider === 'github') await deps.github.updateUrl({ token, scope: row.scope as 'repo' | 'org', target: row.target, hookId: row.hook_id, url });
      else await deps.stripe.updateUrl({ key: token, endpointId: row.hook_id, url });
      await deps.write('link.state', { ...change, state: 'active', error: null, last_result: `now pointing at ${url}`, url, synced: true } satisfies LinkStateChange);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn('links: could not move a link to the new public URL', { provider: row.provider, target: row.target, error: message });
      await deps.write('link.state', { ...change, state: 'broken', error: message, last_result: `could not point it at ${url}`, synced: false } satisfies LinkStateChange);
    }
  }

  let lastBase: string | null = null;
  function follow(base: string | null): void {
    if (!base || base === lastBase) return;
    lastBase = base;
    void serial(async () => {
      for (const row of reads.rows()) await moveTo(row, base);
    }).catch((err: unknown) => deps.logger.error('links: following the public URL failed', { error: String(err) }));
  }

  let unsubscribe: (() => void) | null = null;
  return {
    list: (): LinkInfo[] => reads.rows().map((r) => reads.info(r)),
    linkGithub: (body: LinkGithubBody) => serial(() => linkGithub(body)),
    linkStripe: (body: LinkStripeBody) => serial(() => linkStripe(body)),
    unlink: (id: number) => serial(() => unlink(id)),
    /** Update every link whenever the public URL changes (and once now, for a new URL since the last run). */
    start(): void {
      unsubscribe ??= deps.publicUrl.onChange((s) => follow(s.url));
      follow(deps.publicUrl.status().url);
    },
    /** Resolves when every link operation asked for so far has finished. */
    settled: async (): Promise<void> => {
      await chain;
    },
    async close(): Promise<void> {
      unsubscribe?.();
      unsubscribe = null;
      await chain;
    },
  };
}
export type Links = ReturnType<typeof createLinks>;
