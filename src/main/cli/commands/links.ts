// `tidings link github|stripe`, `tidings links` and `tidings unlink`: set up the provider's
// side of a webhook with an API token. The running core does the work (it keeps the token
// in secret storage and follows public URL changes); the token is read from the
// environment or stdin, never from an argument, where shell history would keep it.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import type { LinkInfo } from '../../../shared/api';
import { CliError, requireCore } from '../client';

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const note = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

function parseRepo(value: string): string {
  if (!/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/.test(value)) throw new InvalidArgumentError('must be OWNER/REPO, e.g. octocat/hello-world');
  return value;
}

function parseEvents(value: string): string[] {
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError('must name at least one event, e.g. push,pull_request');
  return list;
}

async function readCredential(envName: string, what: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env[envName]?.trim();
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) {
    throw new CliError(`set ${envName} or pipe the ${what} on stdin (it is not taken as an argument, so that it stays out of shell history)`, 2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (!value) throw new CliError(`no ${what} on stdin; set ${envName} or pipe it in`, 2);
  return value;
}

export function describeLink(l: LinkInfo): string {
  const kind = l.provider === 'github' ? (l.scope === 'org' ? 'organization' : 'repository') : `${l.target} mode`;
  const id = l.provider === 'github' ? `hook ${l.hook_id}` : `endpoint ${l.hook_id}`;
  const state = l.state === 'broken' ? `BROKEN: ${l.error ?? 'unknown error'}` : 'active';
  const delivery = l.last_delivery ? `last delivery ${l.last_delivery.at} ${l.last_delivery.outcome} (${l.last_delivery.detail})` : 'no delivery yet';
  return [
    `#${l.id} ${l.provider} ${l.provider === 'github' ? `${l.target} (${kind})` : `(${kind})`}  ${id}  ${state}`,
    `    ${l.url}  events ${l.events.join(',')}`,
    `    ${l.last_result ?? ''}${l.last_result ? '; ' : ''}${delivery}`,
  ].join('\n');
}

export function registerLinks(program: Command): void {
  const core = (cmd: Command) => requireCore(resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir));

  const link = program.command('link').description("set up a provider's webhook to this Tidings with an API token (needs a public URL)");
  link
    .command('github')
    .argument('[repo]', 'OWNER/REPO', parseRepo)
    .option('--org <org>', 'link an organization instead of a repository')
    .option('--events <list>', 'only these events, comma-separated (default: every event)', parseEvents)
    .description('create or update the webhook of a repository (or --org) at GitHub; token from TIDINGS_GITHUB_TOKEN or stdin')
    .action(async (repo: string | undefined, opts: { org?: string; events?: string[] }, cmd: Command) => {
      if ((repo === undefined) === (opts.org === undefined)) throw new CliError('give OWNER/REPO or --org ORG (one of them)', 2);
      const c = core(cmd);
      const token = await readCredential('TIDINGS_GITHUB_TOKEN', 'GitHub token');
      const body = { token, ...(repo ? { repo } : { org: opts.org }), ...(opts.events ? { events: opts.events } : {}) };
      const r = await c.request<{ link: LinkInfo; created: boolean }>('POST', '/api/links/github', body);
      note(`${r.created ? 'Linked' : 'Updated the link to'} ${r.link.target}: ${r.link.last_result ?? ''}. GitHub now sends ${r.link.events.join(', ')} to ${r.link.url}, signed with a new secret (fingerprint ${r.link.secret_fingerprint}).`);
      out(describeLink(r.link));
    });
  link
    .command('stripe')
    .option('--events <list>', 'only these event types, comma-separated (default: every event)', parseEvents)
    .description('create or update a Stripe webhook endpoint; key from TIDINGS_STRIPE_KEY or stdin')
    .action(async (opts: { events?: string[] }, cmd: Command) => {
      const c = core(cmd);
      const key = await readCredential('TIDINGS_STRIPE_KEY', 'Stripe secret key');
      const r = await c.request<{ link: LinkInfo; created: boolean }>('POST', '/api/links/stripe', { key, ...(opts.events ? { events: opts.events } : {}) });
      note(`${r.created ? 'Linked' : 'Updated the link to'} Stripe (${r.link.target} mode): ${r.link.last_result ?? ''}. Its signing secret is kept for the stripe source (fingerprint ${r.link.secret_fingerprint}).`);
      out(describeLink(r.link));
    });

  program
    .command('links')
    .description('list provider links: provider, target, hook or endpoint id, URL, events, state and last result')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { links } = await core(cmd).request<{ links: LinkInfo[] }>('GET', '/api/links');
      if (opts.json) return out(JSON.stringify(links, null, 2));
      if (links.length === 0) return out('No links. Make one with `tidings link github OWNER/REPO` or `tidings link stripe`.');
      for (const l of links) out(describeLink(l));
      if (links.some((l) => l.state === 'broken')) process.exitCode = 1;
    });

  const unlink = program.command('unlink').description("delete a provider's webhook that Tidings made, and only the secret it added");
  const remove = async (cmd: Command, pick: (l: LinkInfo) => boolean, what: string) => {
    const c = core(cmd);
    const { links } = await c.request<{ links: LinkInfo[] }>('GET', '/api/links');
    const chosen = links.filter(pick);
    if (chosen.length === 0) throw new CliError(`there is no link for ${what}; \`tidings links\` lists them`);
    for (const l of chosen) {
      const r = await c.request<{ removed: LinkInfo; provider_deleted: boolean }>('DELETE', `/api/links/${l.id}`);
      note(
        r.provider_deleted
          ? `Unlinked ${what}: deleted ${l.provider === 'github' ? 'hook' : 'endpoint'} ${l.hook_id} and the secret it added (${l.secret_fingerprint}).`
          : `Unlinked ${what}: ${l.provider} no longer had ${l.hook_id} (or its token was gone); removed the secret it added (${l.secret_fingerprint}).`,
      );
    }
  };
  unlink
    .command('github')
    .argument('[repo]', 'OWNER/REPO', parseRepo)
    .option('--org <org>', 'an organization link')
    .description('delete the webhook Tidings made on a repository (or --org)')
    .action(async (repo: string | undefined, opts: { org?: string }, cmd: Command) => {
      if ((repo === undefined) === (opts.org === undefined)) throw new CliError('give OWNER/REPO or --org ORG (one of them)', 2);
      const target = (repo ?? opts.org!).toLowerCase();
      const scope = repo ? 'repo' : 'org';
      await remove(cmd, (l) => l.provider === 'github' && l.scope === scope && l.target.toLowerCase() === target, repo ?? `the organization ${opts.org}`);
    });
  unlink
    .command('stripe')
    .option('--mode <mode>', 'only the test or live mode link (default: both)')
    .description('delete the Stripe webhook endpoint Tidings made')
    .action(async (opts: { mode?: string }, cmd: Command) => {
      if (opts.mode !== undefined && opts.mode !== 'test' && opts.mode !== 'live') throw new CliError('--mode must be test or live', 2);
      await remove(cmd, (l) => l.provider === 'stripe' && (opts.mode === undefined || l.target === opts.mode), 'Stripe');
    });
}
