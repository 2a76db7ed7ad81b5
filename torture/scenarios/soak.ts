// Soak: mixed load for a long time (30 minutes in the long profile): signed webhooks from
// three providers, MCP queries, an MCP client following every event, MCP sessions opened
// and closed, an SSE client, forwarding to a local server and pushed messages. The core's
// RSS and open files are sampled throughout and their slope over the second half reported;
// at the end every acknowledged event must have reached every consumer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import Database from 'better-sqlite3';
import { api, Checks, emptyCounts, figuresOnceSettled, followWithMcp, healthySse, largest, processFigures, request, signers, sleep, slope, startCoreProcess, stripeEvent, tmpDir, writeConfig } from '../lib';
import type { CoreProcess, Profile, ScenarioResult, Signed } from '../lib';

const PUSH = examples.find((g) => g.name === 'push')!.examples[0];

async function startSink() {
  const forwarded = new Set<number>();
  const pushed = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event = Number(req.headers['x-tidings-event-id']);
      if (Number.isFinite(event) && event > 0) forwarded.add(event);
      else {
        try {
          pushed.add((JSON.parse(Buffer.concat(chunks).toString()) as { message: string }).message);
        } catch {
          // not a push
        }
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, forwarded, pushed, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function delivery(i: number): Promise<Signed> {
  const k = i % 4;
  if (k === 0 || k === 1) {
    const id = `soak-${i}-${process.hrtime.bigint()}`;
    // A body of its own: GitHub deliveries are deduplicated by body as well as by id.
    return signers.github({ ...PUSH, torture_delivery: id }, id);
  }
  if (k === 2) return signers.stripe(stripeEvent(i % 8 === 2 ? 'checkout.session.completed' : 'payment_intent.succeeded'));
  return signers.generic({ type: 'order.created', order: i });
}

type Sample = { t: number; rssMiB: number; fds: number; heapMiB: number; externalMiB: number; writerHeapMiB: number };

/** The highest value of each figure in each whole minute (the last, partial minute too). */
function minutePeaks(samples: Sample[]): Sample[] {
  const byMinute = new Map<number, Sample>();
  for (const s of samples) {
    const m = Math.floor(s.t);
    const peak = byMinute.get(m) ?? { ...s };
    for (const key of Object.keys(s) as Array<keyof Sample>) peak[key] = Math.max(peak[key], s[key]);
    peak.t = m + 0.5;
    byMinute.set(m, peak);
  }
  return [...byMinute.values()];
}

export async function soakScenario(profile: Profile): Promise<ScenarioResult> {
  const seconds = Number(process.env.TORTURE_SOAK_SECONDS ?? (profile === 'long' ? 1800 : 40));
  const sampleEvery = 2_000;
  const ratePerSecond = 100;
  const checks = new Checks();
  const counts = emptyCounts();
  const dataDir = tmpDir();
  writeConfig(dataDir);
  const core: CoreProcess = await startCoreProcess(dataDir);
  const sink = await startSink();
  const idle = processFigures(core.child.pid!); // before any client or target connects
  await api(core, 'POST', '/api/targets', { name: 'soak-forward', url: `${sink.url}/forward`, mode: 'forward', sources: ['github', 'stripe', 'orders'], allow_private: true });
  await api(core, 'POST', '/api/targets', { name: 'soak-push', url: `${sink.url}/push`, mode: 'push', allow_private: true });
  const sse = healthySse(core);
  const follower = await followWithMcp(core);
  const auth = { authorization: `Bearer ${core.token}` };
  const mcpUrl = new URL('/mcp', core.runtime.control_url);
  const querier = new Client({ name: 'torture-soak-queries', version: '1' });
  await querier.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: auth } }));

  const samples: Sample[] = [];
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  const acked: number[] = [];
  /** Answers other than 200 with an id, by status and the start of the body (or the error). */
  const refused = new Map<string, number>();
  const pushedMessages: string[] = [];
  let queries = 0;
  let queryErrors = 0;
  let sessions = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  const ingestLoop = async () => {
    let i = 0;
    while (Date.now() < end) {
      const due = t0 + (i / ratePerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      const d = await delivery(i++);
      void request(`${core.runtime.ingest_url}/webhooks/${d.source}`, { headers: d.headers, body: d.body, agent }).then((r) => {
        counts.sent++;
        if (r.status === 200 && typeof r.json?.id === 'number') acked.push(r.json.id);
        else {
          const key = `${r.status} ${r.text.slice(0, 120)}`;
          refused.set(key, (refused.get(key) ?? 0) + 1);
        }
      });
    }
  };
  const queryLoop = async () => {
    const calls = [
      { name: 'get_recent_events', arguments: { limit: 20 } },
      { name: 'get_event_sources', arguments: {} },
      { name: 'search_events', arguments: { query: 'push' } },
      { name: 'get_pending_actions', arguments: {} },
      { name: 'health_check', arguments: {} },
      { name: 'list_webhook_targets', arguments: {} },
    ];
    let i = 0;
    while (Date.now() < end) {
      try {
        await querier.callTool(calls[i++ % calls.length]!);
        queries++;
      } catch {
        queryErrors++;
      }
      await sleep(50);
    }
  };
  const sessionLoop = async () => {
    while (Date.now() < end) {
      const c = new Client({ name: 'torture-soak-churn', version: '1' });
      const transport = new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: auth } });
      await c.connect(transport);
      await c.callTool({ name: 'get_recent_events', arguments: { limit: 5 } });
      // Half end their session as the protocol asks; half just vanish, as many clients do.
      if (sessions % 2 === 0) await transport.terminateSession();
      await c.close();
      sessions++;
      await sleep(1000);
    }
  };
  const pushLoop = async () => {
    let n = 0;
    while (Date.now() < end) {
      const message = `soak push ${n++}`;
      const r = await api(core, 'POST', '/api/push', { message });
      if (r.status === 200) pushedMessages.push(message);
      await sleep(1000);
    }
  };
  const sampleLoop = async () => {
    while (Date.now() < end) {
      const f = processFigures(core.child.pid!);
      const h = (await api(core, 'GET', '/api/health')).json as { heap_bytes?: number; external_bytes?: number; writer_heap_bytes?: number } | null;
      const mib = (n: number | undefined) => Math.round(((n ?? NaN) / 1024 / 1024) * 10) / 10;
      samples.push({ t: (Date.now() - t0) / 60_000, ...f, heapMiB: mib(h?.heap_bytes), externalMiB: mib(h?.external_bytes), writerHeapMiB: mib(h?.writer_heap_bytes) });
      await sleep(sampleEvery);
    }
  };
  await Promise.all([ingestLoop(), queryLoop(), sessionLoop(), pushLoop(), sampleLoop()]);
  await sleep(500); // the last acknowledgements
  counts.acknowledged = acked.length;

  // Let every consumer catch up.
  const last = largest(acked);
  const deadline = Date.now() + 60_000;
  const caughtUp = () => sse.ids.has(last) && follower.ids.has(last) && acked.every((id) => sink.forwarded.has(id)) && pushedMessages.every((m) => sink.pushed.has(m));
  while (!caughtUp() && Date.now() < deadline) await sleep(250);
  await follower.stop();
  sse.close();
  await querier.close();
  agent.destroy();

  // Every client is gone; the core's own keep-alive sockets to the sink close when the sink
  // times them out. What is still open beyond the idle count was left behind.
  const settled = await figuresOnceSettled(core.child.pid!, idle.fds);

  const db = new Database(path.join(dataDir, 'tidings.db'), { readonly: true });
  const stored = new Set((db.prepare("SELECT id FROM events WHERE source != 'tidings'").all() as Array<{ id: number }>).map((r) => r.id));
  db.close();
  counts.stored = stored.size;
  counts.lost = acked.filter((id) => !stored.has(id)).length;
  const missing = (set: Set<number>) => acked.filter((id) => !set.has(id)).length;
  // RSS saws up and down by tens of MiB as V8 grows its heap and gives pages back, so a
  // line through raw samples is mostly noise. The peak of each minute is what a leak moves:
  // the slope is fitted to those peaks over the second half (the first half is warm-up).
  // A run of a few minutes has too few peaks for a line: it falls back to every sample.
  const minutes = minutePeaks(samples);
  const points = minutes.length >= 6 ? minutes : samples;
  const half = points.filter((m) => m.t >= points.at(-1)!.t / 2);
  const rssSlope = slope(half.map((m) => [m.t, m.rssMiB]));
  const fdSlope = slope(half.map((m) => [m.t, m.fds]));
  const heapSlope = slope(half.map((m) => [m.t, m.heapMiB]));
  const writerHeapSlope = slope(half.map((m) => [m.t, m.writerHeapMiB]));
  const rawRssSlope = slope(samples.filter((s) => s.t >= samples.at(-1)!.t / 2).map((s) => [s.t, s.rssMiB]));
  const first = samples[0]!;
  const lastSample = samples.at(-1)!;

  checks.check('every acknowledged event is stored', counts.lost === 0, `${counts.lost} of ${acked.length} missing`);
  checks.check('the SSE client saw every event', missing(sse.ids) === 0, `${missing(sse.ids)} missing`);
  checks.check('the MCP follower (replay_events + wait_for_event) saw every event', missing(follower.ids) === 0, `${missing(follower.ids)} missing; ${follower.errors()} call errors`);
  checks.check('the forward target received every event', missing(sink.forwarded) === 0, `${missing(sink.forwarded)} missing`);
  checks.check('the push target received every pushed message', pushedMessages.every((m) => sink.pushed.has(m)), `${pushedMessages.filter((m) => !sink.pushed.has(m)).length} of ${pushedMessages.length} missing`);
  checks.check('MCP queries answered without errors', queryErrors === 0, `${queryErrors} errors in ${queries} calls`);
  if (profile === 'long') {
    // Flat: at this slope the second half grows RSS by less than a MiB a minute.
    checks.check('RSS flat over the second half (slope of the minute peaks under 1 MiB/min)', rssSlope < 1, `${rssSlope.toFixed(2)} MiB/min`);
    checks.check('open files flat over the second half (slope of the minute peaks under 0.5/min)', fdSlope < 0.5, `${fdSlope.toFixed(2)} fds/min`);
  }
  checks.check('no file handles left behind once the load and every client are gone', settled.fds <= idle.fds, `${idle.fds} before any client, up to ${largest(minutes.map((m) => m.fds))} under load, ${settled.fds} after`);
  await core.stop();
  await sink.close();
  return {
    name: `soak (${seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${seconds} s`} mixed load)`,
    pass: checks.ok,
    counts,
    memory: {
      rss_first_mib: first.rssMiB,
      rss_last_mib: lastSample.rssMiB,
      rss_slope_mib_per_min: Number(rssSlope.toFixed(2)),
      heap_last_mib: lastSample.heapMiB,
      heap_slope_mib_per_min: Number(heapSlope.toFixed(2)),
      writer_heap_last_mib: lastSample.writerHeapMiB,
      writer_heap_slope_mib_per_min: Number(writerHeapSlope.toFixed(2)),
      fds_first: first.fds,
      fds_last: lastSample.fds,
      fds_idle: idle.fds,
      fds_after: settled.fds,
      fds_slope_per_min: Number(fdSlope.toFixed(2)),
    },
    notes: [
      `${seconds} s: ${ratePerSecond} signed webhooks/s (GitHub, Stripe, Standard Webhooks), ${queries} MCP queries, ${sessions} MCP sessions opened and closed, a follower, an SSE client, forwarding of every event and a push each second`,
      `sampled every ${sampleEvery / 1000} s (${samples.length} samples); peak of each minute: RSS ${minutes.map((m) => Math.round(m.rssMiB)).join(', ')} MiB`,
      `peak JS heap in use each minute: ${minutes.map((m) => Math.round(m.heapMiB)).join(', ')} MiB; outside the heap (buffers): ${minutes.map((m) => Math.round(m.externalMiB)).join(', ')} MiB`,
      `peak JS heap of the store's writer thread each minute: ${minutes.map((m) => Math.round(m.writerHeapMiB)).join(', ')} MiB (slope over the second half ${writerHeapSlope.toFixed(2)} MiB/min)`,
      `webhooks not acknowledged: ${refused.size === 0 ? 'none' : [...refused].map(([k, n]) => `${n} × ${k}`).join('; ')}`,
      `peak open files each minute: ${minutes.map((m) => m.fds).join(', ')}`,
      `RSS slope over the second half: ${rssSlope.toFixed(2)} MiB/min through the ${points === minutes ? 'minute peaks' : 'samples (too few minutes for peaks)'}, ${rawRssSlope.toFixed(2)} MiB/min through every sample`,
      ...(profile === 'long' ? [] : ['short profile: too brief for a slope to mean anything (the heap is still warming up); flatness is judged in the long profile']),
    ],
    checks: checks.list,
  };
}
