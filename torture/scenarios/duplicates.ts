// Duplicates: for each provider, 100 concurrent copies of one delivery, then 1,000
// redeliveries of a set of deliveries spread over time, re-signed the way each provider
// retries. Every delivery id is stored exactly once, every answer names the same event,
// and each Stripe event's action exists exactly once.
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import Database from 'better-sqlite3';
import { Checks, emptyCounts, request, signers, sleep, slackEvent, startCoreProcess, stripeEvent, tmpDir, vercelEvent, writeConfig } from '../lib';
import type { CoreProcess, Profile, ScenarioResult, Signed } from '../lib';

const PUSH = examples.find((g) => g.name === 'push')!.examples[0];

interface Provider {
  name: string;
  /** A new delivery (a fresh id). */
  fresh(): Promise<Signed> | Signed;
  /** The same delivery sent again, as the provider would on a retry (fresh signature time). */
  again(original: Signed, attempt: number): Promise<Signed> | Signed;
}

const PROVIDERS: Provider[] = [
  {
    name: 'github',
    fresh: () => {
      // A body of its own: GitHub deliveries are deduplicated by body as well as by id.
      const id = crypto.randomUUID();
      return signers.github({ ...PUSH, torture_delivery: id }, id);
    },
    // GitHub's "redeliver" sends the same body, the same delivery id and so the same signature.
    again: (d) => d,
  },
  {
    name: 'stripe',
    fresh: () => signers.stripe(stripeEvent('checkout.session.completed')),
    // Stripe retries the same event id, signed again with a new timestamp.
    again: (d) => signers.stripe(JSON.parse(d.body.toString()) as { id: string }),
  },
  {
    name: 'slack',
    fresh: () => signers.slack(slackEvent()),
    again: (d, attempt) => {
      const s = signers.slack(JSON.parse(d.body.toString()) as { event_id: string });
      return { ...s, headers: { ...s.headers, 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_timeout' } };
    },
  },
  {
    name: 'vercel',
    fresh: () => signers.vercel(vercelEvent()),
    again: (d) => d,
  },
  {
    name: 'standard',
    fresh: () => signers.generic({ type: 'order.created', total: 1 }),
    // Standard Webhooks: the same webhook-id, a new timestamp and signature per attempt.
    again: (d) => signers.generic(JSON.parse(d.body.toString()), d.deliveryId),
  },
];

async function send(core: CoreProcess, d: Signed, agent: http.Agent) {
  return request(`${core.runtime.ingest_url}/webhooks/${d.source}`, { headers: d.headers, body: d.body, agent });
}

export async function duplicatesScenario(profile: Profile): Promise<ScenarioResult> {
  const checks = new Checks();
  const counts = emptyCounts();
  const notes: string[] = [];
  const spreadMs = profile === 'long' ? 60_000 : 6_000;
  const distinct = 50;
  const redeliveries = 1000;
  const dataDir = tmpDir();
  writeConfig(dataDir);
  const core = await startCoreProcess(dataDir);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  const expected = new Map<string, { source: string; delivery: string; ids: Set<number> }>();
  const note = (d: Signed, id: unknown) => {
    const key = `${d.source}\u0000${d.deliveryId}`;
    const entry = expected.get(key) ?? { source: d.source, delivery: d.deliveryId, ids: new Set<number>() };
    if (typeof id === 'number') entry.ids.add(id);
    expected.set(key, entry);
  };
  try {
    for (const p of PROVIDERS) {
      // 100 identical copies at once.
      const one = await p.fresh();
      const replies = await Promise.all(Array.from({ length: 100 }, () => send(core, one, agent)));
      counts.sent += replies.length;
      const ok = replies.filter((r) => r.status === 200);
      counts.acknowledged += ok.length;
      for (const r of ok) note(one, r.json?.id);
      const received = ok.filter((r) => r.json?.status === 'received').length;
      checks.check(`${p.name}: 100 concurrent copies all answered 200`, ok.length === 100, `${ok.length} of 100; statuses ${[...new Set(replies.map((r) => r.status))].join(',')}`);
      checks.check(`${p.name}: exactly one copy stored as new, 99 answered duplicate`, received === 1, `${received} "received"`);
    }

    // Then, for all providers at once, 1,000 redeliveries of 50 deliveries at random moments.
    await Promise.all(
      PROVIDERS.map(async (p) => {
        const originals = await Promise.all(Array.from({ length: distinct }, () => p.fresh()));
        const schedule = Array.from({ length: redeliveries }, (_, i) => ({ d: originals[i % distinct]!, at: Math.random() * spreadMs, attempt: Math.floor(i / distinct) + 1 }));
        const t0 = Date.now();
        await Promise.all(
          schedule.map(async (s) => {
            await sleep(Math.max(0, t0 + s.at - Date.now()));
            const again = await p.again(s.d, s.attempt);
            const r = await send(core, again, agent);
            counts.sent++;
            if (r.status === 200) {
              counts.acknowledged++;
              note(again, r.json?.id);
            } else checks.check(`${p.name}: a redelivery was refused`, false, `${r.status} ${r.text.slice(0, 200)}`);
          }),
        );
      }),
    );

    const db = new Database(path.join(dataDir, 'tidings.db'), { readonly: true });
    try {
      const row = db.prepare<[string, string], { n: number; id: number }>('SELECT count(*) AS n, min(id) AS id FROM events WHERE source = ? AND delivery_id = ?');
      let lost = 0;
      let duplicated = 0;
      let split = 0;
      for (const e of expected.values()) {
        const r = row.get(e.source, e.delivery)!;
        if (r.n === 0) lost++;
        if (r.n > 1) duplicated += r.n - 1;
        if (e.ids.size !== 1 || !e.ids.has(r.id)) split++;
      }
      counts.stored = (db.prepare("SELECT count(*) AS n FROM events WHERE source != 'tidings'").get() as { n: number }).n;
      counts.lost = lost;
      counts.duplicated = duplicated;
      checks.check('every delivery id stored exactly once', lost === 0 && duplicated === 0, `${lost} lost, ${duplicated} extra rows over ${expected.size} delivery ids`);
      checks.check('every answer for a delivery named the same stored event', split === 0, `${split} delivery ids with answers naming other ids`);
      checks.check('stored rows equal distinct delivery ids', counts.stored === expected.size, `${counts.stored} rows, ${expected.size} ids`);
      const actions = db
        .prepare(
          "SELECT (SELECT count(*) FROM events WHERE source = 'stripe') AS events, (SELECT count(*) FROM stripe_actions) AS actions, (SELECT count(*) FROM (SELECT 1 FROM stripe_actions GROUP BY stripe_event, action_type HAVING count(*) > 1)) AS doubled",
        )
        .get() as { events: number; actions: number; doubled: number };
      checks.check('one Stripe action per Stripe event, none doubled', actions.events === actions.actions && actions.doubled === 0, JSON.stringify(actions));
    } finally {
      db.close();
    }
    notes.push(`${PROVIDERS.length} providers × (100 concurrent copies + ${redeliveries} redeliveries of ${distinct} deliveries over ${spreadMs / 1000} s); redeliveries re-signed as each provider retries (Stripe, Slack and Standard Webhooks with fresh timestamps, Slack with X-Slack-Retry-Num)`);
  } finally {
    agent.destroy();
    await core.stop();
  }
  return { name: 'duplicates (concurrent and spread redeliveries)', pass: checks.ok, counts, notes, checks: checks.list };
}
