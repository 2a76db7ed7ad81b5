// Stripe action status changes on a real SQLite file: actions created by real Stripe
// events (through stripeProvider), then completed, dismissed and reopened.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/main/core/store/open-db';
import { createEventStore } from '../../../../src/main/core/store/event-store';
import type { IngestItem } from '../../../../src/main/core/store/event-store';
import { ActionError, createActionWrites } from '../../../../src/main/core/store/actions';
import type { ActionWrites } from '../../../../src/main/core/store/actions';
import { createDomainQueries } from '../../../../src/main/core/domain/queries';
import { stripeProvider } from '../../../../src/main/core/webhooks/stripe';
import { searchText } from '../../../../src/main/core/webhooks/search-text';
import type { IncomingDelivery } from '../../../../src/main/core/webhooks/types';
import { tempDir } from '../../../helpers/core';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function stripeItem(id: string, type: string, object: Record<string, unknown>, receivedAt: number): IngestItem {
  const body = Buffer.from(JSON.stringify({ id, object: 'event', created: receivedAt / 1000, type, data: { object } }, null, 2));
  const headers = { 'content-type': 'application/json' };
  const delivery: IncomingDelivery = { source: 'stripe', headers, body, contentType: 'application/json', now: receivedAt };
  const payload = stripeProvider.parse(delivery);
  const event = stripeProvider.normalize(delivery, payload);
  return {
    source: 'stripe',
    provider: 'stripe',
    verified: true,
    contentType: 'application/json',
    headers,
    body,
    event,
    searchText: searchText(event.summary, event.subject, event.type, payload),
    receivedAt,
  };
}

let db: Database.Database;
let clock: number;
let writes: ActionWrites;
let welcomeId: number;
let failedId: number;

beforeEach(() => {
  db = openDatabase(path.join(tempDir(), 'tidings.db')).db;
  createEventStore(db).append([
    stripeItem('evt_1', 'checkout.session.completed', {
      id: 'cs_1', object: 'checkout.session', amount_total: 4900, currency: 'usd', customer: 'cus_1', customer_email: 'ada@example.com', payment_status: 'paid',
    }, T0),
    stripeItem('evt_2', 'invoice.payment_failed', { id: 'in_1', object: 'invoice', amount_due: 1250, currency: 'usd', customer: 'cus_2' }, T0 + 1000),
  ]);
  const ids = db.prepare('SELECT id, action_type FROM stripe_actions ORDER BY id').all() as { id: number; action_type: string }[];
  welcomeId = ids.find((r) => r.action_type === 'send_welcome_email')!.id;
  failedId = ids.find((r) => r.action_type === 'send_payment_failed_email')!.id;
  clock = T0 + 60_000;
  writes = createActionWrites(db, () => clock);
});
afterEach(() => db.close());

function caught(fn: () => unknown): ActionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ActionError);
    return err as ActionError;
  }
  throw new Error('expected an ActionError');
}

function historyCount(id: number): number {
  return (db.prepare('SELECT count(*) AS n FROM stripe_action_history WHERE action_id = ?').get(id) as { n: number }).n;
}

describe('transition', () => {
  it('completes a pending action, recording who and why', () => {
    const done = writes.transition(welcomeId, 'completed', '  sent from Gmail  ', 'claude');
    expect(done).toMatchObject({
      id: welcomeId,
      action_type: 'send_welcome_email',
      status: 'completed',
      customer_email: 'ada@example.com',
      amount: 49,
      created_at: iso(T0),
      updated_at: iso(clock),
      last_note: 'sent from Gmail',
      last_actor: 'claude',
    });
    expect(done.history).toEqual([
      { status: 'pending', note: 'created from checkout.session.completed', actor: 'tidings', at: iso(T0) },
      { status: 'completed', note: 'sent from Gmail', actor: 'claude', at: iso(clock) },
    ]);
    // The other action is untouched, and a fresh reader sees the committed change.
    const reader = createDomainQueries(db, { now: () => clock });
    expect(reader.actions('pending', 10).map((a) => a.id)).toEqual([failedId]);
    expect(reader.actions('completed', 10).map((a) => a.id)).toEqual([welcomeId]);
  });

  it('refuses to complete an action twice, saying who did it and what to do', () => {
    writes.transition(welcomeId, 'completed', null, 'claude');
    const completedAt = clock;
    clock += 5000;
    const err = caught(() => writes.transition(welcomeId, 'completed', 'again', 'someone-else'));
    expect(err.code).toBe('INVALID_TRANSITION');
    expect(err.message).toBe(`action ${welcomeId} is already completed (by claude at ${iso(completedAt)}); reopen it first`);
    expect(historyCount(welcomeId)).toBe(2);
    const row = db.prepare('SELECT status, updated_at FROM stripe_actions WHERE id = ?').get(welcomeId);
    expect(row).toEqual({ status: 'completed', updated_at: completedAt });
  });

  it('refuses to dismiss a completed action until it is reopened', () => {
    writes.transition(failedId, 'completed', null, 'claude');
    const err = caught(() => writes.transition(failedId, 'dismissed', null, 'claude'));
    expect(err.code).toBe('INVALID_TRANSITION');
    expect(err.message).toMatch(/is already completed \(by claude at .+\); reopen it first before marking it dismissed$/);
  });

  it('refuses to reopen an action that is still pending', () => {
    const err = caught(() => writes.transition(welcomeId, 'pending', null, 'claude'));
    expect(err.code).toBe('INVALID_TRANSITION');
    expect(err.message).toBe(`action ${welcomeId} is already pending (since ${iso(T0)}); mark it completed or dismissed instead`);
  });

  it('answers NOT_FOUND for an unknown action', () => {
    const err = caught(() => writes.transition(99, 'completed', null, 'claude'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe('there is no action 99; list them with get_pending_actions');
    expect(caught(() => writes.transition(1.5, 'completed', null, 'claude')).code).toBe('NOT_FOUND');
  });

  it('reopens a completed action and keeps the whole history in order', () => {
    writes.transition(failedId, 'completed', 'emailed', 'claude');
    clock += 1000;
    const reopened = writes.transition(failedId, 'pending', 'customer replied', 'ada');
    expect(reopened.status).toBe('pending');
    clock += 1000;
    const dismissed = writes.transition(failedId, 'dismissed', '', 'ada');
    expect(dismissed).toMatchObject({ status: 'dismissed', last_note: null, last_actor: 'ada', updated_at: iso(clock) });
    expect(dismissed.history.map((h) => [h.status, h.actor, h.note])).toEqual([
      ['pending', 'tidings', 'created from invoice.payment_failed'],
      ['completed', 'claude', 'emailed'],
      ['pending', 'ada', 'customer replied'],
      ['dismissed', 'ada', null],
    ]);
    expect(dismissed.history.map((h) => h.at)).toEqual([iso(T0 + 1000), iso(T0 + 60_000), iso(T0 + 61_000), iso(T0 + 62_000)]);
  });

  it('rejects an unknown status or a missing actor without writing anything', () => {
    const err = caught(() => writes.transition(welcomeId, 'done' as 'completed', null, 'claude'));
    expect(err.code).toBe('INVALID_TRANSITION');
    expect(err.message).toMatch(/status must be one of pending, completed, dismissed/);
    expect(() => writes.transition(welcomeId, 'completed', null, '  ')).toThrow(/actor must be a non-empty string/);
    expect(historyCount(welcomeId)).toBe(1);
  });
});
