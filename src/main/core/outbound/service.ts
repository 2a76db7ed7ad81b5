// Outbound delivery as the rest of the core sees it: targets managed by a person (API, CLI,
// dashboard), messages pushed by an assistant, the delivery log, and "retry now". Writes go
// to the writer thread; the dispatcher is woken after each.
import crypto from 'node:crypto';
import type { PushResult, TargetCreate, TargetInfo, TargetUpdate } from '../../../shared/outbound';
import { maskTargetUrl, targetCreateSchema } from '../../../shared/outbound';
import type { Logger } from '../logger';
import type { EventStore, IngestItem, AppendResult } from '../store/event-store';
import { checkTargetUrl } from './address';
import { createDispatcher } from './dispatcher';
import type { RetryPolicy } from './policy';
import { createOutboundReads } from './reads';
import { createSender } from './send';
import type { TargetRow } from './writes';
import type Database from 'better-sqlite3';

export class OutboundError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundOptions {
  db: Database.Database;
  store: EventStore;
  write: <T>(op: string, args: unknown) => Promise<T>;
  /** Stores an event of Tidings' own (a target was disabled), so it notifies like any other. */
  ingest: (item: IngestItem) => Promise<AppendResult>;
  logger: Logger;
  policy: RetryPolicy;
  timeoutMs: number;
  userAgent: string;
  /** Tests stand in a resolver to play a DNS name that points at a private address. */
  resolve?: (host: string) => Promise<string[]>;
  onChange?: () => void;
}

/** The event Tidings stores when it disables a target, so that a notification says so. */
export function targetDisabledItem(target: { name: string; url: string }, reason: string, now = Date.now()): IngestItem {
  const summary = `Outbound target ${target.name} was disabled: ${reason}`;
  // Events reach assistants and the event list, so the URL is masked as in target lists.
  const url = maskTargetUrl(target.url);
  const fields = { target: target.name, url, reason };
  return {
    source: 'tidings',
    provider: 'tidings',
    verified: true,
    contentType: 'application/json',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ type: 'target.disabled', ...fields, at: new Date(now).toISOString() })),
    event: { type: 'target.disabled', subject: target.name, summary, occurredAt: now, deliveryId: `tidings:${crypto.randomUUID()}`, fields },
    searchText: `${summary} ${url}`,
    receivedAt: now,
  };
}

export function createOutbound(o: OutboundOptions) {
  const reads = createOutboundReads(o.db);
  const sender = createSender({ userAgent: o.userAgent, ...(o.resolve ? { resolve: o.resolve } : {}) });
  const dispatcher = createDispatcher({
    reads,
    store: o.store,
    write: o.write,
    sender,
    policy: o.policy,
    timeoutMs: o.timeoutMs,
    logger: o.logger,
    ...(o.onChange ? { onChange: o.onChange } : {}),
    onTargetDisabled: (target, reason) => {
      o.onChange?.();
      o.ingest(targetDisabledItem(target, reason)).catch((err: unknown) =>
        o.logger.warn('could not store the target-disabled notice', { error: String(err) }),
      );
    },
  });

  const find = (nameOrId: string | number): TargetRow => {
    const row = typeof nameOrId === 'number' || /^\d+$/.test(nameOrId) ? reads.target(Number(nameOrId)) : reads.targetByName(nameOrId);
    if (!row) throw new OutboundError(404, `there is no target "${nameOrId}"; list them with GET /api/targets or \`tidings targets list\``);
    return row;
  };
  const refuseUnsafe = async (url: string, allowPrivate: boolean) => {
    const problem = await checkTargetUrl(url, allowPrivate, o.resolve);
    if (problem) throw new OutboundError(400, problem);
  };

  const prunePeriod = setInterval(() => {
    void o
      .write('outbound.prune', { before: Date.now() - 30 * 24 * 3600_000, limit: 5000 })
      .catch((err: unknown) => o.logger.warn('could not prune old deliveries', { error: String(err) }));
  }, 3600_000);
  prunePeriod.unref();

  return {
    reads,
    dispatcher,
    start: () => dispatcher.start(),
    targets: (): TargetInfo[] => reads.targets(),
    target: (nameOrId: string | number): TargetInfo => reads.info(find(nameOrId)),
    /** The signing secret, for the person setting up the receiver. Never shown to an assistant. */
    secret: (nameOrId: string | number): { target: TargetInfo; secret: string } => {
      const row = find(nameOrId);
      return { target: reads.info(row), secret: row.secret };
    },

    async create(input: TargetCreate): Promise<{ target: TargetInfo; secret: string }> {
      const spec = targetCreateSchema.parse(input);
      if (reads.targetByName(spec.name)) throw new OutboundError(409, `a target named "${spec.name}" already exists; pick another name or update it`);
      await refuseUnsafe(spec.url, spec.allow_private ?? false);
      const row = await o.write<TargetRow>('target.create', {
        name: spec.name,
        url: spec.url,
        mode: spec.mode,
        sources: spec.sources ?? [],
        types: spec.types ?? [],
        allow_private: spec.allow_private ?? false,
        enabled: spec.enabled ?? true,
        now: Date.now(),
      });
      dispatcher.refresh();
      o.onChange?.();
      return { target: reads.info(row), secret: row.secret };
    },

    async update(nameOrId: string | number, changes: TargetUpdate): Promise<{ target: TargetInfo; secret?: string }> {
      const current = find(nameOrId);
      if (changes.url !== undefined || changes.allow_private !== undefined) {
        await refuseUnsafe(changes.url ?? current.url, changes.allow_private ?? current.allow_private === 1);
      }
      const row = await o.write<TargetRow | null>('target.update', { id: current.id, changes, now: Date.now() });
      if (!row) throw new OutboundError(404, `target "${nameOrId}" was removed meanwhile`);
      dispatcher.refresh();
      o.onChange?.();
      return changes.rotate_secret ? { target: reads.info(row), secret: row.secret } : { target: reads.info(row) };
    },

    async remove(nameOrId: string | number): Promise<TargetInfo> {
      const row = find(nameOrId);
      const info = reads.info(row);
      await o.write('target.remove', row.id);
      dispatcher.refresh();
      o.onChange?.();
      return info;
    },

    /** Queue a message for every enabled push target. Durable before this returns. */
    async push(message: string): Promise<PushResult> {
      const r = await o.write<{ id: string; timestamp: string; deliveries: number[]; targets: number[]; total: number }>('outbound.push', { message, now: Date.now() });
      dispatcher.nudge(r.targets);
      o.onChange?.();
      return { status: 'queued', id: r.id, message, timestamp: r.timestamp, webhooks_notified: r.deliveries.length, total_webhooks: r.total, deliveries: r.deliveries };
    },

    /** "Retry now": one delivery, every dead or waiting one of a target, or all of them. */
    async retry(scope: { id?: number; target?: string | number }): Promise<number> {
      const target = scope.target !== undefined ? find(scope.target) : null;
      const delivery = scope.id !== undefined ? reads.delivery(scope.id) : null;
      if (scope.id !== undefined && !delivery) throw new OutboundError(404, `there is no delivery ${scope.id}`);
      const n = await o.write<number>('outbound.retry', { id: scope.id ?? null, target_id: target?.id ?? null, now: Date.now() });
      dispatcher.restart(target?.id ?? delivery?.target_id);
      o.onChange?.();
      return n;
    },

    /** Wake the lanes after events were committed (forwards and subscription matches). */
    nudge: () => dispatcher.nudge(),
    stats: () => dispatcher.stats(),
    async close() {
      clearInterval(prunePeriod);
      await dispatcher.close();
      sender.close();
    },
  };
}

export type Outbound = ReturnType<typeof createOutbound>;
