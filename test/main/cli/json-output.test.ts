// `--json` where a script wants it: connect / disconnect and targets add / push print one
// JSON object that a script can parse, instead of sentences.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { startTestCore, tempDir } from '../../helpers/core';

describe('--json for scripts', () => {
  it('connect and disconnect print what changed, where, and the backup', async () => {
    const home = tempDir();
    const env = { HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: path.join(home, '.config') };
    const dataDir = tempDir();
    const dry = await runCli(['connect', 'cursor', '--dry-run', '--json', '--data-dir', dataDir], { env });
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as { changed: boolean; dry_run: boolean; path: string };
    expect(planned).toMatchObject({ verb: 'connect', client: 'cursor', changed: true, dry_run: true, backup: null });
    expect(fs.existsSync(planned.path)).toBe(false);

    const done = JSON.parse((await runCli(['connect', 'cursor', '--json', '--data-dir', dataDir], { env })).stdout) as { path: string };
    expect(done).toMatchObject({ client: 'cursor', changed: true, dry_run: false });
    expect(JSON.parse(fs.readFileSync(done.path, 'utf8'))).toHaveProperty(['mcpServers', 'tidings']);

    const removed = JSON.parse((await runCli(['disconnect', 'cursor', '--json', '--data-dir', dataDir], { env })).stdout) as { backup: string };
    expect(removed).toMatchObject({ verb: 'disconnect', changed: true });
    expect(fs.existsSync(removed.backup)).toBe(true);
  }, 120_000);

  it('targets add prints the target and its secret; targets push prints how many were notified', async () => {
    const dataDir = tempDir();
    const core = await startTestCore({ dataDir });
    const sink = http.createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
      const added = await runCli(['targets', 'add', 'team', url, '--allow-private', '--json', '--data-dir', dataDir]);
      expect(added.stderr).toBe('');
      const body = JSON.parse(added.stdout) as { target: { name: string; mode: string }; secret: string };
      expect(body.target).toMatchObject({ name: 'team', mode: 'push' });
      expect(body.secret).toMatch(/^whsec_/);
      const pushed = await runCli(['targets', 'push', 'deploy finished', '--json', '--data-dir', dataDir]);
      expect(JSON.parse(pushed.stdout)).toMatchObject({ webhooks_notified: 1, total_webhooks: 1 });
    } finally {
      await core.close();
      await new Promise((r) => sink.close(r));
    }
  }, 120_000);
});
