// GitHub provider: signatures checked against @octokit/webhooks-methods and GitHub's
// published test vector, and every payload in @octokit/webhooks-examples normalized.
import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { sign, verify as octokitVerify } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { githubProvider } from '../../../../src/main/core/webhooks/github';
import { hmacHex, safeEqual } from '../../../../src/main/core/webhooks/hmac';
import { PayloadError, type IncomingDelivery } from '../../../../src/main/core/webhooks/types';

const NOW = 1_700_000_000_000;
const SECRET = 'gh-secret-1';

function delivery(body: string | Buffer, headers: Record<string, string | undefined> = {}, contentType = 'application/json'): IncomingDelivery {
  return {
    source: 'github',
    headers: { 'content-type': contentType, ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    contentType,
    now: NOW,
  };
}

async function signed(body: string, secret = SECRET, extra: Record<string, string> = {}): Promise<IncomingDelivery> {
  return delivery(body, { 'x-hub-signature-256': await sign(secret, body), 'x-github-event': 'push', ...extra });
}

function reason(d: IncomingDelivery, secrets: string[] = [SECRET]): string {
  const result = githubProvider.verify(d, secrets);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

function examplesOf(name: string): Record<string, unknown>[] {
  const def = examples.find((e) => e.name === name);
  if (!def) throw new Error(`no examples for ${name}`);
  return def.examples as unknown as Record<string, unknown>[];
}

function normalizeExample(event: string, payload: unknown) {
  const d = delivery(JSON.stringify(payload), { 'x-github-event': event, 'x-github-delivery': 'd-1' });
  return githubProvider.normalize(d, githubProvider.parse(d));
}

describe('hmac helpers', () => {
  it('match GitHub\'s published test vector', () => {
    expect(`sha256=${hmacHex('sha256', "It's a Secret to Everybody", 'Hello, World!')}`).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('compare in constant time and reject length mismatches', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
  });
});

describe('githubProvider.verify', () => {
  it('accepts GitHub\'s published test vector', () => {
    const d = delivery('Hello, World!', {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    });
    expect(githubProvider.verify(d, ["It's a Secret to Everybody"])).toEqual({ ok: true });
  });

  it('accepts what @octokit/webhooks-methods signs', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(githubProvider.verify(await signed(body), [SECRET])).toEqual({ ok: true });
  });

  it('accepts upper-case hex', async () => {
    const body = '{"a":1}';
    const sig = (await sign(SECRET, body)).replace(/^sha256=/, '');
    expect(githubProvider.verify(delivery(body, { 'x-hub-signature-256': `sha256=${sig.toUpperCase()}` }), [SECRET]).ok).toBe(true);
  });

  it('tries every secret, so the second of two verifies during rotation', async () => {
    const d = await signed('{"a":1}', 'new-secret');
    expect(githubProvider.verify(d, ['old-secret', 'new-secret'])).toEqual({ ok: true });
    expect(githubProvider.verify(d, ['new-secret', 'old-secret'])).toEqual({ ok: true });
  });

  it('says how many secrets were tried when none match', async () => {
    const d = await signed('{"a":1}', 'attacker');
    expect(reason(d, ['one', 'two'])).toBe('signature does not match any of the 2 configured secrets');
    expect(reason(d, ['one'])).toBe('signature does not match the configured secret');
  });

  it('never puts a secret in a reason', async () => {
    const d = await signed('{"a":1}', 'attacker');
    expect(reason(d, ['super-secret-value'])).not.toContain('super-secret-value');
  });

  it('ignores empty secrets and says when none are usable', async () => {
    const d = await signed('{"a":1}');
    expect(reason(d, [''])).toMatch(/no webhook secret is configured/);
    expect(githubProvider.verify(d, ['', SECRET]).ok).toBe(true);
  });

  it('rejects a missing header', () => {
    expect(reason(delivery('{}'))).toMatch(/^missing X-Hub-Signature-256 header; set a secret/);
  });

  it('says when only the SHA-1 header was sent', () => {
    const body = '{}';
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    expect(reason(delivery(body, { 'x-hub-signature': sha1 }))).toMatch(/only the SHA-1 X-Hub-Signature was sent/);
  });

  it('rejects a header sent twice (Node joins them with ", ")', async () => {
    const body = '{"a":1}';
    const sig = await sign(SECRET, body);
    expect(reason(delivery(body, { 'x-hub-signature-256': `${sig}, ${sig}` }))).toMatch(
      /X-Hub-Signature-256 header was sent 2 times; it must be sent exactly once/,
    );
  });

  it('rejects malformed values', () => {
    for (const value of ['sha256=xyz', 'sha1=757107ea0eb2509fc211221cce984b8a37570b6d', '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'sha256=']) {
      expect(reason(delivery('{}', { 'x-hub-signature-256': value }))).toMatch(/^malformed X-Hub-Signature-256 header; expected "sha256="/);
    }
  });

  it('diagnoses a body signed pretty-printed but sent compact', async () => {
    const value = { action: 'opened', number: 1, nested: { a: [1, 2] } };
    const d = delivery(JSON.stringify(value), { 'x-hub-signature-256': await sign(SECRET, JSON.stringify(value, null, 2)) });
    expect(reason(d)).toMatch(/^signature was computed over a re-serialized body, not the bytes that were sent/);
  });

  it('diagnoses a body signed compact but sent pretty-printed', async () => {
    const value = { action: 'opened', number: 1 };
    const d = delivery(JSON.stringify(value, null, 2), { 'x-hub-signature-256': await sign(SECRET, JSON.stringify(value)) });
    expect(reason(d)).toMatch(/re-serialized body/);
  });

  it('verifies the raw bytes, not a decoded string', () => {
    // Invalid UTF-8 would change under a string round trip; the signature covers the bytes.
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(githubProvider.verify(delivery(body, { 'x-hub-signature-256': sig }), [SECRET]).ok).toBe(true);
  });

  it('verifies a form-encoded delivery over the form bytes', async () => {
    const json = JSON.stringify({ zen: 'Design for failure.', hook_id: 7 });
    const body = `payload=${encodeURIComponent(json)}`;
    const d = delivery(body, { 'x-hub-signature-256': await sign(SECRET, body), 'x-github-event': 'ping' }, 'application/x-www-form-urlencoded');
    expect(githubProvider.verify(d, [SECRET]).ok).toBe(true);
    const event = githubProvider.normalize(d, githubProvider.parse(d));
    expect(event.summary).toBe('GitHub ping for hook 7');
  });
});

describe('githubProvider.parse', () => {
  it('reports bad JSON with its position and without echoing the body', () => {
    const d = delivery('{"a": 1, "secretish": tru}');
    expect(() => githubProvider.parse(d)).toThrow(PayloadError);
    try {
      githubProvider.parse(d);
    } catch (err) {
      expect((err as Error).message).toMatch(/^body is not valid JSON: .* at position 25 \(line 1, column 26\)$/);
      expect((err as Error).message).not.toContain('secretish');
    }
  });

  it('does not echo a long body either', () => {
    const body = `{"a": 1, "secretish": "${'x'.repeat(80)}", "b": tru}`;
    expect(() => githubProvider.parse(delivery(body))).toThrow(/^body is not valid JSON: Unexpected token "}" at position \d+/);
    expect(() => githubProvider.parse(delivery(body))).not.toThrow(/secretish|xxxx/);
  });

  it('reports an empty body', () => {
    expect(() => githubProvider.parse(delivery(' '))).toThrow(/body is empty; expected JSON/);
  });

  it('reports a form without a payload field', () => {
    const d = delivery('foo=bar', {}, 'application/x-www-form-urlencoded');
    expect(() => githubProvider.parse(d)).toThrow(/form body has no "payload" field/);
  });

  it('reports bad JSON inside the payload field', () => {
    const d = delivery('payload=%7Bnope', {}, 'application/x-www-form-urlencoded');
    expect(() => githubProvider.parse(d)).toThrow(/the payload form field is not valid JSON: .*position 1/);
  });
});

describe('githubProvider.normalize on @octokit/webhooks-examples', () => {
  const all = examples.flatMap((def) => def.examples.map((payload, i) => ({ name: def.name, i, payload })));

  it('covers all 329 examples', () => {
    expect(all.length).toBe(329);
  });

  it.each(all.map((e) => [`${e.name} #${e.i}`, e] as const))('%s', (_label, { name, payload }) => {
    const event = normalizeExample(name, payload);
    expect(event.type === name || event.type.startsWith(`${name}.`)).toBe(true);
    expect(event.summary.length).toBeGreaterThan(0);
    expect(event.summary.length).toBeLessThanOrEqual(200);
    expect(event.summary).not.toMatch(/[\n\r\t]/);
    expect(JSON.parse(JSON.stringify(event.fields))).toEqual(event.fields);
    expect(event.fields.event).toBe(name);
    expect(event.deliveryId).toBe('d-1');
    if (event.occurredAt !== null) expect(Number.isFinite(event.occurredAt)).toBe(true);
  });

  it('extracts a branch push', () => {
    const p = examplesOf('push').find((x) => String(x.ref).startsWith('refs/heads/') && (x.commits as unknown[]).length > 0)!;
    const commits = p.commits as { id: string; message: string; timestamp: string; url: string; author: { name: string } }[];
    const head = p.head_commit as { timestamp: string; message: string };
    const event = normalizeExample('push', p);
    expect(event.type).toBe('push');
    expect(event.subject).toBe('Codertocat/Hello-World');
    expect(event.occurredAt).toBe(Date.parse(head.timestamp));
    expect(event.fields).toMatchObject({
      event: 'push',
      action: null,
      repo: 'Codertocat/Hello-World',
      sender: 'Codertocat',
      ref: p.ref,
      branch: String(p.ref).slice('refs/heads/'.length),
      tag: null,
      before: p.before,
      after: p.after,
      commit_count: commits.length,
      pusher: (p.pusher as { name: string }).name,
      forced: p.forced,
      created: p.created,
      deleted: p.deleted,
      compare: p.compare,
      commit_messages: commits.slice(0, 5).map((c) => c.message.slice(0, 100)),
      commits: commits.map((c) => ({ sha: c.id, message: c.message, author: c.author.name, timestamp: c.timestamp, url: c.url })),
    });
    const firstLine = head.message.split('\n')[0];
    expect(event.summary).toBe(`Codertocat pushed 1 commit to master in Codertocat/Hello-World: ${firstLine}`);
  });

  it('extracts a tag push and a tag deletion', () => {
    const pushes = examplesOf('push');
    const created = normalizeExample('push', pushes.find((x) => x.created === true && String(x.ref).startsWith('refs/tags/'))!);
    expect(created.fields).toMatchObject({ branch: null, tag: 'simple-tag', commit_count: 0 });
    expect(created.summary).toBe('Codertocat created tag simple-tag in Codertocat/Hello-World');
    const deleted = normalizeExample('push', pushes.find((x) => x.deleted === true)!);
    expect(deleted.summary).toBe('Codertocat deleted tag simple-tag in Codertocat/Hello-World');
    expect(deleted.occurredAt).toBeNull();
  });

  it('extracts pull_request.opened', () => {
    const p = examplesOf('pull_request').find((x) => x.action === 'opened')!;
    const pr = p.pull_request as Record<string, any>;
    const event = normalizeExample('pull_request', p);
    expect(event.type).toBe('pull_request.opened');
    expect(event.occurredAt).toBe(Date.parse(pr.updated_at));
    expect(event.fields).toMatchObject({
      event: 'pull_request',
      action: 'opened',
      number: pr.number,
      title: pr.title,
      user: pr.user.login,
      state: pr.state,
      merged: pr.merged,
      draft: pr.draft,
      head_ref: pr.head.ref,
      head_sha: pr.head.sha,
      base_ref: pr.base.ref,
      url: pr.html_url,
    });
    const sender = (p.sender as { login: string }).login;
    expect(event.summary).toBe(`${sender} opened PR #${pr.number} "${pr.title}" in Codertocat/Hello-World`);
  });

  it('says "merged" for a closed and merged pull request', () => {
    const p = examplesOf('pull_request').find((x) => x.action === 'closed' && (x.pull_request as any).merged === true);
    if (!p) return;
    expect(normalizeExample('pull_request', p).summary).toMatch(/ merged PR #\d+/);
  });

  it('extracts an issues event', () => {
    const p = examplesOf('issues').find((x) => x.action === 'opened')!;
    const issue = p.issue as Record<string, any>;
    const event = normalizeExample('issues', p);
    expect(event.type).toBe('issues.opened');
    expect(event.occurredAt).toBe(Date.parse(issue.updated_at));
    expect(event.fields).toMatchObject({
      number: issue.number,
      title: issue.title,
      user: issue.user.login,
      state: issue.state,
      url: issue.html_url,
    });
    expect(event.summary).toBe(`${(p.sender as any).login} opened issue #${issue.number} "${issue.title}" in ${event.subject}`);
  });

  it('extracts a deployment_status event', () => {
    const p = examplesOf('deployment_status')[0]!;
    const status = p.deployment_status as Record<string, any>;
    const dep = p.deployment as Record<string, any>;
    const event = normalizeExample('deployment_status', p);
    expect(event.type).toBe('deployment_status.created');
    expect(event.occurredAt).toBe(Date.parse(status.updated_at));
    expect(event.fields).toMatchObject({
      deployment_id: dep.id,
      environment: dep.environment,
      sha: dep.sha,
      ref: dep.ref,
      creator: dep.creator.login,
      description: dep.description,
      state: status.state,
      target_url: status.environment_url || status.target_url || status.log_url || null,
      status_description: status.description || null,
    });
    expect(event.summary).toBe(`deployment to ${dep.environment} of ${event.subject}: ${status.state}`);
  });

  it('extracts ping', () => {
    const p = examplesOf('ping').find((x) => typeof x.hook_id === 'number')!;
    const event = normalizeExample('ping', p);
    expect(event.type).toBe('ping');
    expect(event.fields).toMatchObject({ zen: p.zen, hook_id: p.hook_id });
    expect(event.summary).toBe(`GitHub ping for hook ${p.hook_id}`);
  });
});

describe('githubProvider.normalize on odd payloads', () => {
  it.each([null, 42, 'text', [], {}, { action: 5 }, { repository: 'x', commits: 'nope', ref: 7 }, { pull_request: [] }])(
    'does not throw on %j',
    (payload) => {
      for (const event of ['push', 'pull_request', 'issues', 'deployment_status', 'ping', 'constructor', '__proto__']) {
        const e = githubProvider.normalize(delivery('{}', { 'x-github-event': event }), payload);
        expect(e.summary.length).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(e.fields))).toEqual(e.fields);
      }
    },
  );

  it('uses "unknown" without an event header and falls back to organization and sender', () => {
    const e = githubProvider.normalize(delivery('{}'), { organization: { login: 'octo-org' }, sender: { login: 'alice' } });
    expect(e).toMatchObject({ type: 'unknown', subject: 'octo-org', deliveryId: null, occurredAt: null, summary: 'unknown in octo-org' });
    const s = githubProvider.normalize(delivery('{}', { 'x-github-event': 'star' }), { action: 'created', sender: { login: 'alice' } });
    expect(s).toMatchObject({ type: 'star.created', subject: 'alice', summary: 'star.created in alice' });
  });

  it('keeps summaries to one line of at most 200 characters', () => {
    const title = `Line one\nline two ${'x'.repeat(400)}`;
    const e = githubProvider.normalize(delivery('{}', { 'x-github-event': 'issues' }), {
      action: 'opened',
      issue: { number: 1, title },
      repository: { full_name: 'o/r' },
    });
    expect(e.summary.length).toBe(200);
    expect(e.summary.endsWith('…')).toBe(true);
    expect(e.summary).not.toContain('\n');
  });

  it('caps commits at 20 and trims messages', () => {
    const commits = Array.from({ length: 25 }, (_, i) => ({ id: `sha${i}`, message: `m${i} ${'y'.repeat(300)}`, author: { name: 'a' } }));
    const e = githubProvider.normalize(delivery('{}', { 'x-github-event': 'push' }), { ref: 'refs/heads/main', commits });
    expect(e.fields.commit_count).toBe(25);
    expect((e.fields.commits as unknown[]).length).toBe(20);
    expect((e.fields.commit_messages as string[]).length).toBe(5);
    expect((e.fields.commit_messages as string[]).every((m) => m.length === 100)).toBe(true);
    expect((e.fields.commits as { message: string }[]).every((c) => c.message.length === 200)).toBe(true);
  });
});

describe('githubProvider.sample', () => {
  it('is a signed push that GitHub\'s own library and ours verify', async () => {
    const { headers, body, contentType } = githubProvider.sample(SECRET, NOW);
    expect(contentType).toBe('application/json');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-github-event']).toBe('push');
    expect(headers['user-agent']).toBe('GitHub-Hookshot/tidings-test');
    expect(headers['x-github-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await octokitVerify(SECRET, body.toString('utf8'), headers['x-hub-signature-256']!)).toBe(true);
    const d = delivery(body, headers);
    expect(githubProvider.verify(d, [SECRET])).toEqual({ ok: true });
    const event = githubProvider.normalize(d, githubProvider.parse(d));
    expect(event.type).toBe('push');
    expect(event.summary).toBe('alice pushed 1 commit to main in octo/hello: Fix the thing');
    expect(event.occurredAt).toBe(Math.floor(NOW / 1000) * 1000);
    expect(event.deliveryId).toBe(headers['x-github-delivery']);
  });

  it('uses a fresh delivery id each time and omits signatures without a secret', () => {
    const a = githubProvider.sample(null, NOW);
    const b = githubProvider.sample(null, NOW);
    expect(a.headers['x-github-delivery']).not.toBe(b.headers['x-github-delivery']);
    expect(a.headers['x-hub-signature-256']).toBeUndefined();
  });
});
