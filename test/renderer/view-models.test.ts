import { describe, expect, it } from 'vitest';
import type { ActionInfo, ClientStatusInfo, DeploymentInfo, HealthInfo, PushInfo, SourceInfo } from '../../src/shared/api';
import { colorIndex, niceCeiling, stackHourly } from '../../src/renderer/lib/chart';
import {
  acceptsUnverified,
  describeSecret,
  pasteHint,
  providerFor,
  secretEnvName,
  secretValueError,
  sourceList,
  sourceNameError,
  urlFor,
} from '../../src/renderer/lib/sources';
import { deploymentForPush, deploymentsBySha, distinct, latestPerDeployment, sameCommit, stateTone } from '../../src/renderer/lib/deployments';
import { clientView, maskToken } from '../../src/renderer/lib/clients';
import { actionLabel, customerLabel, replaceAction, verbsFor } from '../../src/renderer/lib/actions';
import { healthView } from '../../src/renderer/lib/health';
import { isTypingTarget, moveTab, viewShortcut } from '../../src/renderer/lib/keys';
import { isUnverified, unverifiedNotice } from '../../src/renderer/lib/unverified';

describe('hourly chart', () => {
  const info = {
    hours: ['2025-01-01T10:00:00Z', '2025-01-01T11:00:00Z', '2025-01-01T12:00:00Z'],
    series: [
      { source: 'stripe', counts: [1, 0, 2] },
      { source: 'github', counts: [3, 0, 4] },
      { source: 'slack', counts: [0, 0, 0] },
    ],
  };
  it('stacks sources per hour, busiest source at the bottom, silent ones left out', () => {
    const s = stackHourly(info);
    expect(s.sources).toEqual(['github', 'stripe']);
    expect(s.max).toBe(6);
    expect(s.total).toBe(10);
    expect(s.bars[0]!.segments).toEqual([
      { source: 'github', count: 3, y0: 0, y1: 3 },
      { source: 'stripe', count: 1, y0: 3, y1: 4 },
    ]);
    expect(s.bars[1]!.segments).toEqual([]);
  });
  it('rounds the scale up', () => {
    expect([0, 1, 3, 6, 11, 49, 51, 999].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 50, 100, 1000]);
  });
  it('gives each source a stable color', () => {
    expect(colorIndex('github')).toBe(0);
    expect(colorIndex('my-app')).toBe(colorIndex('my-app'));
    expect(colorIndex('my-app')).toBeGreaterThanOrEqual(4);
    expect(colorIndex('my-app')).toBeLessThan(8);
  });
});

const src = (source: string, patch: Partial<SourceInfo> = {}): SourceInfo => ({
  source,
  url: `http://127.0.0.1:8787/webhooks/${source}`,
  provider: providerFor(source),
  secret: null,
  stats: null,
  rejections: [],
  ...patch,
});

describe('sources', () => {
  it('always lists the four providers first, then others by name, then custom names', () => {
    const list = sourceList([src('zeta'), src('stripe'), src('alpha')], ['my-app']);
    expect(list.map((s) => s.source)).toEqual(['github', 'stripe', 'vercel', 'slack', 'alpha', 'my-app', 'zeta']);
    const custom = list.find((s) => s.source === 'my-app')!;
    expect(custom.url).toBe('http://127.0.0.1:8787/webhooks/my-app');
    expect(custom.provider).toBe('standard');
  });
  it('has no URL to offer before the core has listed anything', () => {
    expect(urlFor('x', [])).toBeNull();
  });
  it('validates custom names like the core does', () => {
    expect(sourceNameError('my-app_2')).toBeNull();
    expect(sourceNameError('')).toMatch(/Enter/);
    expect(sourceNameError('My App')).toMatch(/lowercase/);
    expect(sourceNameError('-lead')).toMatch(/starting/);
    expect(sourceNameError('a'.repeat(65))).toMatch(/64/);
  });
  it('describes secrets by count and fingerprint, never by value', () => {
    expect(describeSecret(null)).toBe('No secret');
    const secret = { source: 'github', count: 3, fingerprints: ['a1b2c3d4', 'e5f6a7b8', '01234567'], origin: 'store' as const, updated_at: null };
    expect(describeSecret(secret)).toBe('3 secrets · a1b2c3d4, e5f6a7b8, …');
    expect(describeSecret({ ...secret, count: 1, fingerprints: ['a1b2c3d4'] })).toBe('1 secret · a1b2c3d4');
    expect(acceptsUnverified(src('github'))).toBe(true);
    expect(acceptsUnverified(src('github', { secret }))).toBe(false);
  });
  it('says where to paste each URL and where env secrets live', () => {
    expect(pasteHint('github')).toMatch(/Settings → Webhooks/);
    expect(pasteHint('stripe')).toMatch(/Developers → Webhooks/);
    expect(pasteHint('vercel')).toMatch(/Project → Settings → Webhooks/);
    expect(pasteHint('slack')).toMatch(/Event Subscriptions/);
    expect(pasteHint('standard')).toMatch(/Standard Webhooks/);
    expect(secretEnvName('my-app')).toBe('TIDINGS_SECRET_MY_APP');
  });
  it('checks secret length before sending', () => {
    expect(secretValueError('short')).toMatch(/at least 8/);
    expect(secretValueError('long-enough')).toBeNull();
  });
});

const dep = (patch: Partial<DeploymentInfo>): DeploymentInfo => ({
  event_id: 1,
  provider: 'vercel',
  project: 'site',
  deployment_id: 'dpl_1',
  url: 'site.vercel.app',
  state: 'building',
  environment: 'production',
  commit_sha: 'abcdef1234567890',
  duration_ms: null,
  started_at: null,
  at: '2025-01-01T10:00:00.000Z',
  verified: true,
  ...patch,
});
const push = (head_sha: string | null): PushInfo => ({
  event_id: 9,
  repo: 'octo/site',
  branch: 'main',
  head_sha,
  pusher: 'ada',
  commit_count: 1,
  message: 'fix',
  at: '2025-01-01T09:59:00.000Z',
  verified: true,
});

describe('deployments', () => {
  it('reads states as tones', () => {
    expect(['succeeded', 'error', 'building', 'queued', 'canceled', 'weird'].map(stateTone)).toEqual(['ok', 'bad', 'busy', 'busy', 'neutral', 'warn']);
  });
  it('matches full and abbreviated SHAs, but not too-short ones', () => {
    expect(sameCommit('ABCDEF1234', 'abcdef1234')).toBe(true);
    expect(sameCommit('abcdef1', 'abcdef1234')).toBe(true);
    expect(sameCommit('abcdef', 'abcdef1234')).toBe(false);
    expect(sameCommit(null, 'abc')).toBe(false);
  });
  it('keeps the newest row of each deployment', () => {
    const rows = [dep({ event_id: 3, state: 'succeeded' }), dep({ event_id: 2, state: 'building' }), dep({ event_id: 1, deployment_id: null })];
    expect(latestPerDeployment(rows).map((d) => d.event_id)).toEqual([3, 1]);
  });
  it("finds the deployment of a push's head commit (newest state wins)", () => {
    const bySha = deploymentsBySha([
      dep({ event_id: 2, state: 'succeeded', at: '2025-01-01T10:01:00.000Z' }),
      dep({ event_id: 1, state: 'building' }),
    ]);
    expect(deploymentForPush(push('abcdef1234567890'), bySha)?.state).toBe('succeeded');
    expect(deploymentForPush(push('ABCDEF1'), bySha)?.state).toBe('succeeded');
    expect(deploymentForPush(push('0000000000'), bySha)).toBeNull();
    expect(deploymentForPush(push(null), bySha)).toBeNull();
  });
  it('lists distinct names for filters', () => {
    expect(distinct(['b', null, 'a', 'b'])).toEqual(['a', 'b']);
  });
});

const client = (patch: Partial<ClientStatusInfo>): ClientStatusInfo => ({
  client: 'cursor',
  name: 'Cursor',
  path: '/home/u/.cursor/mcp.json',
  exists: true,
  connected: false,
  entryMatches: false,
  problem: null,
  ...patch,
});

describe('assistant cards', () => {
  it.each([
    [{ connected: true, entryMatches: true }, 'connected', 'Connected'],
    [{}, 'not-connected', 'Not connected'],
    [{ exists: false }, 'not-connected', 'Not connected'],
    [{ connected: true, entryMatches: false }, 'problem', 'Needs update'],
    [{ problem: 'mcp.json is not valid JSON' }, 'problem', 'Problem'],
  ] as const)('%o reads %s', (patch, state, label) => {
    const v = clientView(client(patch));
    expect(v.state).toBe(state);
    expect(v.label).toBe(label);
  });
  it('offers only the button that applies', () => {
    expect(clientView(client({ connected: true, entryMatches: true }))).toMatchObject({ canConnect: false, canDisconnect: true });
    expect(clientView(client({}))).toMatchObject({ canConnect: true, canDisconnect: false });
  });
  it('masks the token but keeps its last characters recognisable', () => {
    expect(maskToken('abcdefghijklmnop')).toBe('••••••••••••mnop');
    expect(maskToken('abcdefghijklmnop')).not.toContain('abcd');
    expect(maskToken('abc')).toBe('••••••••');
  });
});

const action = (patch: Partial<ActionInfo>): ActionInfo => ({
  id: 1,
  action_type: 'send_welcome_email',
  status: 'pending',
  customer_id: 'cus_1',
  customer_email: 'grace@example.com',
  amount: 99,
  currency: 'usd',
  plan: null,
  stripe_event: 'evt_1',
  event_id: 5,
  created_at: '2025-01-01T10:00:00.000Z',
  updated_at: '2025-01-01T10:00:00.000Z',
  age_seconds: 60,
  last_note: null,
  last_actor: null,
  verified: true,
  ...patch,
});

describe('Stripe actions', () => {
  it('names each kind of action', () => {
    expect(actionLabel('send_welcome_email')).toBe('Welcome email');
    expect(actionLabel('send_payment_failed_email')).toBe('Payment failed');
    expect(actionLabel('send_churn_survey')).toBe('Churn survey');
    expect(actionLabel('send_thank_you')).toBe('thank you');
  });
  it('names the customer by whatever is known', () => {
    expect(customerLabel(action({}))).toBe('grace@example.com (cus_1)');
    expect(customerLabel(action({ customer_email: null }))).toBe('cus_1');
    expect(customerLabel(action({ customer_email: null, customer_id: null }))).toBe('unknown customer');
  });
  it('offers Complete/Dismiss while pending and Reopen after', () => {
    expect(verbsFor('pending')).toEqual(['complete', 'dismiss']);
    expect(verbsFor('completed')).toEqual(['reopen']);
    expect(verbsFor('dismissed')).toEqual(['reopen']);
  });
  it('drops a changed action from a list it no longer belongs to', () => {
    const list = [action({ id: 1 }), action({ id: 2 })];
    expect(replaceAction(list, action({ id: 1, status: 'completed' }), 'pending').map((a) => a.id)).toEqual([2]);
    expect(replaceAction(list, action({ id: 1, status: 'completed' }), 'all')[0]!.status).toBe('completed');
  });
});

const health = (patch: Partial<HealthInfo>): HealthInfo => ({
  status: 'ok',
  version: '0.1.0',
  pid: 1,
  started_at: '',
  uptime_s: 1,
  data_dir: '/tmp/x',
  ingest_url: '',
  control_url: '',
  events: 0,
  last_event_id: 0,
  db_bytes: 0,
  rss_bytes: 0,
  store_problem: null,
  store_warning: null,
  secrets_backend: 'file',
  commits: { batches: 0, committed: 0, queued: 0 },
  outbound: { targets: 0, enabled: 0, pending: 0, dead: 0 },
  public_url: { mode: 'off', state: 'off', url: null, reachable: null, checked_at: null, error: null },
  heap_bytes: 0,
  external_bytes: 0,
  writer_heap_bytes: 0,
  ...patch,
});

describe('health badge', () => {
  it('reads ok, degraded with the problem, or unreachable', () => {
    expect(healthView(health({}), null)).toMatchObject({ tone: 'ok', label: 'OK' });
    expect(
      healthView(health({ status: 'degraded', store_problem: { code: 'SQLITE_FULL', message: 'the disk is full', since: '' } }), null),
    ).toMatchObject({ tone: 'bad', label: 'Degraded', detail: 'the disk is full' });
    expect(healthView(health({ status: 'degraded', store_warning: 'database was corrupt; moved aside' }), null).detail).toMatch(/corrupt/);
    expect(healthView(null, 'Cannot reach')).toMatchObject({ label: 'Unreachable', detail: 'Cannot reach' });
    expect(healthView(null, null).label).toBe('Checking…');
  });
});

describe('keyboard', () => {
  const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });
  it('switches views with 1–5 but not with modifiers or other digits', () => {
    expect(viewShortcut(k('3'), 5)).toBe(3);
    expect(viewShortcut(k('6'), 5)).toBeNull();
    expect(viewShortcut(k('3', { ctrlKey: true }), 5)).toBeNull();
    expect(viewShortcut(k('a'), 5)).toBeNull();
  });
  it('does not steal keys from text fields', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'password' })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'radio' })).toBe(false);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
  it('moves through the nav with arrows, wrapping', () => {
    expect(moveTab('ArrowDown', 4, 5)).toBe(0);
    expect(moveTab('ArrowUp', 0, 5)).toBe(4);
    expect(moveTab('End', 1, 5)).toBe(4);
    expect(moveTab('x', 1, 5)).toBeNull();
  });
});

describe('unverified derived rows', () => {
  it('flags actions, pushes and deployments whose webhook was unsigned, and only those', () => {
    expect(isUnverified(action({ verified: false }))).toBe(true);
    expect(isUnverified(action({}))).toBe(false);
    expect(isUnverified({ ...push('abc'), verified: false })).toBe(true);
    expect(isUnverified(dep({ verified: false }))).toBe(true);
    expect(isUnverified(dep({}))).toBe(false);
  });
  it('puts no notice over a list whose rows were all signed', () => {
    expect(unverifiedNotice([action({}), action({ id: 2 })], 'action', 'actions', 'Stripe')).toBeNull();
    expect(unverifiedNotice([], 'action', 'actions', 'Stripe')).toBeNull();
  });
  it('counts the unsigned rows and says which secret would fix it', () => {
    const one = unverifiedNotice([action({ verified: false }), action({ id: 2 })], 'action', 'actions', 'Stripe');
    expect(one).toMatch(/^1 action here came from unsigned webhooks/);
    expect(one).toContain('Add a Stripe secret under Sources');
    const two = unverifiedNotice([{ ...push('a'), verified: false }, { ...push('b'), verified: false }], 'push', 'pushes', 'GitHub');
    expect(two).toMatch(/^2 pushes here came/);
  });
});
