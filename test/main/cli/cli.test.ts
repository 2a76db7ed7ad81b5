// The `tidings` command as a person uses it: help, clear errors with exit code 2 for bad
// arguments, and serve / secret / send-test / events / status against a real core.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRuntime } from '../../../src/main/core/data-dir';
import { runCli, startServe } from '../../helpers/cli';
import { tempDir } from '../../helpers/core';

describe('tidings --help and bad arguments', () => {
  it('prints help for the program and every command, exiting 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['serve', 'send-test', 'secret', 'status', 'events', 'targets']) expect(top.stdout).toContain(cmd);
    const results = await Promise.all(
      [['serve'], ['send-test'], ['secret'], ['secret', 'set'], ['status'], ['events'], ['targets'], ['targets', 'add']].map((c) => runCli([...c, '--help'])),
    );
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: tidings/);
    }
  });

  it.each([
    [['no-such-command'], /unknown command/],
    [['serve', '--port', '99999'], /port number/],
    [['events', '--limit', 'lots'], /whole number/],
    [['events', '--source', 'Bad Name'], /source name/],
    [['send-test'], /missing required argument/],
    [['secret', 'set', 'UPPER'], /source name/],
    [['events', '--bogus'], /unknown option/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const r = await runCli([...args, '--data-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses to take a secret from a terminal-less empty stdin', async () => {
    const r = await runCli(['secret', 'set', 'github', '--data-dir', tempDir()], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shorter than 8/);
  });
});

describe('tidings serve and the commands that talk to it', () => {
  it('prints the URLs, takes secrets, sends a signed test, lists events, and stops cleanly', async () => {
    const dir = tempDir();
    const serve = await startServe(dir);
    try {
      const out = serve.stdout();
      expect(out).toMatch(/github\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\/github/);
      expect(out).toMatch(/Dashboard:\s+http:\/\/127\.0\.0\.1:\d+\//);
      expect(out).toMatch(/MCP \(HTTP\):\s+http:\/\/127\.0\.0\.1:\d+\/mcp/);

      const secret = 'cli-test-secret-value-123';
      const set = await runCli(['secret', 'set', 'github', '--data-dir', dir], { input: `${secret}\n` });
      expect(set.code).toBe(0);
      expect(set.stdout + set.stderr).not.toContain(secret);
      const list = await runCli(['secret', 'list', '--data-dir', dir]);
      expect(list.stdout).toMatch(/github\s+1 secret/);
      expect(list.stdout).not.toContain(secret);
      const secretsFile = path.join(dir, 'secrets.json');
      expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);

      const sent = await runCli(['send-test', 'github', '--data-dir', dir]);
      expect(sent.stderr).toBe('');
      expect(sent.stdout).toMatch(/received as event \d+/);

      const events = await runCli(['events', '--data-dir', dir, '--json']);
      const rows = events.stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; verified: boolean });
      expect(rows[0]).toMatchObject({ source: 'github', verified: true });

      const rotated = await runCli(['secret', 'rotate', 'github', '--generate', '--data-dir', dir]);
      expect(rotated.code).toBe(0);
      expect(rotated.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect((await runCli(['secret', 'list', '--data-dir', dir])).stdout).toMatch(/github\s+2 secret/);

      const status = await runCli(['status', '--data-dir', dir]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/: ok \(pid \d+, serve/);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    expect(readRuntime(dir)).toBeNull();
    const after = await runCli(['status', '--data-dir', dir]);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/not running/);
    // Without a core, events reads the database directly.
    const offline = await runCli(['events', '--data-dir', dir]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/github\s+push/);
  });

  it('refuses a second serve on the same data directory, naming the holder', async () => {
    const dir = tempDir();
    const serve = await startServe(dir);
    try {
      const second = await runCli(['serve', '--data-dir', dir, '--port', '0', '--control-port', '0']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`in use by Tidings \\(serve.*process ${serve.child.pid}|process \\d+`));
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
