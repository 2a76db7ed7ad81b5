// Crash: SIGKILL to the core in the middle of a burst of signed webhooks from several
// senders, five times over on the same data directory. After each restart every
// acknowledged delivery is stored exactly once, the derived views agree with the events,
// Stripe actions are neither doubled nor lost, and the outbound queue drains.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import Database from 'better-sqlite3';
import { api, Checks, emptyCounts, processFigures, request, signers, sleep, startCoreProcess, stripeEvent, tmpDir, writeConfig } from '../lib';
import type { CoreProcess, Profile, ScenarioResult, Signed } from '../lib';

const PUSH = examples.find((g) => g.name === 'push')!.examples[0];
const WARM_UP_MS = 1500;

interface Trial {
  sent: number;
  acked: number;
  perSecond: number;
  burstSeconds: number;
}

/** The forward target's receiver: down during the bursts (a dev server not started yet), up after. */
async function startForwardReceiver(port = 0) {
  const seen = new Set<number>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const id = Number(req.headers['x-tidings-event-id']);
    req.resume();
    req.on('end', () => {
      if (Number.isFinite(id)) seen.add(id);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A mix like a busy afternoon: GitHub pushes, Stripe checkouts and failed invoices, orders. */
async function deliveries(n: number): Promise<Signed[]> {
  const out: Signed[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    if (k < 6) {
      const id = `crash-${process.hrtime.bigint()}-${i}`;
      // A body of its own: GitHub deliveries are deduplicated by body as well as by id.
      out.push(await signers.github({ ...PUSH, torture_delivery: id }, id));
    } else if (k < 8) out.push(signers.stripe(stripeEvent(k === 6 ? 'checkout.session.completed' : 'invoice.payment_failed')));
    else out.push(signers.generic({ type: 'order.created', order: i, total: 42 }));
  }
  return out;
}

async function burst(core: CoreProcess, seconds: number, concurrency: number, acked: Map<string, number>): Promise<Trial> {
  // Signed ahead, so the burst measures the core rather than the senders' HMACs.
  const queue = await deliveries(Math.ceil((seconds + WARM_UP_MS / 1000) * 4000));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let sent = 0;
  let ackedHere = 0;
  let stop = false;
  const started = performance.now();
  const sender = async () => {
    while (!stop && sent < queue.length) {
      const d = queue[sent++]!;
      const reply = await request(`${core.runtime.ingest_url}/webhooks/${d.source}`, { headers: d.headers, body: d.body, agent });
      if (reply.status === 200 && typeof reply.json?.id === 'number') {
        acked.set(`${d.source}\u0000${d.deliveryId}`, reply.json.id);
        ackedHere++;
      }
    }
  };
  const senders = Array.from({ length: concurrency }, sender);
  // The first moments after a start are the JIT warming up; the rate is measured after.
  await sleep(WARM_UP_MS);
  const measuredFrom = performance.now();
  const ackedBefore = ackedHere;
  await sleep(seconds * 1000);
  const window = (performance.now() - measuredFrom) / 1000;
  const ackedInWindow = ackedHere - ackedBefore;
  // Pull the plug while the senders are still sending.
  await core.kill();
  stop = true;
  await Promise.all(senders);
  agent.destroy();
  return { sent, acked: ackedHere, perSecond: ackedInWindow / window, burstSeconds: (performance.now() - started) / 1000 };
}

export async function crashScenario(profile: Profile): Promise<ScenarioResult> {
  const trials = 5;
  const seconds = profile === 'long' ? 6 : 2;
  const concurrency = 48;
  const checks = new Checks();
  const counts = emptyCounts();
  const notes: string[] = [];
  const dataDir = tmpDir();
  writeConfig(dataDir);
  // Reserve a port for the forward target, then leave it closed until the crashes are over.
  const probe = await startForwardReceiver();
  const forwardPort = probe.port;
  await probe.close();
  const acked = new Map<string, number>();
  const rates: number[] = [];
  let rssMax = 0;
  const receivers: Array<{ close(): Promise<void> }> = [];
  try {
    let core = await startCoreProcess(dataDir);
    const target = await api(core, 'POST', '/api/targets', {
      name: 'crash-forward',
      url: `http://127.0.0.1:${forwardPort}/forward`,
      mode: 'forward',
      sources: ['github', 'stripe', 'orders'],
      allow_private: true,
    });
    checks.check('forward target registered', target.status === 201, target.text.slice(0, 200));

    for (let t = 1; t <= trials; t++) {
      const trial = await burst(core, seconds, concurrency, acked);
      rates.push(trial.perSecond);
      counts.sent += trial.sent;
      notes.push(`trial ${t}: ${trial.acked} acknowledged in ${trial.burstSeconds.toFixed(1)} s, ${Math.round(trial.perSecond)}/s over the last ${seconds} s before SIGKILL`);
      core = await startCoreProcess(dataDir);
      rssMax = Math.max(rssMax, processFigures(core.child.pid!).rssMiB);
      const db = new Database(path.join(dataDir, 'tidings.db'), { readonly: true });
      try {
        const lookup = db.prepare<[string, string], { id: number }>('SELECT id FROM events WHERE source = ? AND delivery_id = ?');
        let lost = 0;
        for (const [key, id] of acked) {
          const [source, delivery] = key.split('\u0000') as [string, string];
          if (lookup.get(source, delivery)?.id !== id) lost++;
        }
        const dup = db.prepare("SELECT count(*) - count(DISTINCT source || char(0) || delivery_id) AS n FROM events WHERE source != 'tidings'").get() as { n: number };
        const pushes = db.prepare("SELECT (SELECT count(*) FROM events WHERE source = 'github' AND type = 'push') AS events, (SELECT count(*) FROM gh_pushes) AS derived").get() as { events: number; derived: number };
        const actions = db
          .prepare(
            "SELECT (SELECT count(*) FROM events WHERE source = 'stripe' AND type IN ('checkout.session.completed', 'invoice.payment_failed')) AS events, (SELECT count(*) FROM stripe_actions) AS actions, (SELECT count(*) FROM (SELECT 1 FROM stripe_actions GROUP BY stripe_event, action_type HAVING count(*) > 1)) AS doubled",
          )
          .get() as { events: number; actions: number; doubled: number };
        const stats = db.prepare('SELECT (SELECT count(*) FROM events) AS events, (SELECT sum(count) FROM source_stats) AS counted').get() as { events: number; counted: number };
        const integrity = db.pragma('quick_check', { simple: true });
        checks.check(`trial ${t}: every acknowledged delivery is stored with its id`, lost === 0, `${lost} of ${acked.size} missing`);
        checks.check(`trial ${t}: no delivery stored twice`, dup.n === 0, `${dup.n} duplicates`);
        checks.check(`trial ${t}: pushes view agrees with push events`, pushes.events === pushes.derived, `${pushes.derived} derived for ${pushes.events} events`);
        checks.check(`trial ${t}: one Stripe action per actionable event, none doubled`, actions.events === actions.actions && actions.doubled === 0, JSON.stringify(actions));
        checks.check(`trial ${t}: per-source counts agree with the events`, stats.events === stats.counted, JSON.stringify(stats));
        checks.check(`trial ${t}: database passes quick_check`, integrity === 'ok', String(integrity));
        counts.lost += lost;
        counts.duplicated += dup.n;
      } finally {
        db.close();
      }
    }
    counts.acknowledged = acked.size;

    // The outbound queue resumes: the dev server starts, and every stored event reaches it.
    const receiver = await startForwardReceiver(forwardPort);
    receivers.push(receiver);
    const drainStart = performance.now();
    const deadline = Date.now() + (profile === 'long' ? 180_000 : 90_000);
    let pending = -1;
    while (Date.now() < deadline) {
      const t = await api(core, 'GET', '/api/targets/crash-forward');
      pending = Number(t.json?.pending ?? -1);
      if (pending === 0) break;
      await sleep(250);
    }
    const db = new Database(path.join(dataDir, 'tidings.db'), { readonly: true });
    const stored = (db.prepare("SELECT id FROM events WHERE source IN ('github', 'stripe', 'orders')").all() as Array<{ id: number }>).map((r) => r.id);
    db.close();
    counts.stored = stored.length;
    const unforwarded = stored.filter((id) => !receiver.seen.has(id)).length;
    checks.check('outbound queue drained after the crashes', pending === 0, `${pending} pending`);
    checks.check('every stored event was forwarded at least once', unforwarded === 0, `${unforwarded} of ${stored.length} never arrived`);
    notes.push(`forward target down during the crashes, then started: ${pending === 0 ? `drained in ${((performance.now() - drainStart) / 1000).toFixed(1)} s, ` : ''}${receiver.seen.size} distinct events received in ${receiver.requests()} requests (repeats after a crash are allowed: at least once)`);
    const slowest = Math.min(...rates);
    notes.push(`ingest rate in the ${seconds} s before each kill (after ${WARM_UP_MS / 1000} s of warm-up): ${rates.map((r) => Math.round(r)).join(', ')} acknowledged/s (${concurrency} concurrent senders on the same machine)`);
    checks.speed(profile, 'each burst ran at 2,000 webhooks/s or more', slowest >= 2000, `slowest trial ${Math.round(slowest)}/s`);
    await core.stop();
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
  }
  return { name: 'crash (SIGKILL ×5 mid-burst)', pass: checks.ok, counts, memory: { rss_after_restart_max_mib: rssMax }, notes, checks: checks.list };
}
