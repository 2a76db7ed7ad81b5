// MCP resources: the same data as the tools, addressable by URI, and subscribable: a
// committed event sends notifications/resources/updated for every subscribed URI it
// touches (uriMatches for a 2025 session's subscriptions, which may name any URI;
// touchedUris for 2026 listen streams, which match URIs exactly).
import { maskedHeaders } from '../credential-headers';
import { ResourceTemplate } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/server';
import type { EventRecord } from '../../../shared/events';
import { createCompleters } from './completions';
import type { McpDeps } from './deps';
import { DATA_NOTICE, payloadText } from './present';
import { subscriptionMatches } from './subscriptions';
import { MAX_SOURCES_LISTED } from './tools/get-event-sources';

export const RECENT_URI = 'tidings://events/recent';
export const PENDING_ACTIONS_URI = 'tidings://stripe/actions/pending';
const STRIPE_ACTION_TYPES = new Set(['checkout.session.completed', 'invoice.payment_failed', 'customer.subscription.deleted']);

function json(uri: URL | string, value: unknown) {
  return { contents: [{ uri: String(uri), mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

function deploymentProject(e: EventRecord): string | null {
  const project = e.fields.project;
  if (e.source === 'vercel' && typeof project === 'string') return project;
  if (e.source === 'github' && e.type.startsWith('deployment_status')) return e.subject;
  return null;
}

/** Does this event change what the resource at `uri` shows? Pure, for the notifier. */
export function uriMatches(uri: string, e: EventRecord, subscriptionLookup?: (id: number) => Parameters<typeof subscriptionMatches>[0] | null): boolean {
  if (uri === RECENT_URI) return true;
  if (uri === PENDING_ACTIONS_URI) return e.source === 'stripe' && STRIPE_ACTION_TYPES.has(e.type);
  let m = /^tidings:\/\/sources\/([^/]+)\/recent$/.exec(uri);
  if (m) return decodeURIComponent(m[1]!) === e.source;
  m = /^tidings:\/\/events\/(\d+)$/.exec(uri);
  if (m) return Number(m[1]) === e.id;
  m = /^tidings:\/\/deployments\/(.+)$/.exec(uri);
  if (m) return deploymentProject(e) === decodeURIComponent(m[1]!);
  m = /^tidings:\/\/subscriptions\/(\d+)$/.exec(uri);
  if (m && subscriptionLookup) {
    const sub = subscriptionLookup(Number(m[1]));
    return sub !== null && subscriptionMatches(sub, e);
  }
  return false;
}

/**
 * Every concrete URI whose content this event changes, in the form resources/list and the
 * templates give them: a 2026 client names exactly these in its subscriptions/listen
 * filter. Pure; the caller passes the ids of the stored subscriptions the event matches.
 */
export function touchedUris(e: EventRecord, matchingSubscriptionIds: Iterable<number>): string[] {
  const uris = [RECENT_URI, `tidings://sources/${encodeURIComponent(e.source)}/recent`, `tidings://events/${e.id}`];
  if (e.source === 'stripe' && STRIPE_ACTION_TYPES.has(e.type)) uris.push(PENDING_ACTIONS_URI);
  const project = deploymentProject(e);
  if (project !== null) uris.push(`tidings://deployments/${encodeURIComponent(project)}`);
  for (const id of matchingSubscriptionIds) uris.push(`tidings://subscriptions/${id}`);
  return uris;
}

export function registerResources(server: McpServer, deps: McpDeps): void {
  const recent = (source?: string) => ({ notice: DATA_NOTICE, events: deps.store.list({ source, limit: 20 }) });
  const complete = createCompleters(deps);

  server.registerResource('recent-events', RECENT_URI, { title: 'Recent events', description: 'The 20 newest events from every source', mimeType: 'application/json' }, (uri) =>
    json(uri, recent()),
  );

  server.registerResource(
    'event',
    new ResourceTemplate('tidings://events/{id}', { list: undefined, complete: { id: complete.eventId } }),
    { title: 'One event', description: 'An event with its headers and payload (payloads over 64 KB are cut)', mimeType: 'application/json' },
    (uri, { id }) => {
      const detail = deps.store.get(Number(id));
      if (!detail) throw new Error(`there is no event ${String(id)}`);
      const payload = payloadText(detail, 64_000);
      const { body: _body, headers, ...rest } = detail;
      return json(uri, { notice: DATA_NOTICE, ...rest, headers: maskedHeaders(headers), payload: payload.truncated ? payload.text : detail.payload ?? detail.body, payload_truncated: payload.truncated });
    },
  );

  server.registerResource(
    'source-recent',
    new ResourceTemplate('tidings://sources/{source}/recent', {
      complete: { source: complete.source },
      list: () => ({
        // Bounded like get_event_sources: names come from URLs anyone can post to.
        resources: deps.store.sources(MAX_SOURCES_LISTED).map((s) => ({ uri: `tidings://sources/${s.source}/recent`, name: `${s.source} events`, mimeType: 'application/json' })),
      }),
    }),
    { title: 'Recent events of a source', mimeType: 'application/json' },
    (uri, { source }) => json(uri, recent(String(source))),
  );

  server.registerResource(
    'pending-actions',
    PENDING_ACTIONS_URI,
    { title: 'Pending Stripe actions', description: 'Follow-ups waiting to be done', mimeType: 'application/json' },
    (uri) => json(uri, { actions: deps.queries.actions('pending', 100) }),
  );

  server.registerResource(
    'deployments',
    new ResourceTemplate('tidings://deployments/{project}', {
      complete: { project: complete.project },
      list: () => {
        const projects = [...new Set(deps.queries.recentDeployments(null, 200).map((d) => d.project))];
        return { resources: projects.map((p) => ({ uri: `tidings://deployments/${encodeURIComponent(p)}`, name: `${p} deployments`, mimeType: 'application/json' })) };
      },
    }),
    { title: 'Deployments of a project', mimeType: 'application/json' },
    (uri, { project }) => {
      const name = decodeURIComponent(String(project));
      return json(uri, { status: deps.queries.deploymentStatus(name), recent: deps.queries.recentDeployments(name, 20) });
    },
  );

  server.registerResource(
    'subscription',
    new ResourceTemplate('tidings://subscriptions/{id}', {
      complete: { id: complete.subscriptionId },
      list: () => ({
        resources: deps.subscriptions.list().map((s) => ({ uri: s.resource_uri, name: `subscription ${s.id}`, mimeType: 'application/json' })),
      }),
    }),
    { title: 'A subscription and its latest matching events', mimeType: 'application/json' },
    (uri, { id }) => {
      const sub = deps.subscriptions.get(Number(id));
      if (!sub) throw new Error(`there is no active subscription ${String(id)}`);
      const matching = deps.store
        .list({ limit: 500 })
        .filter((e) => subscriptionMatches(sub, e))
        .slice(0, 20);
      return json(uri, { notice: DATA_NOTICE, subscription: sub, events: matching });
    },
  );
}
