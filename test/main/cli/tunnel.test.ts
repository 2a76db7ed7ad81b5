// `tidings tunnel …` as a person uses it, against a real `tidings serve` and a local reverse
// proxy standing in for the public URL: help, bad arguments (exit 2), no core running, a URL
// that reaches the core (with the non-HTTPS warning), one that does not, status, token
// from stdin, and the setting remembered across a restart (serve's banner shows it).
import { describe, expect, it } from 'vitest';
import { runCli, startServe } from '../../helpers/cli';
import { tempDir } from '../../helpers/core';
import { closedPort, startProxy } from '../../helpers/proxy';
import { readRuntime } from '../../../src/main/core/data-dir';

describe('tidings tunnel: help and bad arguments', () => {
  it('prints help for tunnel and each subcommand', async () => {
    const results = await Promise.all([['tunnel'], ['tunnel', 'ngrok'], ['tunnel', 'url'], ['tunnel', 'off'], ['tunnel', 'status'], ['tunnel', 'token']].map((c) => runCli([...c, '--help'])));
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: tidings tunnel/);
    }
    expect(results[0]!.stdout).toMatch(/only the ingest listener is published/);
  }, 120_000);

  it.each([
    [['tunnel', 'url'], /missing required argument/],
    [['tunnel', 'url', 'hooks.example.com'], /must be an http\(s\) URL/],
    [['tunnel', 'ngrok', '--domain', 'https://x.example/'], /must be a domain name/],
    [['tunnel', 'status', '--bogus'], /unknown option/],
    [['tunnel', 'teleport'], /unknown command/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const r = await runCli([...args, '--data-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('says plainly when no core is running', async () => {
    const dir = tempDir();
    const r = await runCli(['tunnel', 'status', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no Tidings core is running on ${dir}; start one with \`tidings serve\``);
  });
});

describe('tidings tunnel against a running core', () => {
  it('sets a URL that reaches the core, refuses one that does not, reads the token from stdin, and remembers it across a restart', async () => {
    const dir = tempDir();
    let serve = await startServe(dir);
    const proxy = await startProxy(readRuntime(dir)!.ingest_port);
    try {
      expect(serve.stdout()).toMatch(/Public URL: off/);

      const set = await runCli(['tunnel', 'url', proxy.url, '--data-dir', dir]);
      expect(set.code).toBe(0);
      expect(set.stderr).toMatch(/warning: .* is not HTTPS/);
      expect(set.stdout).toContain(`url        ${proxy.url}`);
      expect(set.stdout).toMatch(/reachable {2}yes \(answered as this core\)/);

      const json = await runCli(['tunnel', 'status', '--json', '--data-dir', dir]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ mode: 'url', state: 'online', url: proxy.url, reachable: true, error: null });

      const status = await runCli(['status', '--data-dir', dir]);
      expect(status.stdout).toContain(`public    ${proxy.url} (your own URL, online, reachable)`);
      expect(status.stdout).toContain(`webhooks  ${proxy.url}/webhooks/<source>`);

      const gone = `http://127.0.0.1:${await closedPort()}`;
      const refused = await runCli(['tunnel', 'url', gone, '--data-dir', dir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`the core answered 502: ${gone}/health could not be reached \\(ECONNREFUSED\\)`));
      expect(JSON.parse((await runCli(['tunnel', 'status', '--json', '--data-dir', dir])).stdout)).toMatchObject({ url: proxy.url });

      const secretToken = 'cli_stand_in_authtoken_0123456789';
      const token = await runCli(['tunnel', 'token', '--data-dir', dir], { input: `${secretToken}\n` });
      expect(token.code).toBe(0);
      expect(token.stderr).toMatch(/Stored the ngrok authtoken/);
      const after = await runCli(['tunnel', 'status', '--data-dir', dir]);
      expect(after.stdout).toMatch(/authtoken {2}stored \(not shown\)/);
      expect(after.stdout + after.stderr + token.stdout + token.stderr).not.toContain(secretToken);

      // Restart: the URL comes back, and the banner gives providers the public URLs.
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      serve = await startServe(dir);
      proxy.target.port = readRuntime(dir)!.ingest_port;
      expect(serve.stdout()).toMatch(new RegExp(`Public URL: ${proxy.url} +\\(your own URL`));
      expect(serve.stdout()).toContain(`github   ${proxy.url}/webhooks/github`);
      const again = await runCli(['tunnel', 'status', '--json', '--data-dir', dir]);
      expect(JSON.parse(again.stdout)).toMatchObject({ mode: 'url', url: proxy.url, reachable: true });

      const off = await runCli(['tunnel', 'off', '--data-dir', dir]);
      expect(off.code).toBe(0);
      expect(off.stdout).toMatch(/Public URL: off/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      await proxy.close();
    }
  }, 240_000);
});
