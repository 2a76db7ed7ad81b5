// The tray's picture of a real core: history first, then live events (newest five, unseen
// counted only while nobody looks at the window), health and sources, and a core that stops.
import { afterEach, describe, expect, it } from 'vitest';
import { coreStatus, followCore, mergeRecent } from '../../../src/main/shell/follow-core';
import { ownedLink } from '../../../src/main/shell/core-link';
import type { TrayEvent, TrayState } from '../../../src/main/shell/tray-view-model';
import { DEFAULT_NOTIFICATION_PREFS } from '../../../src/shared/ipc';
import type { EventRecord } from '../../../src/shared/events';
import { post, startTestCore } from '../../helpers/core';
import { startProxy } from '../../helpers/proxy';

const ev = (id: number): TrayEvent => ({ id, source: 's', type: 't', summary: `e${id}`, verified: true });
const stops: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

describe('mergeRecent', () => {
  it.each([
    [[], [ev(1)], [1]],
    [[ev(9), ev(8)], [ev(3), ev(2)], [9, 8, 3, 2]],
    [[ev(9)], [ev(9), ev(7)], [9, 7]],
    [[ev(1), ev(2), ev(3)], [ev(4), ev(5), ev(6), ev(7)], [7, 6, 5, 4, 3]],
  ])('%j + %j', (a, b, ids) => {
    expect(mergeRecent(a, b).map((e) => e.id)).toEqual(ids);
  });
});

describe('coreStatus', () => {
  const link = { mode: 'attached' as const, runtime: { ingest_url: 'http://127.0.0.1:8787' } as never };
  it('maps an unreachable core, and a degraded one with its reason', () => {
    expect(coreStatus(new Error('fetch failed'), link)).toEqual({ status: 'unreachable', detail: 'fetch failed', attached: true, ingestUrl: 'http://127.0.0.1:8787' });
    const degraded = { status: 'degraded', store_problem: { code: 'SQLITE_FULL', message: 'disk full', since: '' }, store_warning: null } as never;
    expect(coreStatus(degraded, link)).toMatchObject({ status: 'degraded', detail: 'disk full' });
  });
});

describe('followCore', () => {
  it('fills the tray from a real core and keeps it current', async () => {
    const core = await startTestCore();
    stops.push(() => core.close());
    for (let i = 0; i < 6; i++) await post(`${core.ingestUrl}/webhooks/acme`, `{"i":${i}}`, { 'webhook-id': `old-${i}` });
    let state = { unseen: 0, recent: [], sources: [], core: { status: 'starting', detail: null, attached: false, ingestUrl: null } } as unknown as TrayState;
    let watching = false;
    const notified: EventRecord[] = [];
    const stop = await followCore({
      link: ownedLink(core),
      update: (patch) => (state = { ...state, ...patch }),
      current: () => state,
      watching: () => watching,
      onEvent: (e) => notified.push(e),
      alsoRefresh: () => ({ notifications: DEFAULT_NOTIFICATION_PREFS }),
    });
    stops.push(stop);
    expect(state.core).toEqual({ status: 'ok', detail: null, attached: false, ingestUrl: core.ingestUrl });
    expect(state.sources.map((s) => s.source)).toEqual(expect.arrayContaining(['github', 'acme']));
    expect(state.recent).toHaveLength(5);
    expect(state.unseen).toBe(0);

    const sent = await post(`${core.ingestUrl}/webhooks/acme`, '{"new":1}', { 'webhook-id': 'new-1' });
    await waitFor(() => notified.length === 1);
    expect(state.recent[0]!.id).toBe(sent.body.id);
    expect(state.unseen).toBe(1);
    watching = true;
    await post(`${core.ingestUrl}/webhooks/acme`, '{"new":2}', { 'webhook-id': 'new-2' });
    await waitFor(() => notified.length === 2);
    expect(state.unseen).toBe(0);
  });
});

describe('followCore and the public URL', () => {
  it('shows the public URL in the tray and copies the public webhook URLs once it is set', async () => {
    const core = await startTestCore();
    stops.push(() => core.close());
    const proxy = await startProxy(core.runtime.ingest_port);
    stops.push(() => proxy.close());
    let state = { unseen: 0, recent: [], sources: [], publicUrl: null, core: { status: 'starting', detail: null, attached: false, ingestUrl: null } } as unknown as TrayState;
    const stop = await followCore({
      link: ownedLink(core),
      update: (patch) => (state = { ...state, ...patch }),
      current: () => state,
      watching: () => false,
      onEvent: () => {},
      healthEveryMs: 50,
    });
    stops.push(stop);
    expect(state.publicUrl).toMatchObject({ mode: 'off', url: null });
    expect(state.sources.find((s) => s.source === 'github')?.url).toBe(`${core.ingestUrl}/webhooks/github`);
    await core.tunnel.set({ mode: 'url', url: proxy.url });
    await waitFor(() => state.sources.find((s) => s.source === 'github')?.url === `${proxy.url}/webhooks/github`);
    expect(state.publicUrl).toMatchObject({ mode: 'url', state: 'online', url: proxy.url, reachable: true });
  });
});

async function waitFor(fn: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
