// Keeps the tray's picture of the core current: committed events (the recent list, the unseen
// count, notifications), the core's health every few seconds, and the sources with their
// webhook URLs. No Electron: the tray is reached through `update`, so a test can drive this
// against a real core.
import type { HealthInfo } from '../../shared/api';
import type { EventRecord } from '../../shared/events';
import type { CoreLink } from './core-link';
import { RECENT_IN_MENU } from './tray-view-model';
import type { TrayEvent, TrayState } from './tray-view-model';

export function trayEvent(e: EventRecord): TrayEvent {
  return { id: e.id, source: e.source, type: e.type, summary: e.summary, verified: e.verified };
}

/** The newest few, by id: a page fetched at start and live events may arrive in either order. */
export function mergeRecent(current: readonly TrayEvent[], incoming: readonly TrayEvent[]): TrayEvent[] {
  const byId = new Map<number, TrayEvent>();
  for (const e of [...current, ...incoming]) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, RECENT_IN_MENU);
}

export function coreStatus(health: HealthInfo | Error, link: Pick<CoreLink, 'mode' | 'runtime'>): TrayState['core'] {
  const base = { attached: link.mode === 'attached', ingestUrl: link.runtime.ingest_url };
  if (health instanceof Error) return { ...base, status: 'unreachable', detail: health.message };
  return { ...base, status: health.status, detail: health.store_problem?.message ?? health.store_warning ?? null };
}

export interface FollowOptions {
  link: CoreLink;
  update: (patch: Partial<TrayState>) => void;
  current: () => TrayState;
  /** Whether the person is looking at the window right now (then nothing is unseen). */
  watching: () => boolean;
  onEvent: (e: EventRecord) => void;
  /** Extra state refreshed with the sources (Claude Desktop's connection, say). */
  alsoRefresh?: () => Partial<TrayState>;
  healthEveryMs?: number;
  sourcesEveryMs?: number;
}

/** Start following; resolves once the first picture is in the tray, with the function that stops. */
export async function followCore(o: FollowOptions): Promise<() => void> {
  const { link } = o;
  let recent: TrayEvent[] = [];
  const unsubscribe = link.subscribe(
    (e) => {
      recent = mergeRecent(recent, [trayEvent(e)]);
      o.update({ recent, unseen: o.watching() ? 0 : o.current().unseen + 1 });
      o.onEvent(e);
    },
    (status, detail) => {
      if (status === 'reconnecting') o.update({ core: { ...o.current().core, status: 'unreachable', detail: detail ?? null } });
    },
  );
  const sources = async () => {
    const [list, links] = await Promise.all([link.client.sources().catch(() => null), link.client.links().catch(() => null)]);
    o.update({ ...(list ? { sources: list } : {}), ...(links ? { links } : {}), ...o.alsoRefresh?.() });
  };
  const health = async () => {
    const h = await link.client.health().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    const publicUrl = h instanceof Error ? o.current().publicUrl : h.public_url;
    // A new public URL changes every source's webhook URL: fetch them now, not in a minute.
    const before = o.current().publicUrl ?? null;
    const moved = !(h instanceof Error) && before !== null && before.url !== h.public_url.url;
    o.update({ core: coreStatus(h, link), publicUrl });
    if (moved) await sources();
  };
  const history = async () => {
    const page = await link.client.recentEvents(RECENT_IN_MENU).catch(() => []);
    recent = mergeRecent(recent, page.map(trayEvent));
    o.update({ recent });
  };
  await Promise.all([health(), sources(), history()]);
  const timers = [setInterval(() => void health(), o.healthEveryMs ?? 5_000), setInterval(() => void sources(), o.sourcesEveryMs ?? 60_000)];
  return () => {
    for (const t of timers) clearInterval(t);
    unsubscribe();
  };
}
