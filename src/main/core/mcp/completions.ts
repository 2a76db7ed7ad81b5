// Completions (completion/complete): the values a client may offer while a person fills in
// a resource template or a prompt argument, taken from what the store holds now. Pure
// over the deps; the SDK calls them through ResourceTemplate `complete` and completable().
import type { McpDeps } from './deps';

/** The protocol allows at most 100 values in one answer. */
const MAX_VALUES = 100;

const starting = (values: Iterable<string>, prefix: string): string[] => {
  const out: string[] = [];
  for (const v of values) {
    if (v.startsWith(prefix) && !out.includes(v)) out.push(v);
    if (out.length === MAX_VALUES) break;
  }
  return out;
};

export function createCompleters(deps: Pick<McpDeps, 'store' | 'queries' | 'subscriptions'>) {
  return {
    /** Sources that have sent something, busiest first as the store lists them. */
    source: (prefix: string) => starting(deps.store.sources().map((s) => s.source), prefix),
    /** Repositories GitHub events came from. */
    repo: (prefix: string) => starting(deps.queries.trackedRepos().map((r) => r.repo), prefix),
    /** Projects with a recorded deployment, most recent first. */
    project: (prefix: string) => starting(deps.queries.recentDeployments(null, 200).map((d) => d.project), prefix),
    /** Ids of the newest events (an id is a cursor, so the newest are the likely ones). */
    eventId: (prefix: string) => starting(deps.store.list({ limit: MAX_VALUES }).map((e) => String(e.id)), prefix),
    /** Ids of the active subscriptions. */
    subscriptionId: (prefix: string) => starting(deps.subscriptions.list().map((s) => String(s.id)), prefix),
    /** Look-back periods in hours that read well in a summary. */
    hours: (prefix: string) => starting(['1', '6', '12', '24', '48', '72', '168'], prefix),
  };
}

export type Completers = ReturnType<typeof createCompleters>;
