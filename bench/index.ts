// `npm run bench`: every benchmark in one run, printing the measured numbers and the
// ratios the issues set as targets. BENCH_SECONDS sets the length of each load phase.
import fs from 'node:fs';
import path from 'node:path';
import { benchDisk, benchIngest } from './ingest';
import { benchRecentEvents, benchToolMemory, benchWakeLatency } from './mcp';
import { benchDashboard } from './dashboard';
import { benchOutbound } from './outbound';
import { countAbortSignalWarnings } from '../test/helpers/load-tools';

countAbortSignalWarnings('bench');

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rows: Array<[string, string, string]> = [];
const report: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, seconds };
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

const ingestEnabled = !process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'ingest';
if (ingestEnabled) {
const ingest = await benchIngest(seconds);
report.ingest = ingest;
rows.push(['ingest, no storage (50 senders)', `${fmt(ingest.nostore.perSecond, 0)} ev/s, p50 ${fmt(ingest.nostore.p50)} ms, p99 ${fmt(ingest.nostore.p99)} ms`, 'baseline']);
rows.push(['ingest, durable (50 senders)', `${fmt(ingest.durable.perSecond, 0)} ev/s, p50 ${fmt(ingest.durable.p50)} ms, p99 ${fmt(ingest.durable.p99)} ms, errors ${ingest.durable.errors}`, '']);
rows.push(['durable / no-storage throughput', `${fmt(ingest.ratio, 2)}x`, `target >= 0.8x: ${verdict(ingest.ratio >= 0.8)}`]);

const disk = await benchDisk();
report.disk = disk;
rows.push(['disk, octokit corpus', `${disk.events} events, ${fmt(disk.perEvent, 0)} B/event stored vs ${fmt(disk.rawBytes / disk.events, 0)} B raw`, '']);
rows.push(['disk / raw body bytes', `${fmt(disk.ratio, 2)}x`, `target <= 0.5x: ${verdict(disk.ratio <= 0.5)}`]);
}

const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=mcp to skip the others
if (!only || only === 'mcp') {
  const wake = await benchWakeLatency();
  report.wake = wake;
  rows.push(['webhook 200 -> wait_for_event result', `p50 ${fmt(wake.wait.p50, 2)} ms, p99 ${fmt(wake.wait.p99, 2)} ms (n=${wake.wait.n})`, `target p99 <= 10 ms: ${verdict(wake.wait.p99 <= 10)}`]);
  rows.push(['webhook 200 -> resources/updated', `p50 ${fmt(wake.update.p50, 2)} ms, p99 ${fmt(wake.update.p99, 2)} ms`, `target p99 <= 10 ms: ${verdict(wake.update.p99 <= 10)}`]);

  const recent = await benchRecentEvents(Number(process.env.BENCH_EVENTS ?? 1_000_000));
  report.recent = recent;
  rows.push([`get_recent_events, ${recent.events} stored, SDK client`, `p50 ${fmt(recent.all.p50, 2)} ms, p99 ${fmt(recent.all.p99, 2)} ms; by source+type p99 ${fmt(recent.filtered.p99, 2)} ms`, `target p99 <= 5 ms: ${verdict(Math.max(recent.all.p99, recent.filtered.p99) <= 5)}`]);
  rows.push([`get_recent_events, ${recent.events} stored, lean HTTP client`, `p50 ${fmt(recent.lean.p50, 2)} ms, p99 ${fmt(recent.lean.p99, 2)} ms`, `target p99 <= 5 ms: ${verdict(recent.lean.p99 <= 5)}`]);

  const memory = await benchToolMemory();
  report.memory = memory;
  rows.push(['core RSS after 10k / 100k tool calls', `${fmt(memory.rss_mb[0]!)} MiB / ${fmt(memory.rss_mb[1]!)} MiB (${fmt(memory.perSecond, 0)} calls/s)`, `growth ${fmt(memory.growth, 2)}x, target <= 1.2x: ${verdict(memory.growth <= 1.2)}`]);
}

if (!only || only === 'dashboard') {
  const ui = await benchDashboard();
  report.dashboard = ui;
  rows.push([`dashboard, ${ui.events} stored events`, `first rows after ${fmt(ui.first_rows_ms, 0)} ms (first contentful paint ${fmt(ui.first_contentful_paint_ms, 0)} ms), ${ui.rows_in_dom} rows in the DOM`, '']);
  rows.push([`dashboard while ${fmt(ui.stream_rate, 0)} events/s stream in`, `${fmt(ui.fps, 0)} fps, frame p50 ${fmt(ui.frame_p50_ms)} ms, p99 ${fmt(ui.frame_p99_ms)} ms, ${ui.long_frames} frames over 50 ms`, '']);
}

if (!only || only === 'outbound') {
  const outbound = await benchOutbound(seconds);
  report.outbound = outbound;
  const { baseline, push, forward } = outbound;
  rows.push(['receiver alone, bare keep-alive client', `${fmt(baseline.one.perSecond, 0)} req/s (1 connection), ${fmt(baseline.four.perSecond, 0)} req/s (4 connections)`, 'baseline']);
  rows.push(['push -> 1 target (one in-order lane)', `${fmt(push.one.perSecond, 0)} deliveries/s (${push.one.delivered} drained in ${fmt(push.one.drain_seconds, 2)} s)`, `${fmt(push.ratio_one, 2)}x baseline, 1 connection`]);
  rows.push(['push -> 4 targets (parallel lanes)', `${fmt(push.four.perSecond, 0)} deliveries/s (${push.four.delivered} drained in ${fmt(push.four.drain_seconds, 2)} s)`, `${fmt(push.ratio_four, 2)}x baseline, 4 connections`]);
  rows.push([`ingest -> forward at ${fmt(forward.steady.rate, 0)} webhooks/s`, `p50 ${fmt(forward.steady.p50, 2)} ms, p99 ${fmt(forward.steady.p99, 2)} ms, max ${fmt(forward.steady.max, 2)} ms (n=${forward.steady.n}; ingest 200 p50 ${fmt(forward.steady.ack_p50, 2)} ms)`, '']);
  rows.push(['ingest -> forward, unthrottled burst', `${fmt(forward.burst.perSecond, 0)} forwards/s (ingest ${fmt(forward.burst.ingest_per_second, 0)} ev/s; backlog of ${fmt(forward.burst.lag_seconds, 2)} s drained at ${fmt(forward.burst.drain_per_second, 0)}/s)`, `drain ${fmt(forward.ratio_drain, 2)}x baseline, 1 connection`]);
}

const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`\nTidings benchmarks (${process.version}, ${seconds} s per load phase)\n\n`);
for (const [name, value, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}${note ? `  [${note}]` : ''}\n`);
const out = path.join(import.meta.dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(report, null, 2));
process.stdout.write(`\nFull results: bench/results/latest.json\n`);
