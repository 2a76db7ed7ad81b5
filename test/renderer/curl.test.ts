import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
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

  it('posts the exact body with --data-binary', () => {
    expect(cmd.startsWith("curl -X POST http://127.0.0.1:8787/webhooks/github")).toBe(true);
    expect(cmd).toContain(`--data-binary '{"zen":"it'\\''s ok"}\n'`);
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
