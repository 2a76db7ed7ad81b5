// Disk full and a locked database. The core runs on a small tmpfs that really fills up:
// senders get 503 with Retry-After, /api/health (what the dashboard shows) and the MCP
// health_check report the problem, nothing stored is harmed, and ingest resumes by itself
// once space returns. Then a second process holds the write lock: the same behaviour.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import Database from 'better-sqlite3';
import { api, Checks, emptyCounts, request, sleep, startCoreProcess, tmpDir, writeConfig } from '../lib';
import type { CoreProcess, Counts, Profile, Reply, ScenarioResult } from '../lib';

const FS_SIZE_MIB = 24;

async function mcpHealth(core: CoreProcess): Promise<string> {
  const client = new Client({ name: 'torture-disk', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', core.runtime.control_url), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
  try {
    const r = (await client.callTool({ name: 'health_check', arguments: {} })) as CallToolResult;
    return JSON.stringify(r.structuredContent ?? {}) + (r.content[0] as { text: string }).text;
  } finally {
    await client.close();
  }
}

function send(core: CoreProcess, agent: http.Agent, i: number): Promise<Reply> {
  // Random (incompressible) content, so each event really takes space.
  const body = JSON.stringify({ type: 'bulk.item', n: i, blob: crypto.randomBytes(24 * 1024).toString('base64') });
  return request(`${core.runtime.ingest_url}/webhooks/bulk`, { headers: { 'content-type': 'application/json', 'webhook-id': `disk-${i}-${crypto.randomUUID()}` }, body, agent });
}

async function fillAndRecover(checks: Checks, counts: Counts, notes: string[], mount: string): Promise<void> {
  const dataDir = path.join(mount, 'data');
  fs.mkdirSync(dataDir);
  writeConfig(dataDir);
  // Ballast: space set aside now and freed later, as a person would clear their disk.
  const ballast = path.join(mount, 'ballast');
  fs.writeFileSync(ballast, crypto.randomBytes(6 * 1024 * 1024));
  const core = await startCoreProcess(dataDir);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const acked: Array<{ id: number; n: number }> = [];
  let refused: Reply | null = null;
  try {
    let i = 0;
    let consecutive503 = 0;
    while (consecutive503 < 10 && i < 5000) {
      const r = await send(core, agent, i++);
      counts.sent++;
      if (r.status === 200 && typeof r.json?.id === 'number') {
        acked.push({ id: r.json.id, n: i - 1 });
        consecutive503 = 0;
      } else if (r.status === 503) {
        consecutive503++;
        refused = r;
      } else {
        checks.check('while filling, every answer is 200 or 503', false, `${r.status} ${r.text.slice(0, 200)}`);
        break;
      }
    }
    const used = Math.round((fs.statfsSync(mount).blocks - fs.statfsSync(mount).bfree) * fs.statfsSync(mount).bsize / 1024 / 1024);
    notes.push(`tmpfs of ${FS_SIZE_MIB} MiB: ${acked.length} events of 24 KiB stored before it filled (${used} MiB used); then 503`);
    checks.check('a full disk answers 503 with Retry-After and says why', refused?.status === 503 && refused.headers['retry-after'] !== undefined && /full/.test(String(refused.json?.error)), refused ? `${refused.status} ${refused.text.slice(0, 160)}` : 'never refused');
    const health = await api(core, 'GET', '/api/health');
    const problem = health.json?.store_problem as { code?: string; message?: string } | null | undefined;
    checks.check('/api/health (the dashboard\'s source) reports the full disk', health.json?.status === 'degraded' && /FULL|ENOSPC|IOERR/.test(String(problem?.code)), health.text.slice(0, 300));
    const viaMcp = await mcpHealth(core);
    checks.check('MCP health_check reports it too', /degraded/.test(viaMcp) && /full|FULL/.test(viaMcp), viaMcp.slice(0, 300));
    checks.check('the core is still running on a full disk', core.child.exitCode === null);

    fs.rmSync(ballast);
    let resumedAfter = 0;
    for (;;) {
      const r = await send(core, agent, i++);
      counts.sent++;
      resumedAfter++;
      if (r.status === 200 && typeof r.json?.id === 'number') {
        acked.push({ id: r.json.id, n: i - 1 });
        break;
      }
      if (resumedAfter > 100) break;
      await sleep(100);
    }
    checks.check('ingest resumes by itself once space returns', resumedAfter <= 100, `${resumedAfter} attempts after freeing space`);
    const healthAfter = await api(core, 'GET', '/api/health');
    checks.check('health is ok again', healthAfter.json?.status === 'ok', healthAfter.text.slice(0, 200));
  } finally {
    agent.destroy();
    await core.stop();
  }
  counts.acknowledged += acked.length;
  const db = new Database(path.join(dataDir, 'tidings.db'), { readonly: true });
  try {
    const row = db.prepare<[number], { fields: string }>('SELECT fields FROM events WHERE id = ?');
    const missing = acked.filter((a) => {
      const r = row.get(a.id);
      return !r || (JSON.parse(r.fields) as { n?: number }).n !== a.n;
    }).length;
    counts.stored += acked.length - missing;
    counts.lost += missing;
    checks.check('every event acknowledged before and after is intact', missing === 0, `${missing} missing or changed`);
    checks.check('integrity_check passes after the disk filled', db.pragma('integrity_check', { simple: true }) === 'ok');
  } finally {
    db.close();
  }
}

async function lockedDatabase(checks: Checks, counts: Counts): Promise<void> {
  const dataDir = tmpDir();
  writeConfig(dataDir);
  const core = await startCoreProcess(dataDir);
  const other = new Database(path.join(dataDir, 'tidings.db'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const first = await send(core, agent, 0);
    counts.sent++;
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE'); // the write lock, held by another process
    const locked = await send(core, agent, 1);
    counts.sent++;
    checks.check('a locked database answers 503 with Retry-After and says why', locked.status === 503 && locked.headers['retry-after'] !== undefined && /locked/.test(String(locked.json?.error)), `${locked.status} ${locked.text.slice(0, 160)}`);
    const health = await api(core, 'GET', '/api/health');
    checks.check('/api/health reports the lock', health.json?.status === 'degraded' && /BUSY|LOCKED/.test(JSON.stringify(health.json?.store_problem)), health.text.slice(0, 300));
    const viaMcp = await mcpHealth(core);
    checks.check('MCP health_check reports the lock', /locked/.test(viaMcp), viaMcp.slice(0, 300));
    other.exec('ROLLBACK');
    const after = await send(core, agent, 2);
    counts.sent++;
    checks.check('ingest resumes once the lock is released', after.status === 200, `${after.status}`);
    const ids = [first, after].filter((r) => r.status === 200).map((r) => r.json?.id as number);
    counts.acknowledged += ids.length;
    const found = ids.filter((id) => other.prepare('SELECT 1 FROM events WHERE id = ?').get(id)).length;
    counts.stored += found;
    counts.lost += ids.length - found;
    checks.check('nothing acknowledged around the lock is missing', found === ids.length);
  } finally {
    agent.destroy();
    other.close();
    await core.stop();
  }
}

export async function diskScenario(_profile: Profile): Promise<ScenarioResult> {
  const checks = new Checks();
  const counts = emptyCounts();
  const notes: string[] = [];
  const mount = tmpDir('tidings-torture-fs-');
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${FS_SIZE_MIB}m,mode=0700`, 'tidings-torture', mount], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    checks.check(`mount a ${FS_SIZE_MIB} MiB tmpfs to fill (needs root, as CI has)`, false, String((err as { stderr?: Buffer }).stderr ?? err).trim());
  }
  try {
    if (mounted) await fillAndRecover(checks, counts, notes, mount);
  } finally {
    if (mounted) execFileSync('umount', [mount]);
  }
  await lockedDatabase(checks, counts);
  notes.push('locked database: another process holds BEGIN IMMEDIATE on tidings.db while webhooks arrive');
  return { name: 'disk full (real tmpfs) and locked database', pass: checks.ok, counts, notes, checks: checks.list };
}
