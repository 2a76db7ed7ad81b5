// Fuzz: malformed requests against the ingest listener, the local API and /mcp: random
// bytes, wrong content types, broken JSON and form bodies, deep nesting, huge headers, very
// long source names, gzip bombs, JSON-RPC with wrong types, and slowloris sockets on the
// side. Nothing may answer 5xx except 503, every refusal must say why, the core must stay
// up and its memory bounded.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { Checks, emptyCounts, processFigures, request, sleep, startCoreProcess, tmpDir, writeConfig } from '../lib';
import type { CoreProcess, Profile, Reply, ScenarioResult } from '../lib';

interface Case {
  kind: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const int = (n: number) => Math.floor(Math.random() * n);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/octet-stream',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  '',
  ';;;',
  'application/json; charset=nonsense',
];
const SOURCES = ['github', 'stripe', 'slack', 'vercel', 'orders', 'plain', 'GitHub', 'a'.repeat(65), 'x'.repeat(5000), '..', '%00', '%E2%82%AC', 'ok_name-1', 'mcp', 'tidings'];
const SIGNATURE_HEADERS: Array<Record<string, string>> = [
  { 'x-hub-signature-256': 'sha256=zz' },
  { 'x-hub-signature-256': 'md5=00' },
  { 'x-github-event': 'push', 'x-github-delivery': 'x'.repeat(3000) },
  { 'stripe-signature': 't=abc,v1=' },
  { 'stripe-signature': 't=1,v0=00,v1=00,v1=' + 'f'.repeat(64) },
  { 'x-slack-request-timestamp': '-1e309', 'x-slack-signature': 'v0=' },
  { 'x-slack-request-timestamp': 'NaN', 'x-slack-signature': 'v0=00' },
  { 'webhook-id': '', 'webhook-timestamp': 'later', 'webhook-signature': 'v1,' },
  { 'webhook-id': 'msg', 'webhook-timestamp': '99999999999999999999', 'webhook-signature': 'v1,AAAA v2,BBBB' },
  { 'x-vercel-signature': '' },
  {},
];

function brokenJson(): Buffer {
  const choices = [
    () => '{"a":',
    () => '{"a": 1,}',
    () => `${'['.repeat(20_000 + int(100_000))}`,
    () => `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
    () => '\u0000\u0001\u0002',
    () => '"just a string"',
    () => 'null',
    () => '[]',
    () => `{"payload": "${'\\u'.repeat(10)}"}`,
    () => JSON.stringify({ action: 'opened', pull_request: 5, repository: 'nope', sender: [] }),
    () => JSON.stringify({ id: 12, type: ['x'], data: { object: null } }),
    () => JSON.stringify({ type: 'url_verification', challenge: { a: 1 } }),
  ];
  return Buffer.from(pick(choices)());
}

function brokenForm(): Buffer {
  return Buffer.from(pick(['payload=%ZZ', 'payload=', `payload=${encodeURIComponent('{"a":')}`, 'a=b&c', '=&=&', `payload=${'%'.repeat(1000)}`, 'payload=%7B%7D&payload=%7B%7D']));
}

const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));

function ingestCase(base: string): Case {
  const source = pick(SOURCES);
  const url = `${base}/${pick(['webhooks', 'webhook'])}/${source}`;
  const headers: Record<string, string> = { ...pick(SIGNATURE_HEADERS) };
  const ct = pick(CONTENT_TYPES);
  if (ct) headers['content-type'] = ct;
  const r = Math.random();
  let body: Buffer;
  let kind = 'ingest: random bytes';
  if (r < 0.3) body = crypto.randomBytes(int(4096));
  else if (r < 0.6) {
    body = brokenJson();
    kind = 'ingest: broken JSON';
    headers['content-type'] = 'application/json';
  } else if (r < 0.75) {
    body = brokenForm();
    kind = 'ingest: broken form';
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (r < 0.8) {
    body = bomb;
    kind = 'ingest: gzip bomb';
    headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'identity, gzip']);
    headers['content-type'] = 'application/json';
  } else if (r < 0.9) {
    body = Buffer.from('{}');
    kind = 'ingest: huge header';
    headers['x-filler'] = 'h'.repeat(8_000 + int(40_000));
  } else if (r < 0.92) {
    body = Buffer.alloc(6 * 1024 * 1024, 0x20);
    kind = 'ingest: oversized body';
  } else {
    body = Buffer.from('{}');
    kind = 'ingest: wrong method or path';
    return { kind, url: pick([`${base}/webhooks/`, `${base}/webhooks`, `${base}/health/x`, url]), method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), headers, body };
  }
  return { kind, url, method: 'POST', headers, body };
}

const API_PATHS = [
  '/api/events?limit=-1',
  '/api/events?limit=1e99',
  '/api/events?after=abc',
  '/api/events?since=yesterday',
  `/api/events?q=${'x'.repeat(600)}`,
  '/api/events?source=UPPER',
  '/api/events?verified=maybe',
  '/api/events/abc',
  '/api/events/99999999999999999999999',
  '/api/events/1/resend',
  '/api/events/stream?after=-5',
  '/api/events/replay/not-a-time',
  '/api/rejections?source=%00',
  '/api/sources',
  '/api/secrets/UPPER',
  '/api/secrets/github',
  '/api/actions?status=weird',
  '/api/actions/abc/complete',
  '/api/actions/1/explode',
  '/api/targets',
  '/api/targets/%2e%2e',
  '/api/targets/x/secret',
  '/api/deliveries?state=lost',
  '/api/deliveries/1e3',
  '/api/push',
  '/api/register',
  '/api/unregister',
  '/api/clients/nope/connect',
  '/api/hourly?hours=-1',
  '/api/nothing-here',
];

function randomJson(depth = 0): unknown {
  const r = Math.random();
  if (depth > 3 || r < 0.3) return pick([null, true, 0, -1, 1e308, 'x', '', 'http://127.0.0.1/', 'ftp://x', '../../etc/passwd', 'A'.repeat(3000)]);
  if (r < 0.6) return Array.from({ length: int(4) }, () => randomJson(depth + 1));
  const keys = ['name', 'url', 'mode', 'message', 'value', 'note', 'webhook_url', 'enabled', 'sources', 'types', 'allow_private', 'limit', 'extra'];
  return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(keys), randomJson(depth + 1)]));
}

function apiCase(core: CoreProcess): Case {
  const path = pick(API_PATHS);
  const method = pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
  const headers: Record<string, string> = { authorization: `Bearer ${core.token}` };
  const r = Math.random();
  let kind = 'api: random JSON';
  let body: Buffer | undefined;
  if (r < 0.1) {
    headers.authorization = pick(['Bearer nope', 'Basic abc', '']);
    kind = 'api: bad token';
  } else if (r < 0.15) {
    headers.origin = 'https://evil.example';
    kind = 'api: foreign Origin';
  } else if (r < 0.2) {
    headers.host = 'evil.example:80';
    kind = 'api: foreign Host';
  }
  if (method !== 'GET') {
    const b = Math.random();
    if (b < 0.6) {
      body = Buffer.from(JSON.stringify(randomJson()));
      headers['content-type'] = 'application/json';
    } else if (b < 0.8) {
      body = brokenJson();
      headers['content-type'] = 'application/json';
      kind = 'api: broken JSON';
    } else {
      body = crypto.randomBytes(int(2048));
      headers['content-type'] = pick(CONTENT_TYPES) || 'text/plain';
      kind = 'api: random bytes';
    }
  }
  return { kind, url: `${core.runtime.control_url}${path}`, method, headers, ...(body ? { body } : {}) };
}

function mcpCase(core: CoreProcess, session: string): Case {
  const headers: Record<string, string> = {
    authorization: `Bearer ${core.token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  const r = Math.random();
  if (r < 0.7) {
    headers['mcp-session-id'] = session;
    headers['mcp-protocol-version'] = '2025-06-18';
  } else if (r < 0.8) headers['mcp-session-id'] = pick(['bogus', '', 'x'.repeat(500)]);
  const tools = ['get_recent_events', 'get_event_by_id', 'wait_for_event', 'replay_events', 'search_events', 'mark_action_complete', 'push_webhook', 'subscribe_to_events', 'publish_event', 'nope'];
  const messages: Array<() => unknown> = [
    () => ({ jsonrpc: '2.0', id: randomJson(), method: randomJson() }),
    () => ({ jsonrpc: '1.0', id: 1, method: 'tools/list' }),
    () => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: pick(tools), arguments: randomJson() } }),
    () => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: pick(tools), arguments: { limit: randomJson(), id: randomJson(), after_cursor: randomJson(), timeout_seconds: pick([0, -1, 1e9, 'x']) } } }),
    () => ({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: pick(['tidings://events/abc', 'file:///etc/passwd', 'tidings://', randomJson()]) } }),
    () => ({ jsonrpc: '2.0', id: 1, method: 'initialize', params: randomJson() }),
    () => [randomJson(), randomJson()],
    () => 'not an object',
  ];
  const raw = Math.random() < 0.1 ? brokenJson() : Buffer.from(JSON.stringify(pick(messages)()));
  return { kind: 'mcp: malformed JSON-RPC', url: `${core.runtime.control_url}/mcp`, method: pick(['POST', 'POST', 'POST', 'DELETE']), headers, body: raw };
}

/** A refusal says why: a JSON error (API, ingest), a JSON-RPC error (MCP), or plain text. */
function explains(r: Reply): boolean {
  if (r.json) {
    const j = r.json as { error?: unknown };
    const e = j.error;
    if (typeof e === 'string') return e.length > 0;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return ((e as { message: string }).message).length > 0;
    return false;
  }
  return r.text.trim().length > 0;
}

function slowloris(port: number): { closedByServer: () => boolean; stop: () => void } {
  const socket = net.connect(port, '127.0.0.1');
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  socket.on('connect', () => {
    socket.write('POST /webhooks/github HTTP/1.1\r\nHost: x\r\n');
    timer = setInterval(() => socket.write(`x-slow-${int(1e6)}: ${int(1e6)}\r\n`), 1000);
  });
  socket.on('close', () => {
    closed = true;
    if (timer) clearInterval(timer);
  });
  socket.on('error', () => undefined);
  socket.resume(); // read, so the core's answer and its closing of the connection are seen
  return {
    closedByServer: () => closed,
    stop: () => {
      if (timer) clearInterval(timer);
      socket.destroy();
    },
  };
}

export async function fuzzScenario(profile: Profile): Promise<ScenarioResult> {
  const checks = new Checks();
  const counts = emptyCounts();
  const total = profile === 'long' ? 50_000 : 10_500;
  const dataDir = tmpDir();
  writeConfig(dataDir);
  const core = await startCoreProcess(dataDir);
  const init = await request(`${core.runtime.control_url}/mcp`, {
    headers: { authorization: `Bearer ${core.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } }),
  });
  const session = String(init.headers['mcp-session-id'] ?? '');
  checks.check('an MCP session to fuzz inside', session !== '', `${init.status}`);

  const before = processFigures(core.child.pid!);
  const ingestPort = Number(new URL(core.runtime.ingest_url).port);
  const lorises = Array.from({ length: 20 }, () => slowloris(ingestPort));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const bad: Array<{ kind: string; status: number; detail: string }> = [];
  const unexplained: Array<{ kind: string; status: number }> = [];
  const byKind = new Map<string, Map<number, number>>();
  let dropped = 0;
  let peakRss = before.rssMiB;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, processFigures(core.child.pid!).rssMiB);
    } catch {
      // the core is gone; reported below
    }
  }, 250);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const roll = Math.random();
      const c = roll < 0.45 ? ingestCase(core.runtime.ingest_url) : roll < 0.75 ? apiCase(core) : mcpCase(core, session);
      const r = await request(c.url, { method: c.method, headers: c.headers, ...(c.body ? { body: c.body } : {}), agent, timeoutMs: 15_000 });
      counts.sent++;
      const statuses = byKind.get(c.kind) ?? new Map<number, number>();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      byKind.set(c.kind, statuses);
      if (r.status === 0) {
        dropped++;
        continue;
      }
      if (r.status < 400) counts.acknowledged++;
      if (r.status >= 500 && r.status !== 503) bad.push({ kind: c.kind, status: r.status, detail: r.text.slice(0, 200) });
      if (r.status >= 400 && !explains(r)) unexplained.push({ kind: c.kind, status: r.status });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  agent.destroy();
  // The slow senders must have been cut off by the core's header timeout by now, or soon.
  const deadline = Date.now() + 15_000;
  while (lorises.some((l) => !l.closedByServer()) && Date.now() < deadline) await sleep(200);
  const lorisClosed = lorises.filter((l) => l.closedByServer()).length;
  for (const l of lorises) l.stop();
  clearInterval(sampler);

  const alive = core.child.exitCode === null;
  const health = await request(`${core.runtime.ingest_url}/health`, { method: 'GET' });
  const after = alive ? processFigures(core.child.pid!) : { rssMiB: NaN, fds: NaN };
  checks.check(`${total} malformed requests sent`, counts.sent >= 10_000, String(counts.sent));
  checks.check('no 5xx other than 503', bad.length === 0, bad.slice(0, 5).map((b) => `${b.kind} → ${b.status} ${b.detail}`).join('; '));
  checks.check('every refusal says why', unexplained.length === 0, unexplained.slice(0, 5).map((u) => `${u.kind} → ${u.status}`).join('; '));
  checks.check('the core is still running and healthy', alive && health.status === 200, `alive ${alive}, /health ${health.status}`);
  checks.check('memory stayed bounded (peak RSS under 600 MiB)', peakRss < 600, `${before.rssMiB} → peak ${peakRss} MiB`);
  checks.check('slowloris senders were cut off by the core', lorisClosed === lorises.length, `${lorisClosed} of ${lorises.length} closed`);
  await core.stop();
  const notes = [
    `${counts.sent} requests, 32 at a time: ~45% ingest, ~30% local API, ~25% /mcp; ${dropped} connections closed by the core without an answer (oversized headers and bodies); 20 slowloris sockets alongside`,
    ...[...byKind].map(([kind, statuses]) => `${kind}: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s === 0 ? 'closed' : s}×${n}`).join(', ')}`),
  ];
  return {
    name: 'fuzz (malformed requests, slowloris, gzip bomb)',
    pass: checks.ok,
    counts,
    memory: { rss_before_mib: before.rssMiB, rss_peak_mib: peakRss, rss_after_mib: after.rssMiB, fds_before: before.fds, fds_after: after.fds },
    notes,
    checks: checks.list,
  };
}
