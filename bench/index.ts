// `npm run bench`: every benchmark in one run, printing the measured numbers and the
// ratios the issues set as targets. BENCH_SECONDS sets the length of each load phase.
import fs from 'node:fs';
import path from 'node:path';
import { benchDisk, benchIngest } from './ingest';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rows: Array<[string, string, string]> = [];
const report: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, seconds };
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

const ingest = await benchIngest(seconds);
report.ingest = ingest;
rows.push(['ingest, no storage (50 senders)', `${fmt(ingest.nostore.perSecond, 0)} ev/s, p50 ${fmt(ingest.nostore.p50)} ms, p99 ${fmt(ingest.nostore.p99)} ms`, 'baseline']);
rows.push(['ingest, durable (50 senders)', `${fmt(ingest.durable.perSecond, 0)} ev/s, p50 ${fmt(ingest.durable.p50)} ms, p99 ${fmt(ingest.durable.p99)} ms, errors ${ingest.durable.errors}`, '']);
rows.push(['durable / no-storage throughput', `${fmt(ingest.ratio, 2)}x`, `target >= 0.8x: ${verdict(ingest.ratio >= 0.8)}`]);

const disk = await benchDisk();
report.disk = disk;
rows.push(['disk, octokit corpus', `${disk.events} events, ${fmt(disk.perEvent, 0)} B/event stored vs ${fmt(disk.rawBytes / disk.events, 0)} B raw`, '']);
rows.push(['disk / raw body bytes', `${fmt(disk.ratio, 2)}x`, `target <= 0.5x: ${verdict(disk.ratio <= 0.5)}`]);

const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`\nTidings benchmarks (${process.version}, ${seconds} s per load phase)\n\n`);
for (const [name, value, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}${note ? `  [${note}]` : ''}\n`);
const out = path.join(import.meta.dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(report, null, 2));
process.stdout.write(`\nFull results: bench/results/latest.json\n`);
