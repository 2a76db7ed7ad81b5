// Which events notify, on events made by the core's own providers from real payloads
// (@octokit/webhooks-examples, Stripe's and Vercel's event shapes), and how bursts collapse.
import examples from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import { providerFor } from '../../../src/main/core/webhooks/providers';
import {
  EMPTY_BURST,
  flush,
  notificationVerdict,
  receive,
  summaryNotice,
  SUMMARY_COOLDOWN_MS,
  typeMatches,
} from '../../../src/main/shell/notification-rules';
import type { BurstState, Notice } from '../../../src/main/shell/notification-rules';
import { DEFAULT_NOTIFICATION_PREFS } from '../../../src/shared/ipc';
import type { NotificationPrefs } from '../../../src/shared/ipc';
import type { EventRecord } from '../../../src/shared/events';

let nextId = 1;
function record(source: string, payload: unknown, headers: Record<string, string> = {}, verified = true): EventRecord {
  const body = Buffer.from(JSON.stringify(payload));
  const n = providerFor(source).normalize({ source, headers, body, contentType: 'application/json', now: Date.now() }, payload);
  return {
    id: nextId++,
    source,
    type: n.type,
    received_at: new Date().toISOString(),
    occurred_at: null,
    subject: n.subject,
    summary: n.summary,
    verified,
    delivery_id: n.deliveryId ?? 'x',
    fields: n.fields,
  };
}

type Example = Record<string, unknown> & { action?: string };
const example = (name: string, pick: (e: Example) => boolean = () => true) =>
  structuredClone((examples.find((d) => d.name === name)!.examples as Example[]).find(pick)!);
const github = (name: string, payload: unknown, verified = true) => record('github', payload, { 'x-github-event': name, 'x-github-delivery': 'd' }, verified);

const prOpened = github('pull_request', example('pull_request', (e) => e.action === 'opened'));
const prClosed = github('pull_request', example('pull_request', (e) => e.action === 'closed'));
const deployStatus = (state: string) => {
  const p = example('deployment_status');
  (p.deployment_status as Record<string, unknown>).state = state;
  return github('deployment_status', p);
};
const push = github('push', example('push'));
const stripe = (type: string) => record('stripe', { id: `evt_${type}`, object: 'event', type, data: { object: { id: 'in_1', customer_email: 'bob@example.com', amount_due: 1999, currency: 'eur' } } });
const vercel = (type: string) =>
  record('vercel', { id: `evt_${type}`, type, createdAt: Date.now(), payload: { deployment: { id: 'dpl_1', url: 'app-x.vercel.app', name: 'app' }, project: { id: 'prj_1' }, target: 'production' } });
const generic = record('acme', { kind: 'order.created' }, { 'webhook-id': 'msg_1' });

const prefs = (patch: Partial<NotificationPrefs> = {}): NotificationPrefs => ({ ...DEFAULT_NOTIFICATION_PREFS, ...patch });

describe('the default rules', () => {
  it.each<[string, EventRecord, NotificationPrefs, string | null]>([
    ['Stripe invoice.payment_failed notifies', stripe('invoice.payment_failed'), prefs(), 'Stripe: payment failed'],
    ['Stripe invoice.paid does not', stripe('invoice.paid'), prefs(), null],
    ['Vercel deployment.error notifies', vercel('deployment.error'), prefs(), 'Vercel: deployment failed'],
    ['Vercel deployment.succeeded does not', vercel('deployment.succeeded'), prefs(), null],
    ['GitHub deployment_status failure notifies', deployStatus('failure'), prefs(), 'GitHub: deployment failed'],
    ['GitHub deployment_status error notifies', deployStatus('error'), prefs(), 'GitHub: deployment failed'],
    ['GitHub deployment_status success does not', deployStatus('success'), prefs(), null],
    ['a pull request opened notifies (every repo tracked by default)', prOpened, prefs(), 'Pull request opened on Codertocat/Hello-World'],
    ['on a tracked repo (any case)', prOpened, prefs({ trackedRepos: ['codertocat/hello-world'] }), 'Pull request opened on Codertocat/Hello-World'],
    ['not on an untracked repo', prOpened, prefs({ trackedRepos: ['octo/other'] }), null],
    ['a pull request closed does not', prClosed, prefs(), null],
    ['a push does not', push, prefs(), null],
    ['a generic source does not', generic, prefs(), null],
    ['a default turned off stops it', stripe('invoice.payment_failed'), prefs({ defaults: { ...DEFAULT_NOTIFICATION_PREFS.defaults, stripePaymentFailed: false } }), null],
    ['deployments turned off', deployStatus('failure'), prefs({ defaults: { ...DEFAULT_NOTIFICATION_PREFS.defaults, deploymentFailed: false } }), null],
    ['pull requests turned off', prOpened, prefs({ defaults: { ...DEFAULT_NOTIFICATION_PREFS.defaults, pullRequestOpened: false } }), null],
  ])('%s', (_name, event, p, title) => {
    const v = notificationVerdict(event, p);
    expect(v.notify ? v.title : null).toBe(title);
  });
});

describe('pausing, muting and person-made rules', () => {
  it.each<[string, EventRecord, NotificationPrefs, boolean]>([
    ['paused: nothing', stripe('invoice.payment_failed'), prefs({ paused: true }), false],
    ['a muted source: nothing', stripe('invoice.payment_failed'), prefs({ mutedSources: ['stripe'] }), false],
    ['a muted source beats a rule', stripe('charge.refunded'), prefs({ mutedSources: ['stripe'], rules: [{ source: 'stripe', type: '*', notify: true }] }), false],
    ['a rule adds a type', stripe('charge.refunded'), prefs({ rules: [{ source: 'stripe', type: 'charge.refunded', notify: true }] }), true],
    ['a prefix rule', stripe('charge.dispute.created'), prefs({ rules: [{ source: 'stripe', type: 'charge.*', notify: true }] }), true],
    ['a rule for every source', generic, prefs({ rules: [{ source: '*', type: '*', notify: true }] }), true],
    ['a rule silences a default', deployStatus('failure'), prefs({ rules: [{ source: 'github', type: 'deployment_status.*', notify: false }] }), false],
    ['the first matching rule wins', stripe('invoice.payment_failed'), prefs({ rules: [{ source: 'stripe', type: 'invoice.*', notify: false }, { source: '*', type: '*', notify: true }] }), false],
    ['a rule for another source leaves the default', stripe('invoice.payment_failed'), prefs({ rules: [{ source: 'github', type: '*', notify: false }] }), true],
  ])('%s', (_name, event, p, notify) => {
    expect(notificationVerdict(event, p).notify).toBe(notify);
  });

  it.each([
    ['*', 'anything', true],
    ['deployment.*', 'deployment.error', true],
    ['deployment.*', 'deployment', false],
    ['deployment.*', 'deployments.x', false],
    ['invoice.paid', 'invoice.paid', true],
    ['invoice.paid', 'invoice.paid.extra', false],
  ])('type pattern %j matches %j: %s', (pattern, type, matches) => {
    expect(typeMatches(pattern, type)).toBe(matches);
  });
});

describe('notices', () => {
  it('says an event came unsigned, and keeps webhook text to one short line', () => {
    const e = { ...stripe('invoice.payment_failed'), verified: false, summary: `line one\nline two ${'x'.repeat(300)}` };
    let s: BurstState = receive(EMPTY_BURST, e, prefs(), 0).state;
    const out = flush(s, prefs(), 2_000);
    s = out.state;
    expect(out.notices).toHaveLength(1);
    const [notice] = out.notices as [Notice];
    expect(notice.title).toBe('Stripe: payment failed');
    expect(notice.body.startsWith('Unverified: line one line two')).toBe(true);
    expect(notice.body).not.toMatch(/\n/);
    expect(notice.body.length).toBeLessThanOrEqual(180 + 'Unverified: '.length);
    expect(notice.eventId).toBe(e.id);
  });

  it('counts a summary per source, most first', () => {
    const events = [stripe('invoice.payment_failed'), prOpened, stripe('invoice.payment_failed'), deployStatus('error'), vercel('deployment.error')];
    expect(summaryNotice(events)).toEqual({ title: 'Tidings', body: '5 new events: 2 github, 2 stripe, 1 vercel', eventId: null });
  });
});

describe('bursts', () => {
  const p = prefs({ burst: { max: 3, windowMs: 2_000 } });
  const failed = () => stripe('invoice.payment_failed');

  function feed(events: EventRecord[], start: BurstState = EMPTY_BURST, at = 0) {
    let s = start;
    const delays: Array<number | null> = [];
    for (const e of events) {
      const r = receive(s, e, p, at);
      s = r.state;
      delays.push(r.flushInMs);
    }
    return { state: s, delays };
  }

  it('ignores events that do not notify, without opening a batch', () => {
    const { state, delays } = feed([push, prClosed, generic]);
    expect(state.batch).toEqual([]);
    expect(delays).toEqual([null, null, null]);
  });

  it('opens a batch on the first notable event and shows up to max one by one', () => {
    const events = [failed(), push, failed(), failed()];
    const { state, delays } = feed(events);
    expect(delays).toEqual([2_000, null, null, null]);
    const out = flush(state, p, 2_000);
    expect(out.notices.map((n) => n.eventId)).toEqual([events[0]!.id, events[2]!.id, events[3]!.id]);
    expect(out.state).toEqual(EMPTY_BURST);
  });

  it('collapses more than max into one notice that opens the list, then holds the next batch for the cooldown', () => {
    const { state } = feed([failed(), failed(), failed(), failed(), prOpened]);
    const out = flush(state, p, 2_000);
    expect(out.notices).toEqual([{ title: 'Tidings', body: '5 new events: 4 stripe, 1 github', eventId: null }]);
    expect(out.state.lastSummaryAt).toBe(2_000);
    // The flood goes on: the next batch waits out the cooldown instead of notifying every window.
    const next = receive(out.state, failed(), p, 5_000);
    expect(next.flushInMs).toBe(2_000 + SUMMARY_COOLDOWN_MS - 5_000);
    // Long after it, batches are back to the normal window.
    expect(receive(out.state, failed(), p, 2_000 + SUMMARY_COOLDOWN_MS + 1).flushInMs).toBe(2_000);
  });

  it('shows nothing when paused before the batch closes, and applies rules as they are at flush time', () => {
    const { state } = feed([failed(), prOpened]);
    expect(flush(state, { ...p, paused: true }, 2_000).notices).toEqual([]);
    const muted = flush(state, { ...p, mutedSources: ['stripe'] }, 2_000);
    expect(muted.notices.map((n) => n.eventId)).toEqual([prOpened.id]);
  });

  it('has nothing to flush on an empty batch', () => {
    expect(flush(EMPTY_BURST, p, 0)).toEqual({ state: EMPTY_BURST, notices: [] });
  });
});
