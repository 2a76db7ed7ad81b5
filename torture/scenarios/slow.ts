// Slow consumers: an SSE client that stops reading and an MCP session that never reads its
// GET stream, while events pour in. The core cuts both off with bounded buffers; a healthy
// SSE client and an MCP client following wait_for_event see every event; memory stays flat.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Checks, emptyCounts, figuresOnceSettled, followWithMcp, healthySse, largest, processFigures, request, sleep, startCoreProcess, tmpDir, writeConfig } from '../lib';
import type { CoreProcess, Profile, ScenarioResult } from '../lib';

/** A client that sends its request and then never reads: bytes pile up on the core's side. */
function stalledClient(url: URL, headers: Record<string, string>) {
  const socket = net.connect(Number(url.port), url.hostname);
  let received = 0;
  let ended = false;
  socket.on('connect', () => {
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
    socket.write(lines.join('\r\n'));
    socket.pause();
  });
  socket.on('data', (d: Buffer) => {
    received += d.length;
  });
  socket.on('end', () => (ended = true));
  socket.on('close', () => (ended = true));
  socket.on('error', () => (ended = true));
  return {
    /** Start reading again: everything still buffered arrives, then the end if the core cut us off. */
    async drain(timeoutMs: number): Promise<{ received: number; cutOff: boolean }> {
      socket.resume();
      const deadline = Date.now() + timeoutMs;
      while (!ended && Date.now() < deadline) await sleep(50);
      const cutOff = ended;
      socket.destroy();
      return { received, cutOff };
    },
  };
}

/** Opens an MCP session by hand and subscribes it to the recent-events resource. */
async function rawMcpSession(core: CoreProcess): Promise<string> {
  const headers = { authorization: `Bearer ${core.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = await request(`${core.runtime.control_url}/mcp`, {
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stalled', version: '1' } } }),
  });
  const session = String(init.headers['mcp-session-id'] ?? '');
  if (!session) throw new Error(`initialize failed: ${init.status} ${init.text.slice(0, 200)}`);
  const h = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
  await request(`${core.runtime.control_url}/mcp`, { headers: h, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  for (const [i, uri] of ['tidings://events/recent', 'tidings://sources/orders/recent'].entries()) {
    await request(`${core.runtime.control_url}/mcp`, { headers: h, body: JSON.stringify({ jsonrpc: '2.0', id: 10 + i, method: 'resources/subscribe', params: { uri } }) });
  }
  return session;
}

export async function slowScenario(profile: Profile): Promise<ScenarioResult> {
  const checks = new Checks();
  const counts = emptyCounts();
  const notes: string[] = [];
  const dataDir = tmpDir();
  writeConfig(dataDir);
  const core = await startCoreProcess(dataDir, { TIDINGS_SECRET_ORDERS: '' });
  const control = new URL(core.runtime.control_url);
  const idle = processFigures(core.child.pid!);
  const auth = { authorization: `Bearer ${core.token}` };
  const stalledSse = stalledClient(new URL('/api/events/stream', control), { ...auth, accept: 'text/event-stream' });
  const session = await rawMcpSession(core);
  const stalledMcp = stalledClient(new URL('/mcp', control), { ...auth, accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' });
  const healthy = healthySse(core);

  const follower = await followWithMcp(core);

  const before = processFigures(core.child.pid!);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  // Events with a few KiB of extracted fields, so the streams carry real weight.
  const filler = crypto.randomBytes(1500).toString('hex');
  const total = profile === 'long' ? 40_000 : 12_000;
  const acked: number[] = [];
  let next = 0;
  const sender = async () => {
    while (next < total) {
      const i = next++;
      const body = JSON.stringify({ type: 'order.created', order: i, round: counts.sent >= total ? 2 : 1, note: filler.slice(0, 190), tag: `t${i}`, a: filler.slice(200, 390), b: filler.slice(400, 590), c: filler.slice(600, 790) });
      const r = await request(`${core.runtime.ingest_url}/webhooks/orders`, { headers: { 'content-type': 'application/json', 'webhook-id': `slow-${counts.sent >= total ? 2 : 1}-${i}` }, body, agent });
      counts.sent++;
      if (r.status === 200 && typeof r.json?.id === 'number') acked.push(r.json.id);
    }
  };
  // Two equal bursts: by the end of the first the stalled streams are cut off, so the second
  // shows whether memory keeps climbing with load (unbounded) or levels off (bounded).
  await Promise.all(Array.from({ length: 16 }, sender));
  const middle = processFigures(core.child.pid!);
  next = 0;
  await Promise.all(Array.from({ length: 16 }, sender));
  agent.destroy();
  counts.acknowledged = acked.length;
  const after = processFigures(core.child.pid!);

  // Let the healthy readers catch up, then look.
  const deadline = Date.now() + 30_000;
  const last = largest(acked);
  while ((!healthy.ids.has(last) || !follower.ids.has(last)) && Date.now() < deadline) await sleep(100);
  await follower.stop();
  healthy.close();

  const sse = await stalledSse.drain(10_000);
  const mcp = await stalledMcp.drain(10_000);
  const missingSse = acked.filter((id) => !healthy.ids.has(id)).length;
  const missingMcp = acked.filter((id) => !follower.ids.has(id)).length;
  counts.stored = acked.length - missingSse;
  counts.lost = missingSse;
  const closed = await figuresOnceSettled(core.child.pid!, idle.fds, 10_000);
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  notes.push(`2 × ${total} events of ~1 KiB fields through ${mib(healthy.bytes())} of SSE to the healthy client`);
  notes.push(`stalled SSE client: ${mib(sse.received)} reached it before the core closed the stream; stalled MCP GET stream: ${mib(mcp.received)}`);
  checks.check('every webhook acknowledged', acked.length === 2 * total, `${acked.length} of ${2 * total}`);
  checks.check('the stalled SSE client was cut off', sse.cutOff, sse.cutOff ? undefined : 'still open after the burst');
  checks.check('the stalled SSE client got far less than the stream carried', sse.received < healthy.bytes() / 2, `${mib(sse.received)} of ${mib(healthy.bytes())}`);
  checks.check('the stalled MCP stream was cut off', mcp.cutOff, mcp.cutOff ? undefined : 'still open after the burst');
  checks.check('the healthy SSE client saw every event', missingSse === 0, `${missingSse} missing`);
  checks.check('the MCP client following with replay_events and wait_for_event saw every event', missingMcp === 0, `${missingMcp} missing`);
  const secondBurst = after.rssMiB - middle.rssMiB;
  checks.check('core memory levelled off: the second burst grew RSS by less than 40 MiB', secondBurst < 40, `${before.rssMiB} → ${middle.rssMiB} → ${after.rssMiB} MiB`);
  checks.check('no file handles left behind once every client is gone', closed.fds <= idle.fds, `${idle.fds} before any client, ${after.fds} under load, ${closed.fds} after`);
  await core.stop();
  return {
    name: 'slow consumers (stalled SSE and MCP streams)',
    pass: checks.ok,
    counts,
    memory: { rss_start_mib: before.rssMiB, rss_after_burst1_mib: middle.rssMiB, rss_after_burst2_mib: after.rssMiB, fds_idle: idle.fds, fds_loaded: after.fds, fds_after: closed.fds },
    notes,
    checks: checks.list,
  };
}
