// MCP benchmarks against a core in its own process, driven by the SDK client over
// Streamable HTTP: wake-up latency (webhook 200 → wait_for_event result, → resources/updated),
// get_recent_events on a million stored events, and memory over many tool calls.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { openDatabase } from '../src/main/core/store/open-db';
import { createEventStore } from '../src/main/core/store/event-store';
import type { IngestItem } from '../src/main/core/store/event-store';
import { percentile } from './load';
import { nodeArgsFromEnv } from '../test/helpers/load-tools';

const root = path.resolve(import.meta.dirname, '..');

interface CoreProcess {
  controlUrl: string;
  ingestUrl: string;
  token: string;
  stop(): Promise<void>;
}

export async function startCoreProcess(dataDir: string): Promise<CoreProcess> {
  const child = spawn(process.execPath, [...nodeArgsFromEnv('BENCH_SERVER_NODE_ARGS'), '--import', 'tsx', path.join(root, 'bench', 'ingest-server.ts'), 'durable', dataDir, 'unused-secret'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bench core exited with ${code}`)));
  });
  const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as { control_url: string; ingest_url: string };
  return {
    controlUrl: runtime.control_url,
    ingestUrl: runtime.ingest_url,
    token: fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim(),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function connect(core: CoreProcess): Promise<Client> {
  const client = new Client({ name: 'tidings-bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }),
  );
  return client;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { n: xs.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

export async function benchWakeLatency(rounds = 300) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-mcp-'));
  const core = await startCoreProcess(dir);
  const client = await connect(core);
  const waitLatency: number[] = [];
  const updateLatency: number[] = [];
  let onUpdate: ((t: number) => void) | null = null;
  client.setNotificationHandler('notifications/resources/updated', () => onUpdate?.(performance.now()));
  await client.subscribeResource({ uri: 'tidings://sources/latency/recent' });
  let cursor = 0;
  try {
    for (let i = 0; i < rounds; i++) {
      let waitDone = 0;
      const wait = client.callTool({ name: 'wait_for_event', arguments: { source: 'latency', after_cursor: cursor, timeout_seconds: 30 } }).then((r) => {
        waitDone = performance.now();
        return r as CallToolResult;
      });
      const updated = new Promise<number>((resolve) => (onUpdate = resolve));
      // Give the wait time to be listening, so this measures waking, not a store read.
      await new Promise((r) => setTimeout(r, 10));
      const res = await fetch(`${core.ingestUrl}/webhooks/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i, nonce: crypto.randomUUID() }) });
      const acked = performance.now();
      const { id } = (await res.json()) as { id: number };
      const result = await wait;
      const updatedAt = await updated;
      cursor = (result.structuredContent as { cursor: number }).cursor;
      if (cursor !== id) throw new Error(`wait returned ${cursor}, expected ${id}`);
      // Negative means the wake-up reached the client before the sender's 200 did.
      waitLatency.push(waitDone - acked);
      updateLatency.push(updatedAt - acked);
    }
  } finally {
    await client.close();
    await core.stop();
  }
  return { wait: stats(waitLatency), update: stats(updateLatency) };
}

/** A million-event data directory, built once and reused from bench/.cache. */
export function millionEventDir(count: number): string {
  const dir = path.join(root, 'bench', '.cache', `events-${count}`);
  const marker = path.join(dir, 'complete');
  if (fs.existsSync(marker)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.stderr.write(`building a ${count}-event store in ${dir} (once)...\n`);
  const { db } = openDatabase(path.join(dir, 'tidings.db'));
  db.pragma('synchronous = OFF'); // building a fixture, not acknowledging anyone
  const store = createEventStore(db);
  const sources = ['github', 'stripe', 'vercel', 'slack', 'app'];
  const now = Date.now();
  for (let i = 0; i < count; i += 5000) {
    const batch: IngestItem[] = [];
    for (let j = i; j < Math.min(count, i + 5000); j++) {
      const source = sources[j % sources.length]!;
      const body = Buffer.from(JSON.stringify({ n: j, source, note: `event number ${j}` }));
      batch.push({
        source,
        provider: 'standard',
        verified: true,
        contentType: 'application/json',
        headers: { 'content-type': 'application/json' },
        body,
        searchText: `event number ${j}`,
        receivedAt: now - (count - j) * 100,
        event: { type: j % 3 ? 'push' : 'pull_request.opened', subject: `org/repo-${j % 50}`, summary: `event number ${j}`, occurredAt: null, deliveryId: `d-${j}`, fields: { n: j } },
      });
    }
    store.append(batch);
  }
  db.close();
  fs.writeFileSync(marker, '');
  return dir;
}

/**
 * A minimal MCP client over keep-alive HTTP: initialize, then tools/call, reading the SSE
 * answer. Measures the core's side of a call without the SDK client's own overhead.
 */
async function leanClient(core: CoreProcess) {
  const url = new URL(core.controlUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let session: string | undefined;
  const rpc = (body: unknown) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/mcp',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: `Bearer ${core.token}`,
            'content-length': Buffer.byteLength(data),
            ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const init = await rpc({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'lean', version: '1' } } });
  session = init.headers['mcp-session-id'] as string;
  await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' });
  let id = 1;
  return {
    async call(name: string, args: Record<string, unknown>) {
      const r = await rpc({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args } });
      if (r.status !== 200 || !r.text.includes('"result"')) throw new Error(`tools/call ${name}: ${r.status} ${r.text.slice(0, 200)}`);
    },
    close: () => agent.destroy(),
  };
}

export async function benchRecentEvents(count = 1_000_000, calls = 2000) {
  const dir = millionEventDir(count);
  const core = await startCoreProcess(dir);
  const client = await connect(core);
  const all: number[] = [];
  const bySource: number[] = [];
  const lean: number[] = [];
  try {
    const raw = await leanClient(core);
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await raw.call('get_recent_events', { limit: 10 });
      lean.push(performance.now() - t0);
    }
    raw.close();
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await client.callTool({ name: 'get_recent_events', arguments: { limit: 10 } });
      all.push(performance.now() - t0);
      const t1 = performance.now();
      await client.callTool({ name: 'get_recent_events', arguments: { limit: 10, source: 'stripe', type: 'pull_request' } });
      bySource.push(performance.now() - t1);
    }
  } finally {
    await client.close();
    await core.stop();
  }
  return { events: count, all: stats(all.slice(100)), filtered: stats(bySource.slice(100)), lean: stats(lean.slice(100)) };
}

export async function benchToolMemory(first = 10_000, second = 100_000, concurrency = 8) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-mem-'));
  const core = await startCoreProcess(dir);
  const client = await connect(core);
  for (let i = 0; i < 50; i++) {
    await fetch(`${core.ingestUrl}/webhooks/mem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) });
  }
  const names = ['get_recent_events', 'health_check', 'get_event_sources', 'search_events'];
  const args: Record<string, Record<string, unknown>> = { search_events: { query: 'mem' }, get_recent_events: { limit: 20 } };
  let done = 0;
  const rssAt = async () => {
    const r = (await client.callTool({ name: 'health_check', arguments: {} })) as CallToolResult;
    void r;
    const h = await fetch(`${core.controlUrl}/api/health`, { headers: { authorization: `Bearer ${core.token}` } });
    return ((await h.json()) as { rss_bytes: number }).rss_bytes;
  };
  const run = async (until: number) => {
    const worker = async () => {
      while (done < until) {
        const name = names[done++ % names.length]!;
        await client.callTool({ name, arguments: args[name] ?? {} });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  try {
    const started = performance.now();
    await run(first);
    const rss1 = await rssAt();
    await run(second);
    const rss2 = await rssAt();
    return { calls: [first, second], rss_mb: [rss1 / 1048576, rss2 / 1048576], growth: rss2 / rss1, perSecond: second / ((performance.now() - started) / 1000) };
  } finally {
    await client.close();
    await core.stop();
  }
}
