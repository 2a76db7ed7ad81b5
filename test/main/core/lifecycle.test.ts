// The core's life on its data directory: one core per directory, discovery files, clean
// shutdown, stale locks after a crash, and a corrupt database moved aside.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DataDirBusyError, readRuntime } from '../../../src/main/core/data-dir';
import { post, startTestCore, tempDir } from '../../helpers/core';
import { moduleGraph } from '../../helpers/bundle';

describe('core lifecycle', () => {
  it('writes runtime.json and a 0600 token while running, and removes runtime.json on close', async () => {
    const core = await startTestCore();
    const dir = core.config.dataDir;
    const runtime = readRuntime(dir);
    expect(runtime?.pid).toBe(process.pid);
    expect(runtime?.ingest_url).toBe(core.ingestUrl);
    expect(runtime?.mcp_url).toBe(`${core.controlUrl}/mcp`);
    expect(fs.statSync(path.join(dir, 'token')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 'token'), 'utf8').trim()).toBe(core.token);
    await core.close();
    expect(fs.existsSync(path.join(dir, 'runtime.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'core.lock'))).toBe(false);
  });

  it('keeps the token across restarts so configured clients keep working', async () => {
    const dir = tempDir();
    const a = await startTestCore({ dataDir: dir });
    const token = a.token;
    await a.close();
    const b = await startTestCore({ dataDir: dir });
    expect(b.token).toBe(token);
    await b.close();
  });

  it('refuses a second core on the same data directory and names the holder', async () => {
    const core = await startTestCore();
    try {
      await expect(startTestCore({ dataDir: core.config.dataDir })).rejects.toThrow(DataDirBusyError);
      await expect(startTestCore({ dataDir: core.config.dataDir })).rejects.toThrow(new RegExp(`process ${process.pid}`));
    } finally {
      await core.close();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 10)']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    fs.writeFileSync(path.join(dir, 'core.lock'), JSON.stringify({ pid: deadPid }));
    const core = await startTestCore({ dataDir: dir });
    expect(readRuntime(dir)?.pid).toBe(process.pid);
    await core.close();
  });

  it('moves a corrupt database aside, starts fresh, and reports it in health', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tidings.db'), Buffer.from('this is not a database, just text '.repeat(200)));
    const core = await startTestCore({ dataDir: dir });
    try {
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('tidings.db.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toContain('this is not a database');
      const health = core.health();
      expect(health.status).toBe('degraded');
      expect(health.store_warning).toContain(aside[0]);
      // Both threads' heaps are reported: the writer's from its first message on.
      expect(health.heap_bytes).toBeGreaterThan(1024 * 1024);
      expect(health.writer_heap_bytes).toBeGreaterThan(1024 * 1024);
      expect((await post(`${core.ingestUrl}/webhooks/demo`, '{"ok":true}')).status).toBe(200);
    } finally {
      await core.close();
    }
  });

  it('says which port is taken when a listener cannot bind', async () => {
    const first = await startTestCore();
    try {
      const port = Number(new URL(first.ingestUrl).port);
      await expect(startTestCore({ port })).rejects.toThrow(new RegExp(`port ${port}.*already in use.*--port`));
    } finally {
      await first.close();
    }
  });

  it('finishes in-flight deliveries before closing', async () => {
    const core = await startTestCore({ rateLimit: { perSecond: 10_000, burst: 10_000 } });
    const sends = Array.from({ length: 50 }, (_, i) => post(`${core.ingestUrl}/webhooks/demo`, JSON.stringify({ i })));
    const results = await Promise.all(sends);
    const acked = results.filter((r) => r.status === 200).map((r) => r.body.id);
    await core.close();
    const again = await startTestCore({ dataDir: core.config.dataDir });
    try {
      for (const id of acked) expect(again.store.get(id as number)).not.toBeNull();
    } finally {
      await again.close();
    }
  });
});

describe('the core stays free of Electron', () => {
  it('imports nothing from electron anywhere under src/main/core or src/main/cli', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) {
          const text = fs.readFileSync(full, 'utf8');
          if (/from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/.test(text)) offenders.push(full);
        }
      }
    };
    walk(path.resolve(__dirname, '../../../src/main/core'));
    walk(path.resolve(__dirname, '../../../src/main/cli'));
    expect(offenders).toEqual([]);
  });

  it('has no path to electron in the bundled module graph of the CLI and core', async () => {
    const { imports } = await moduleGraph(path.resolve(__dirname, '../../../src/main/cli/index.ts'));
    expect(imports.length).toBeGreaterThan(50);
    expect(imports.filter((p) => p === 'electron' || p.startsWith('electron/'))).toEqual([]);
  });
});
