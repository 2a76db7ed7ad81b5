// Clock skew: Stripe, Slack and Standard Webhooks senders whose clocks are 299 s and 301 s
// off, ahead and behind. Inside the five-minute tolerance is accepted and stored; outside
// is refused with 401 and a sentence naming the skew, and nothing is stored.
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Checks, emptyCounts, request, signers, slackEvent, startCoreProcess, stripeEvent, tmpDir, writeConfig } from '../lib';
import type { Profile, ScenarioResult, Signed } from '../lib';

const SENDERS: Array<{ name: string; make: (offsetSec: number) => Signed }> = [
  { name: 'stripe', make: (o) => signers.stripe(stripeEvent('payment_intent.succeeded'), Math.floor(Date.now() / 1000) + o) },
  { name: 'slack', make: (o) => signers.slack(slackEvent(), Math.floor(Date.now() / 1000) + o) },
  { name: 'standard', make: (o) => signers.generic({ type: 'order.created' }, `msg_${crypto.randomUUID()}`, new Date(Date.now() + o * 1000)) },
];

export async function skewScenario(_profile: Profile): Promise<ScenarioResult> {
  const checks = new Checks();
  const counts = emptyCounts();
  const dataDir = tmpDir();
  writeConfig(dataDir);
  const core = await startCoreProcess(dataDir);
  const accepted: Signed[] = [];
  try {
    for (const s of SENDERS) {
      for (const offset of [-301, -299, 299, 301]) {
        const d = s.make(offset);
        const r = await request(`${core.runtime.ingest_url}/webhooks/${d.source}`, { headers: d.headers, body: d.body });
        counts.sent++;
        const inside = Math.abs(offset) < 300;
        if (inside) {
          checks.check(`${s.name} ${offset > 0 ? '+' : ''}${offset} s: accepted`, r.status === 200, `${r.status} ${r.text.slice(0, 200)}`);
          if (r.status === 200) {
            counts.acknowledged++;
            accepted.push(d);
          }
        } else {
          const error = String(r.json?.error ?? '');
          checks.check(`${s.name} ${offset > 0 ? '+' : ''}${offset} s: refused with 401 and a reason`, r.status === 401 && /timestamp|old|future|tolerance/i.test(error), `${r.status} ${error}`);
        }
      }
    }
    const db = new Database(path.join(dataDir, 'tidings.db'), { readonly: true });
    try {
      const find = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM events WHERE source = ? AND delivery_id = ?');
      counts.stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      counts.lost = accepted.filter((d) => find.get(d.source, d.deliveryId)!.n !== 1).length;
      checks.check('only the accepted deliveries are stored', counts.stored === accepted.length && counts.lost === 0, `${counts.stored} stored, ${accepted.length} accepted`);
    } finally {
      db.close();
    }
  } finally {
    await core.stop();
  }
  return {
    name: 'clock skew (±299 s, ±301 s)',
    pass: checks.ok,
    counts,
    notes: ['Stripe (Stripe-Signature t=), Slack (X-Slack-Request-Timestamp) and Standard Webhooks (webhook-timestamp), each 299 s and 301 s behind and ahead'],
    checks: checks.list,
  };
}
