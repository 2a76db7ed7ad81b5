import { execFileSync, execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCurl, shellQuote } from '../../src/renderer/lib/curl';

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('https://example.com/webhooks/github')).toBe('https://example.com/webhooks/github');
  });
  it('single-quotes the rest and escapes embedded single quotes', () => {
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(shellQuote('')).toBe("''");
  });
  it('survives a real shell unchanged', () => {
    const nasty = `{"a":"it's","b":"$(rm -rf /)","c":"\`x\`","d":"line1\nline2","e":"\\\\ \\" !"}`;
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' });
    expect(echoed).toBe(nasty);
  });
});

describe('buildCurl', () => {
  const cmd = buildCurl({
    url: 'http://127.0.0.1:8787/webhooks/github',
    headers: {
      'content-type': 'application/json',
      host: 'abc.trycloudflare.com',
      'content-length': '17',
      'x-github-event': 'push',
      'x-hub-signature-256': 'sha256=abc',
      'accept-encoding': 'gzip',
    },
    body: '{"zen":"it\'s ok"}\n',
  });

  it('posts the body as a literal argument with --data-raw', () => {
    expect(cmd.startsWith("curl -X POST http://127.0.0.1:8787/webhooks/github")).toBe(true);
    expect(cmd).toContain(`--data-raw '{"zen":"it'\\''s ok"}\n'`);
  });

  it('keeps the provider headers (so the signature still matches) and drops hop-by-hop ones', () => {
    expect(cmd).toContain("-H 'x-github-event: push'");
    expect(cmd).toContain("-H 'x-hub-signature-256: sha256=abc'");
    expect(cmd).toContain("-H 'content-type: application/json'");
    expect(cmd).not.toMatch(/host:|content-length|accept-encoding/i);
  });

  it('is one shell command split over lines', () => {
    const args = execFileSync('sh', ['-c', `set -- ${cmd.replace(/^curl /, '')}; for a; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' }).split('\0');
    expect(args.slice(0, 3)).toEqual(['-X', 'POST', 'http://127.0.0.1:8787/webhooks/github']);
    expect(args).toContain('{"zen":"it\'s ok"}\n');
  });
});

// The command run by the real curl against a local server: what arrives must be the stored
// body byte for byte, and a body naming a local file must never make curl read that file.
describe('the copied command, run by curl', () => {
  let server: http.Server;
  let url: string;
  const received: Buffer[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/generic`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const run = async (body: string) => {
    received.length = 0;
    await promisify(execFile)('sh', ['-c', buildCurl({ url, headers: { 'content-type': 'application/json' }, body })]);
    return received[0]!.toString('utf8');
  };

  it('sends a body that starts with "@" as text instead of reading the file it names', async () => {
    const body = '@/etc/passwd';
    const sent = await run(body);
    expect(sent).toBe(body);
    expect(sent).not.toContain('root:');
  });

  it('keeps newlines, carriage returns, quotes and shell syntax exactly', async () => {
    const body = `{"a":"it's"}\r\n{"b":"$(id) \`id\` $HOME"}\n\n@x\n`;
    expect(await run(body)).toBe(body);
  });
});
