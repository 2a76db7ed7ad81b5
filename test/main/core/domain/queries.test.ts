// The domain queries on a real SQLite file, read through a read-only connection, over
// events that went through the real GitHub, Vercel and Stripe providers (GitHub payloads
// are @octokit/webhooks-examples with their repo, SHAs and times changed).
import path from 'node:path';
import Database from 'better-sqlite3';
import examples from '@octokit/webhooks-examples';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/main/core/store/open-db';
import { createEventStore } from '../../../../src/main/core/store/event-store';
import type { EventStore, IngestItem } from '../../../../src/main/core/store/event-store';
import { createDomainQueries, QueryError, shaRange } from '../../../../src/main/core/domain/queries';
import type { DomainQueries } from '../../../../src/main/core/domain/queries';
import { githubProvider } from '../../../../src/main/core/webhooks/github';
import { stripeProvider } from '../../../../src/main/core/webhooks/stripe';
import { vercelProvider } from '../../../../src/main/core/webhooks/vercel';
import { searchText } from '../../../../src/main/core/webhooks/search-text';
import type { IncomingDelivery, Provider } from '../../../../src/main/core/webhooks/types';
import { tempDir } from '../../../helpers/core';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const at = (msAgo: number) => NOW - msAgo;
const iso = (ms: number) => new Date(ms).toISOString();
const isoSeconds = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, 'Z');

// SHAs chosen so that `abcd` is ambiguous (C1, C2) and `cafe` is not.
const S_OLD = '1111111111111111111111111111111111111111';
const S_C1 = `abcd1${'1'.repeat(35)}`;
const S_C2 = `abcd2${'2'.repeat(35)}`;
const S_C3 = `cafe${'3'.repeat(36)}`;
const S_LIB = `d00d${'4'.repeat(36)}`;
const S_WORK = `5555${'5'.repeat(36)}`;
const S_PREVIEW = `beef${'6'.repeat(36)}`;

type Obj = Record<string, unknown>;

function example(name: string, index = 0): Obj {
  const def = examples.find((e) => e.name === name);
  const payload = def?.examples[index];
  if (!payload) throw new Error(`no example ${name}[${index}]`);
  return structuredClone(payload) as unknown as Obj;
}

let seq = 0;
function ingest(provider: Provider, source: string, headers: Record<string, string>, payload: unknown, receivedAt: number): IngestItem {
  const body = Buffer.from(JSON.stringify(payload));
  const allHeaders = { 'content-type': 'application/json', ...headers };
  const delivery: IncomingDelivery = { source, headers: allHeaders, body, contentType: 'application/json', now: receivedAt };
  const parsed = provider.parse(delivery);
  const event = provider.normalize(delivery, parsed);
  return {
    source,
    provider: provider.kind,
    verified: true,
    contentType: 'application/json',
    headers: allHeaders,
    body,
    event,
    searchText: searchText(event.summary, event.subject, event.type, parsed),
    receivedAt,
  };
}

function github(event: string, payload: Obj, receivedAt: number, source = 'github'): IngestItem {
  seq++;
  return ingest(githubProvider, source, { 'x-github-event': event, 'x-github-delivery': `gh-${seq}` }, payload, receivedAt);
}

function withRepo(payload: Obj, repo: string): Obj {
  return { ...payload, repository: { ...(payload.repository as Obj), full_name: repo } };
}

interface CommitSpec {
  sha: string;
  message: string;
  author: string;
  time: number;
}

function push(repo: string, branch: string, pusher: string, commits: CommitSpec[], time: number, head?: string, source?: string): IngestItem {
  const base = example('push', 4); // refs/heads/master with one commit
  const template = (base.commits as Obj[])[0]!;
  const shaped = commits.map((c) => ({
    ...template,
    id: c.sha,
    message: c.message,
    timestamp: isoSeconds(c.time),
    author: { ...(template.author as Obj), name: c.author },
  }));
  const payload = {
    ...withRepo(base, repo),
    ref: `refs/heads/${branch}`,
    after: head ?? commits[commits.length - 1]?.sha,
    pusher: { name: pusher, email: `${pusher}@example.com` },
    commits: shaped,
    head_commit: shaped[shaped.length - 1] ?? null,
  };
  return github('push', payload, time, source);
}

function pullRequest(repo: string, action: string, number: number, state: string, merged: boolean, time: number): IngestItem {
  const base = example('pull_request', 0);
  const pr = base.pull_request as Obj;
  const payload = {
    ...withRepo(base, repo),
    action,
    number,
    pull_request: { ...pr, number, state, merged, title: `PR ${number}`, updated_at: isoSeconds(time) },
  };
  return github('pull_request', payload, time);
}

function issue(repo: string, number: number, time: number): IngestItem {
  const base = example('issues', 15); // opened
  const payload = { ...withRepo(base, repo), issue: { ...(base.issue as Obj), number, updated_at: isoSeconds(time) } };
  return github('issues', payload, time);
}

function review(repo: string, time: number): IngestItem {
  return github('pull_request_review', withRepo(example('pull_request_review', 0), repo), time);
}

function githubDeploymentStatus(repo: string, sha: string, state: string, time: number): IngestItem {
  const base = example('deployment_status', 0);
  const payload = {
    ...withRepo(base, repo),
    deployment: { ...(base.deployment as Obj), sha, environment: 'production' },
    deployment_status: {
      ...(base.deployment_status as Obj),
      state,
      environment_url: 'https://lib.example.com',
      created_at: isoSeconds(time),
      updated_at: isoSeconds(time),
    },
  };
  return github('deployment_status', payload, time);
}

function vercel(type: string, deploymentId: string, sha: string, target: string | null, time: number): IngestItem {
  seq++;
  const payload = {
    id: `evt_vercel_${seq}`,
    type,
    createdAt: time,
    region: 'iad1',
    payload: {
      team: { id: 'team_1' },
      user: { id: 'user_1' },
      deployment: {
        id: deploymentId,
        name: 'app-web',
        url: 'app-web-abc.vercel.app',
        meta: { githubCommitSha: sha, githubCommitRef: 'main', githubCommitMessage: 'Fix typo', githubRepo: 'app', githubOrg: 'octo' },
      },
      name: 'app-web',
      project: { id: 'prj_1' },
      target,
      url: 'app-web-abc.vercel.app',
    },
  };
  return ingest(vercelProvider, 'vercel', {}, payload, time);
}

function stripe(type: string, object: Obj, time: number): IngestItem {
  seq++;
  const payload = { id: `evt_${seq}`, object: 'event', created: Math.floor(time / 1000), livemode: false, type, data: { object } };
  return ingest(stripeProvider, 'stripe', {}, payload, time);
}

function mcp(channel: string, time: number): IngestItem {
  seq++;
  return {
    source: 'mcp',
    provider: 'standard',
    verified: true,
    contentType: 'application/json',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{}'),
    searchText: channel,
    receivedAt: time,
    event: { type: 'published', subject: channel, summary: `published to ${channel}`, occurredAt: null, deliveryId: `mcp-${seq}`, fields: {} },
  };
}

function seed(): IngestItem[] {
  return [
    push('octo/app', 'main', 'ada', [{ sha: S_OLD, message: 'Initial commit', author: 'Ada Lovelace', time: at(30 * HOUR) }], at(30 * HOUR)),
    push(
      'octo/app',
      'main',
      'ada',
      [
        { sha: S_C1, message: 'Add login\n\nWith a long body.', author: 'Ada Lovelace', time: at(2 * HOUR + 5 * MIN) },
        { sha: S_C2, message: 'Fix typo', author: 'Grace Hopper', time: at(2 * HOUR) },
      ],
      at(2 * HOUR),
    ),
    push('octo/app', 'feature/x', 'grace', [{ sha: S_C3, message: 'Try caching', author: 'Grace Hopper', time: at(HOUR) }], at(HOUR)),
    push('octo/lib', 'main', 'linus', [{ sha: S_LIB, message: 'Release 1.0', author: 'Linus', time: at(10 * HOUR) }], at(10 * HOUR)),
    // A GitHub source with another name: only the derived tables know this repo.
    push('work/tool', 'main', 'ada', [{ sha: S_WORK, message: 'Work', author: 'Ada Lovelace', time: at(50 * HOUR) }], at(50 * HOUR), undefined, 'gh-work'),
    pullRequest('octo/app', 'opened', 9, 'open', false, at(40 * HOUR)),
    pullRequest('octo/app', 'opened', 7, 'open', false, at(3 * HOUR)),
    pullRequest('octo/app', 'opened', 8, 'open', false, at(2 * HOUR + MIN)),
    pullRequest('octo/app', 'closed', 7, 'closed', true, at(HOUR - MIN)),
    review('octo/app', at(90 * MIN)),
    issue('octo/app', 3, at(5 * HOUR)),
    github('ping', example('ping', 3), at(20 * HOUR)), // org hook: subject is the org, not a repo
    githubDeploymentStatus('octo/lib', S_LIB, 'success', at(9 * HOUR)),
    vercel('deployment.error', 'dpl_0', S_OLD, 'production', at(30 * HOUR)),
    vercel('deployment.created', 'dpl_1', S_C2, 'production', at(2 * HOUR - 10 * MIN)),
    vercel('deployment.succeeded', 'dpl_1', S_C2, 'production', at(2 * HOUR - 10 * MIN) + 42_000),
    vercel('deployment.created', 'dpl_2', S_PREVIEW, null, at(30 * MIN)),
    stripe('checkout.session.completed', { id: 'cs_old', object: 'checkout.session', amount_total: 9900, currency: 'usd', customer: 'cus_0', customer_email: 'old@example.com', payment_status: 'paid' }, at(30 * HOUR)),
    stripe('checkout.session.completed', { id: 'cs_1', object: 'checkout.session', amount_total: 4900, currency: 'usd', customer: 'cus_1', customer_email: 'ada@example.com', payment_status: 'paid' }, at(6 * HOUR)),
    stripe('checkout.session.completed', { id: 'cs_2', object: 'checkout.session', amount_total: 2550, currency: 'usd', customer: 'cus_2', customer_email: 'grace@example.com', payment_status: 'paid' }, at(5 * HOUR)),
    stripe('invoice.paid', { id: 'in_1', object: 'invoice', amount_due: 10, currency: 'usd', customer: 'cus_1' }, at(4 * HOUR)),
    stripe('invoice.paid', { id: 'in_2', object: 'invoice', amount_due: 20, currency: 'usd', customer: 'cus_2' }, at(3 * HOUR)),
    stripe('invoice.payment_failed', { id: 'in_3', object: 'invoice', amount_due: 2000, currency: 'eur', customer: 'cus_3' }, at(2 * HOUR)),
    stripe('charge.refunded', { id: 'ch_1', object: 'charge', amount: 500, currency: 'usd', customer: 'cus_1' }, at(HOUR)),
    stripe('customer.subscription.deleted', { id: 'sub_1', object: 'subscription', customer: 'cus_4', items: { data: [{ price: { id: 'price_pro' } }] } }, at(30 * MIN)),
    stripe('customer.created', { id: 'cus_5', object: 'customer', email: 'new@example.com' }, at(20 * MIN)),
    mcp('alerts', at(3 * HOUR)),
    mcp('deploys', at(2 * HOUR)),
    mcp('alerts', at(10 * MIN)),
  ];
}

let file: string;
let writer: Database.Database;
let reader: Database.Database;
let store: EventStore;
let q: DomainQueries;

beforeEach(() => {
  file = path.join(tempDir(), 'tidings.db');
  writer = openDatabase(file).db;
  store = createEventStore(writer);
  // Ids follow arrival, as they do in production.
  store.append(seed().sort((a, b) => a.receivedAt - b.receivedAt));
  reader = new Database(file, { readonly: true });
  q = createDomainQueries(reader, { now: () => NOW });
});
afterEach(() => {
  reader.close();
  writer.close();
});

describe('GitHub activity', () => {
  it('lists tracked repos, most recent first, including ones only the derived views know, and no org names', () => {
    expect(q.trackedRepos()).toEqual([
      { repo: 'octo/app', events: 9, last_event_at: iso(at(HOUR - MIN)), pushes: 3, pull_request_events: 4, issue_events: 1, unverified_events: 0 },
      { repo: 'octo/lib', events: 2, last_event_at: iso(at(9 * HOUR)), pushes: 1, pull_request_events: 0, issue_events: 0, unverified_events: 0 },
      { repo: 'work/tool', events: 0, last_event_at: iso(at(50 * HOUR)), pushes: 1, pull_request_events: 0, issue_events: 0, unverified_events: 0 },
    ]);
  });

  it('summarizes repo activity in the window, newest first', () => {
    const activity = q.repoActivity('octo/app', 24);
    expect(activity).toMatchObject({ repo: 'octo/app', period_hours: 24, total_events: 7 });
    expect(activity.events_by_type).toEqual({
      'pull_request.opened': 2,
      push: 2,
      'issues.opened': 1,
      'pull_request.closed': 1,
      'pull_request_review.submitted': 1,
    });
    expect(activity.recent_events.map((e) => e.type)).toEqual([
      'pull_request.closed',
      'push',
      'pull_request_review.submitted',
      'push',
      'pull_request.opened',
      'pull_request.opened',
      'issues.opened',
    ]);
    expect(activity.recent_events[0]!.received_at).toBe(iso(at(HOUR - MIN)));
    expect(q.repoActivity('octo/app', 48).total_events).toBe(9);
    expect(q.repoActivity('nobody/nothing', 24)).toMatchObject({ total_events: 0, events_by_type: {}, recent_events: [] });
  });

  it('filters repo activity by exact type or dotted prefix, and caps recent events at 10', () => {
    expect(q.repoActivity('octo/app', 24, 'pull_request').events_by_type).toEqual({
      'pull_request.opened': 2,
      'pull_request.closed': 1,
    });
    expect(q.repoActivity('octo/app', 24, 'pull_request.closed').total_events).toBe(1);
    expect(q.repoActivity('octo/app', 24, 'pull').total_events).toBe(0);
    const more = Array.from({ length: 12 }, (_, i) =>
      push('octo/app', 'main', 'ada', [{ sha: `f${String(i).padStart(39, '0')}`, message: `m${i}`, author: 'Ada', time: at(20 * MIN) + i }], at(20 * MIN) + i),
    );
    store.append(more);
    const pushes = q.repoActivity('octo/app', 24, 'push');
    expect(pushes.total_events).toBe(14);
    expect(pushes.recent_events).toHaveLength(10);
    expect(pushes.recent_events[0]!.summary).toContain(': m11');
  });

  it('summarizes commits: pushes, contributors, branches and newest first-line messages', () => {
    expect(q.summarizeCommits('octo/app', 24)).toEqual({
      repo: 'octo/app',
      period_hours: 24,
      total_pushes: 2,
      total_commits: 3,
      contributors: ['ada', 'Ada Lovelace', 'grace', 'Grace Hopper'],
      branches: ['feature/x', 'main'],
      recent_messages: [
        { sha: 'cafe333', message: 'Try caching', author: 'Grace Hopper', at: iso(at(HOUR)), verified: true },
        { sha: 'abcd222', message: 'Fix typo', author: 'Grace Hopper', at: iso(at(2 * HOUR)), verified: true },
        { sha: 'abcd111', message: 'Add login', author: 'Ada Lovelace', at: iso(at(2 * HOUR)), verified: true }, // dated by when it was pushed
      ],
      unverified_pushes: 0,
    });
    const wider = q.summarizeCommits('octo/app', 48);
    expect(wider.total_pushes).toBe(3);
    expect(wider.recent_messages.map((m) => m.message)).toContain('Initial commit');
  });

  it('counts a commit pushed to two branches once in the messages', () => {
    store.append([push('octo/app', 'release', 'ada', [{ sha: S_C3, message: 'Try caching', author: 'Grace Hopper', time: at(HOUR) }], at(30 * MIN))]);
    const summary = q.summarizeCommits('octo/app', 24);
    expect(summary.total_pushes).toBe(3);
    expect(summary.recent_messages.filter((m) => m.sha === 'cafe333')).toHaveLength(1);
    expect(summary.branches).toEqual(['feature/x', 'main', 'release']);
  });

  it('groups PR events by action and lists the PRs left open', () => {
    expect(q.prActivity('octo/app', 24)).toEqual({
      repo: 'octo/app',
      period_hours: 24,
      total_pr_events: 3,
      by_action: {
        closed: [{ number: 7, title: 'PR 7', user: 'Codertocat', state: 'closed', merged: true, at: iso(at(HOUR - MIN)), verified: true }],
        opened: [
          { number: 8, title: 'PR 8', user: 'Codertocat', state: 'open', merged: false, at: iso(at(2 * HOUR + MIN)), verified: true },
          { number: 7, title: 'PR 7', user: 'Codertocat', state: 'open', merged: false, at: iso(at(3 * HOUR)), verified: true },
        ],
      },
      open_prs: [8],
    });
    expect(q.prActivity('octo/app', 48).open_prs).toEqual([8, 9]);
  });

  it('rejects a bad window or repo with a QueryError', () => {
    expect(() => q.repoActivity('octo/app', 0)).toThrow(QueryError);
    expect(() => q.summarizeCommits('octo/app', Number.NaN)).toThrow(/hours must be a positive number/);
    expect(() => q.prActivity('', 24)).toThrow(/repo must be a non-empty string/);
  });
});

describe('Stripe', () => {
  it('lists actions newest first, by status, with their last note', () => {
    const pending = q.actions('pending', 10);
    expect(pending.map((a) => a.action_type)).toEqual([
      'send_churn_survey',
      'send_payment_failed_email',
      'send_welcome_email',
      'send_welcome_email',
      'send_welcome_email',
    ]);
    expect(pending[0]).toMatchObject({
      status: 'pending',
      customer_id: 'cus_4',
      plan: 'price_pro',
      created_at: iso(at(30 * MIN)),
      updated_at: iso(at(30 * MIN)),
      age_seconds: 1800,
      last_note: 'created from customer.subscription.deleted',
      last_actor: 'tidings',
    });
    expect(pending[2]).toMatchObject({ customer_email: 'grace@example.com', amount: 25.5, currency: 'usd' });
    expect(q.actions('pending', 2)).toHaveLength(2);
    expect(q.actions('all', 10)).toHaveLength(5);
    expect(q.actions('completed', 10)).toEqual([]);
    expect(() => q.actions('done' as 'all', 10)).toThrow(/status must be one of pending, completed, dismissed, all/);
    expect(() => q.actions('all', 0)).toThrow(QueryError);
  });

  it('returns one action with its history, or null', () => {
    const id = q.actions('all', 10)[0]!.id;
    const action = q.action(id)!;
    expect(action.stripe_event).toMatch(/^evt_/);
    expect(action.event_id).toEqual(expect.any(Number));
    expect(action.history).toEqual([
      { status: 'pending', note: 'created from customer.subscription.deleted', actor: 'tidings', at: iso(at(30 * MIN)) },
    ]);
    expect(q.action(99_999)).toBeNull();
  });

  it('summarizes Stripe events in the window with amounts by currency and type', () => {
    expect(q.stripeSummary(24)).toEqual({
      period_hours: 24,
      total_events: 8,
      by_type: {
        'checkout.session.completed': 2,
        'invoice.paid': 2,
        'charge.refunded': 1,
        'customer.created': 1,
        'customer.subscription.deleted': 1,
        'invoice.payment_failed': 1,
      },
      pending_actions: 5,
      amounts: [
        { currency: 'eur', type: 'invoice.payment_failed', total: 20, unverified: 0 },
        { currency: 'usd', type: 'charge.refunded', total: 5, unverified: 0 },
        { currency: 'usd', type: 'checkout.session.completed', total: 74.5, unverified: 0 },
        { currency: 'usd', type: 'invoice.paid', total: 0.3, unverified: 0 },
      ],
      unverified_events: 0,
      unverified_pending_actions: 0,
    });
    const wider = q.stripeSummary(48);
    expect(wider.total_events).toBe(9);
    expect(wider.amounts).toContainEqual({ currency: 'usd', type: 'checkout.session.completed', total: 173.5, unverified: 0 });
  });
});

describe('deployments', () => {
  it('lists recent pushes newest first with the head commit message', () => {
    const all = q.recentPushes(null, 10);
    expect(all.map((p) => [p.repo, p.branch, p.head_sha?.slice(0, 4)])).toEqual([
      ['octo/app', 'feature/x', 'cafe'],
      ['octo/app', 'main', 'abcd'],
      ['octo/lib', 'main', 'd00d'],
      ['octo/app', 'main', '1111'],
      ['work/tool', 'main', '5555'],
    ]);
    expect(all[1]).toEqual({
      event_id: expect.any(Number),
      repo: 'octo/app',
      branch: 'main',
      head_sha: S_C2,
      pusher: 'ada',
      commit_count: 2,
      message: 'Fix typo',
      at: iso(at(2 * HOUR)),
      verified: true,
    });
    expect(q.recentPushes('octo/app', 2).map((p) => p.branch)).toEqual(['feature/x', 'main']);
    expect(() => q.recentPushes(null, 1001)).toThrow(QueryError);
  });

  it('falls back to the newest commit of the push when the head commit was not recorded', () => {
    const head = `9${'9'.repeat(39)}`;
    store.append([
      push(
        'octo/lib',
        'main',
        'linus',
        [
          { sha: `a${'0'.repeat(39)}`, message: 'First\n\nbody', author: 'Linus', time: at(3 * MIN) },
          { sha: `b${'0'.repeat(39)}`, message: 'Second\n\nbody', author: 'Linus', time: at(2 * MIN) },
        ],
        at(MIN),
        head,
      ),
    ]);
    expect(q.recentPushes('octo/lib', 1)[0]).toMatchObject({ head_sha: head, message: 'Second' });
  });

  it('lists recent deployments newest first, by project', () => {
    const all = q.recentDeployments(null, 10);
    expect(all.map((d) => [d.provider, d.project, d.state])).toEqual([
      ['vercel', 'app-web', 'created'],
      ['vercel', 'app-web', 'succeeded'],
      ['vercel', 'app-web', 'created'],
      ['github', 'octo/lib', 'succeeded'],
      ['vercel', 'app-web', 'error'],
    ]);
    expect(all[3]).toMatchObject({ environment: 'production', url: 'https://lib.example.com', commit_sha: S_LIB });
    expect(q.recentDeployments('octo/lib', 10)).toHaveLength(1);
    expect(q.recentDeployments('app-web', 2).map((d) => d.deployment_id)).toEqual(['dpl_2', 'dpl_1']);
  });

  it('reports a project\'s latest deployment and the last 24 hours by state', () => {
    expect(q.deploymentStatus('app-web')).toEqual({
      project: 'app-web',
      latest: expect.objectContaining({ deployment_id: 'dpl_2', state: 'created', environment: null }),
      last_24h: { created: 2, succeeded: 1 },
    });
    expect(q.deploymentStatus('nothing')).toEqual({ project: 'nothing', latest: null, last_24h: {} });
  });

  it('correlates a full SHA with its push and the deployment that went created -> succeeded', () => {
    const created = at(2 * HOUR - 10 * MIN);
    const c = q.correlate(S_C2);
    expect(c.commit_sha).toBe(S_C2);
    expect(c.push).toEqual({ repo: 'octo/app', branch: 'main', pusher: 'ada', head_sha: S_C2, at: iso(at(2 * HOUR)), event_id: expect.any(Number), verified: true });
    expect(c.commit).toEqual({ sha: S_C2, repo: 'octo/app', message: 'Fix typo', author: 'Grace Hopper', at: iso(at(2 * HOUR)), verified: true });
    expect(c.deployments.map((d) => [d.state, d.duration_ms, d.started_at, d.at])).toEqual([
      ['created', null, iso(created), iso(created)],
      ['succeeded', 42_000, iso(created), iso(created + 42_000)],
    ]);
    expect(c.verdict).toBe('abcd222 was pushed to main in octo/app by ada and deployed to production (succeeded, 42 s) at https://app-web-abc.vercel.app');
  });

  it('matches upper-case SHAs and 4-character prefixes', () => {
    expect(q.correlate(S_C2.toUpperCase()).commit_sha).toBe(S_C2);
    const cafe = q.correlate('CAFE');
    expect(cafe.commit_sha).toBe(S_C3);
    expect(cafe.commit?.message).toBe('Try caching');
    expect(cafe.deployments).toEqual([]);
    expect(cafe.verdict).toBe('cafe333 was pushed to feature/x in octo/app by grace but no deployment seen yet');
    expect(q.correlate(' d00d ').verdict).toBe(
      'd00d444 was pushed to main in octo/lib by linus and deployed to production (succeeded) at https://lib.example.com',
    );
  });

  it('says so when a prefix is ambiguous, and shows the newest', () => {
    const c = q.correlate('abcd');
    expect(c.commit_sha).toBe(S_C2);
    expect(c.verdict).toBe(
      'abcd is ambiguous: it matches 2 commits (abcd22222222, abcd11111111); showing the newest. abcd222 was pushed to main in octo/app by ada and deployed to production (succeeded, 42 s) at https://app-web-abc.vercel.app',
    );
    // The older one, by a longer prefix, was carried by the same push but is not its head.
    const older = q.correlate('abcd1');
    expect(older.push?.head_sha).toBe(S_C2);
    expect(older.deployments).toEqual([]);
  });

  it('reports deployments without a push, and nothing at all', () => {
    expect(q.correlate('beef').verdict).toBe('beef666 was deployed to preview (created) at https://app-web-abc.vercel.app; no push of it was seen');
    expect(q.correlate('0123abc')).toEqual({
      commit_sha: '0123abc',
      push: null,
      commit: null,
      deployments: [],
      verdict: 'no push or deployment seen for 0123abc',
    });
  });

  it('rejects SHAs that are too short or not hex', () => {
    for (const bad of ['abc', '', 'xyz1', 'abcd-1234', 'a'.repeat(65)]) {
      expect(() => q.correlate(bad)).toThrow(QueryError);
    }
    expect(() => q.correlate('abc')).toThrow(/prefix of at least 4 hex digits/);
  });

  it('builds prefix ranges that stop exactly at the prefix', () => {
    expect(shaRange('ABCF')).toEqual({ prefix: 'abcf', lo: 'abcf', hi: 'abcg' });
    expect(shaRange('abc9').hi).toBe('abc:');
    // The range is a plain index search, never a scan.
    const plan = reader
      .prepare('EXPLAIN QUERY PLAN SELECT sha FROM gh_commits WHERE sha >= ? AND sha < ?')
      .all('abcd', 'abce') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX gh_commits_by_sha/);
  });
});

describe('channels', () => {
  it('counts MCP channels and every source', () => {
    expect(q.channelStats()).toEqual({
      channels: [
        { channel: 'alerts', count: 2, last_at: iso(at(10 * MIN)) },
        { channel: 'deploys', count: 1, last_at: iso(at(2 * HOUR)) },
      ],
      sources: [
        { source: 'mcp', count: 3, last_at: iso(at(10 * MIN)) },
        { source: 'stripe', count: 9, last_at: iso(at(20 * MIN)) },
        { source: 'vercel', count: 4, last_at: iso(at(30 * MIN)) },
        { source: 'github', count: 12, last_at: iso(at(HOUR - MIN)) },
        { source: 'gh-work', count: 1, last_at: iso(at(50 * HOUR)) },
      ],
    });
  });
});

describe('the connection', () => {
  it('works on a read-only connection, which refuses writes', () => {
    expect(() => reader.prepare('DELETE FROM events').run()).toThrow(/readonly/);
    expect(q.trackedRepos().length).toBeGreaterThan(0);
  });
});

describe('derived rows from unsigned deliveries', () => {
  const unsigned = (item: IngestItem): IngestItem => ({ ...item, verified: false });
  const S_FORGED = `f0f0${'7'.repeat(36)}`;

  beforeEach(() => {
    store.append([
      unsigned(
        stripe(
          'checkout.session.completed',
          { id: 'cs_forged', object: 'checkout.session', amount_total: 99900, currency: 'usd', customer: 'cus_x', customer_email: 'ceo@victim-corp.example', payment_status: 'paid' },
          at(10 * MIN),
        ),
      ),
      unsigned(vercel('deployment.error', 'dpl_forged', S_FORGED, 'production', at(9 * MIN))),
      unsigned(push('octo/app', 'main', 'mallory', [{ sha: S_FORGED, message: 'Forged', author: 'Mallory', time: at(8 * MIN) }], at(8 * MIN))),
      unsigned(pullRequest('octo/app', 'opened', 66, 'open', false, at(7 * MIN))),
    ]);
  });

  it('marks the Stripe action, the summary and its amounts as unverified, and the signed ones as verified', () => {
    const actions = q.actions('pending', 10);
    expect(actions[0]).toMatchObject({ customer_email: 'ceo@victim-corp.example', amount: 999, verified: false });
    expect(actions.slice(1).every((a) => a.verified)).toBe(true);
    const summary = q.stripeSummary(24);
    expect(summary).toMatchObject({ unverified_events: 1, unverified_pending_actions: 1, pending_actions: 6 });
    expect(summary.amounts).toContainEqual({ currency: 'usd', type: 'checkout.session.completed', total: 1073.5, unverified: 999 });
  });

  it('marks the deployment, the push, its commit and the PR event, and says so in the verdict', () => {
    expect(q.recentDeployments(null, 1)[0]).toMatchObject({ deployment_id: 'dpl_forged', verified: false });
    expect(q.deploymentStatus('app-web').latest).toMatchObject({ deployment_id: 'dpl_forged', verified: false });
    expect(q.recentPushes(null, 1)[0]).toMatchObject({ pusher: 'mallory', verified: false });
    expect(q.recentPushes(null, 2)[1]).toMatchObject({ verified: true });
    const commits = q.summarizeCommits('octo/app', 24);
    expect(commits.unverified_pushes).toBe(1);
    expect(commits.recent_messages[0]).toMatchObject({ message: 'Forged', verified: false });
    expect(q.prActivity('octo/app', 24).by_action.opened![0]).toMatchObject({ number: 66, verified: false });
    expect(q.trackedRepos()[0]).toMatchObject({ repo: 'octo/app', unverified_events: 2 });
    const c = q.correlate(S_FORGED);
    expect(c.push?.verified).toBe(false);
    expect(c.commit?.verified).toBe(false);
    expect(c.deployments.map((d) => d.verified)).toEqual([false]);
    expect(c.verdict).toMatch(/\[UNVERIFIED: the push and the deployment report came from a source without a signing secret\]$/);
  });
});
