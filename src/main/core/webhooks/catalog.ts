// The `tidings trigger` catalog: realistic payloads by event type, for each named provider,
// signed by the provider module's own `envelope` (the same code `send-test` uses). GitHub's
// come from @octokit/webhooks-examples (every event and action it has an example for); the
// others from the fixtures in ./fixtures. Any other source takes any type, as a Standard
// Webhooks envelope. Each build gets fresh ids, so triggering twice stores two events.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stripeFixtures } from './fixtures/stripe';
import { slackFixtures } from './fixtures/slack';
import { vercelFixtures } from './fixtures/vercel';
import { providerFor } from './providers';

declare const __dirname: string | undefined;

export interface CatalogEntry {
  source: string;
  type: string;
  description: string;
}

/** One fixture: a payload builder, and the event name for providers that send it in a header. */
export interface Fixture {
  type: string;
  description: string;
  event?: string;
  build(now: number): unknown;
}

/** What any source without a dedicated module takes: a type of the caller's choosing. */
export const STANDARD_TYPE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
export const STANDARD_EXAMPLES = ['user.created', 'email.delivered', 'order.paid'];

export class CatalogError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

interface GithubDefinition {
  name: string;
  description: string;
  examples: Array<Record<string, unknown>>;
}

let github: Fixture[] | null = null;

/**
 * GitHub's fixtures, read on first use: the examples file is 4 MB and only `trigger` needs
 * it. Loaded by path so bundles do not carry it.
 */
function githubFixtures(): Fixture[] {
  if (github) return github;
  const here = typeof __dirname === 'string' ? __dirname : import.meta.dirname;
  let defs: GithubDefinition[];
  try {
    const file = createRequire(path.join(here, 'catalog.js')).resolve('@octokit/webhooks-examples');
    defs = JSON.parse(fs.readFileSync(file, 'utf8')) as GithubDefinition[];
  } catch (err) {
    throw new CatalogError(`catalog: GitHub's example payloads (@octokit/webhooks-examples) are not installed here (${(err as Error).message.split('\n')[0]})`, 503);
  }
  const seen = new Map<string, Fixture>();
  for (const def of defs) {
    const description = (def.description.split(/(?<=\.)\s/)[0] ?? def.name).replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
    for (const example of def.examples) {
      const action = typeof example.action === 'string' ? example.action : null;
      const type = action ? `${def.name}.${action}` : def.name;
      if (seen.has(type)) continue;
      const text = JSON.stringify(example);
      seen.set(type, { type, description, event: def.name, build: () => JSON.parse(text) as unknown });
    }
  }
  github = [...seen.values()].sort((a, b) => a.type.localeCompare(b.type));
  return github;
}

const NAMED: Record<string, () => Fixture[]> = {
  github: githubFixtures,
  stripe: () => stripeFixtures,
  vercel: () => vercelFixtures,
  slack: () => slackFixtures,
};

export const CATALOG_SOURCES = Object.keys(NAMED);

/** The catalog, for one source or all. A source without its own module lists the open form. */
export function catalog(source?: string): CatalogEntry[] {
  if (source !== undefined && !(source in NAMED)) {
    return STANDARD_EXAMPLES.map((type) => ({ source, type, description: 'any type: a Standard Webhooks message with this type' }));
  }
  const sources = source === undefined ? CATALOG_SOURCES : [source];
  return sources.flatMap((s) => NAMED[s]!().map((f) => ({ source: s, type: f.type, description: f.description })));
}

/** Closest catalog types, for "did you mean". */
function near(fixtures: Fixture[], type: string): string[] {
  const head = type.split('.')[0] ?? type;
  return fixtures
    .map((f) => f.type)
    .filter((t) => t.startsWith(head))
    .slice(0, 5);
}

/** A signed delivery of `type` for `source`, as the sender would send it. */
export function triggerDelivery(source: string, type: string, secret: string | null, now: number): { headers: Record<string, string>; body: Buffer } {
  const provider = providerFor(source);
  const named = NAMED[provider.kind];
  if (!named) {
    if (!STANDARD_TYPE.test(type)) {
      throw new CatalogError(`"${type}" is not a usable event type; use letters, digits, ".", "_", ":" or "-" (e.g. user.created)`, 400);
    }
    const body = Buffer.from(
      JSON.stringify({ type, timestamp: new Date(now).toISOString(), data: { id: `trg_${now.toString(36)}`, message: `Triggered by tidings trigger ${source} ${type}` } }),
      'utf8',
    );
    return { headers: provider.envelope(body, secret, now), body };
  }
  const fixtures = named();
  const fixture = fixtures.find((f) => f.type === type);
  if (!fixture) {
    const hint = near(fixtures, type);
    throw new CatalogError(
      `${source} has no "${type}" in the trigger catalog${hint.length > 0 ? ` (did you mean ${hint.join(', ')}?)` : ''}; list them with \`tidings trigger --list ${source}\``,
      404,
    );
  }
  // Stripe pretty-prints its events; the others send compact JSON.
  const payload = fixture.build(now);
  const body = Buffer.from(provider.kind === 'stripe' ? JSON.stringify(payload, null, 2) : JSON.stringify(payload), 'utf8');
  return { headers: provider.envelope(body, secret, now, fixture.event), body };
}
