// Ingest benchmarks: durable ingest against the same receiver without storage, and disk
// bytes per event for the @octokit/webhooks-examples corpus.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import { loadConfig } from '../src/main/core/config';
import { createLogger } from '../src/main/core/logger';
import { startCore } from '../src/main/core/start-core';
import { runLoad } from './load';
import type { LoadResult } from './load';
import { nodeArgsFromEnv } from '../test/helpers/load-tools';

const SECRET = 'bench-secret-0123456789';
const root = path.resolve(import.meta.dirname, '..');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-'));
}

async function startServer(mode: 'durable' | 'nostore', dataDir: string) {
  const child = spawn(process.execPath, [...nodeArgsFromEnv('BENCH_SERVER_NODE_ARGS'), '--import', 'tsx', path.join(root, 'bench', 'ingest-server.ts'), mode, dataDir, SECRET], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

function signedPush() {
  const push = examples.find((g) => g.name === 'push')!.examples[0] as object;
  return (i: number) => {
    const delivery = `bench-${process.pid}-${i}-${crypto.randomUUID()}`;
    // A body of its own, signed here: GitHub deliveries are deduplicated by body as well as by id.
    const body = Buffer.from(JSON.stringify({ ...push, bench_delivery: delivery }));
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': delivery,
        'x-hub-signature-256': `sha256=${crypto.createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
    };
  };
}

export async function benchIngest(
  seconds: number,
  concurrency = 50,
  rounds = 2,
): Promise<{ durable: LoadResult; nostore: LoadResult; ratio: number; rounds: Array<{ durable: LoadResult; nostore: LoadResult }> }> {
  // The two servers take turns, so a noisy moment on a shared machine hits both alike;
  // the ratio compares the sums over all rounds.
  const all: Array<{ durable: LoadResult; nostore: LoadResult }> = [];
  for (let round = 0; round < rounds; round++) {
    const results: Partial<Record<'durable' | 'nostore', LoadResult>> = {};
    for (const mode of ['nostore', 'durable'] as const) {
      const server = await startServer(mode, tmp());
      try {
        await runLoad({ port: server.port, path: '/webhooks/github', concurrency, seconds: 1, request: signedPush() });
        results[mode] = await runLoad({ port: server.port, path: '/webhooks/github', concurrency, seconds, request: signedPush() });
      } finally {
        server.stop();
      }
    }
    all.push({ durable: results.durable!, nostore: results.nostore! });
  }
  const pick = (mode: 'durable' | 'nostore') => all.map((r) => r[mode]).sort((a, b) => a.perSecond - b.perSecond)[Math.floor(all.length / 2)]!;
  const total = (mode: 'durable' | 'nostore') => all.reduce((n, r) => n + r[mode].requests, 0);
  return { durable: pick('durable'), nostore: pick('nostore'), ratio: total('durable') / total('nostore'), rounds: all };
}

export async function benchDisk(): Promise<{ events: number; rawBytes: number; storedBytes: number; perEvent: number; ratio: number }> {
  const dataDir = tmp();
  const config = loadConfig({ dataDir, port: 0, controlPort: 0, rateLimit: { perSecond: 1e9, burst: 1e9 } }, {});
  const core = await startCore({ config, mode: 'serve', logger: createLogger({ stderr: false }), env: {} });
  const used = async () => {
    await core.writer.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = core.db.pragma('page_size', { simple: true }) as number;
    const pages = core.db.pragma('page_count', { simple: true }) as number;
    const free = core.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  };
  const before = await used();
  let rawBytes = 0;
  let events = 0;
  for (const group of examples) {
    for (const example of group.examples) {
      const body = JSON.stringify(example);
      rawBytes += Buffer.byteLength(body);
      const res = await fetch(`${core.runtime.ingest_url}/webhooks/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': group.name, 'x-github-delivery': crypto.randomUUID() },
        body,
      });
      if (res.status !== 200) throw new Error(`disk bench: ${group.name} got ${res.status}`);
      // A few examples repeat byte for byte; those are stored once (GitHub bodies are deduplicated).
      if (((await res.json()) as { status: string }).status === 'received') events++;
      else rawBytes -= Buffer.byteLength(body);
    }
  }
  const storedBytes = (await used()) - before;
  await core.close();
  return { events, rawBytes, storedBytes, perEvent: storedBytes / events, ratio: storedBytes / rawBytes };
}
