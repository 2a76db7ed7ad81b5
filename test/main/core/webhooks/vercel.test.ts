// Vercel provider: x-vercel-signature checked against an independent node:crypto HMAC,
// and both payload shapes (current nested, older flat) normalized.
import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { vercelProvider } from '../../../../src/main/core/webhooks/vercel';
import type { IncomingDelivery } from '../../../../src/main/core/webhooks/types';

const SECRET = 'vercel-secret-1';
const NOW = 1_700_000_000_000;

function oracle(secret: string, body: string | Buffer): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

function delivery(body: string | Buffer, signature?: string): IncomingDelivery {
  return {
    source: 'vercel',
    headers: { 'content-type': 'application/json', 'x-vercel-signature': signature },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    contentType: 'application/json',
    now: NOW,
  };
}

function reason(d: IncomingDelivery, secrets: string[] = [SECRET]): string {
  const result = vercelProvider.verify(d, secrets);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

function normalize(payload: unknown) {
  const body = JSON.stringify(payload);
  const d = delivery(body, oracle(SECRET, body));
  return vercelProvider.normalize(d, vercelProvider.parse(d));
}

const CURRENT = {
  id: 'evt_abc',
  type: 'deployment.succeeded',
  createdAt: NOW,
  region: 'sfo1',
  payload: {
    team: { id: 'team_1' },
    user: { id: 'user_1' },
    deployment: {
      id: 'dpl_123',
      name: 'my-app',
      url: 'my-app-abc.vercel.app',
      meta: {
        githubCommitSha: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
        githubCommitRef: 'main',
        githubCommitMessage: 'Fix the thing\n\nLonger body',
        githubCommitAuthorLogin: 'alice',
        githubRepo: 'hello',
        githubOrg: 'octo',
      },
    },
    links: { deployment: 'https://vercel.com/octo/my-app/123', project: 'https://vercel.com/octo/my-app' },
    name: 'my-app',
    project: { id: 'prj_1' },
    target: 'production',
    url: 'my-app-abc.vercel.app',
  },
};

const FLAT = {
  id: 'evt_old',
  type: 'deployment.error',
  createdAt: NOW - 5000,
  payload: {
    deploymentId: 'dpl_old',
    projectId: 'prj_old',
    name: 'legacy-app',
    url: 'https://legacy-app-xyz.vercel.app',
    target: null,
    meta: { githubCommitSha: 'abcdef0123456789', githubCommitRef: 'feature/x', githubRepo: 'legacy' },
  },
};

describe('vercelProvider.verify', () => {
  it('accepts an HMAC-SHA1 of the raw body computed independently', () => {
    const body = JSON.stringify(CURRENT);
    expect(vercelProvider.verify(delivery(body, oracle(SECRET, body)), [SECRET])).toEqual({ ok: true });
  });

  it('tries every secret (rotation) and rejects wrong ones', () => {
    const body = JSON.stringify(CURRENT);
    const d = delivery(body, oracle('new', body));
    expect(vercelProvider.verify(d, ['old', 'new'])).toEqual({ ok: true });
    expect(reason(d, ['old', 'other'])).toBe('signature does not match any of the 2 configured secrets');
    expect(reason(d, ['old'])).toBe('signature does not match the configured secret');
  });

  it('rejects a missing header', () => {
    expect(reason(delivery('{}'))).toMatch(/^missing x-vercel-signature header/);
  });

  it('rejects a header sent twice', () => {
    const sig = oracle(SECRET, '{}');
    expect(reason(delivery('{}', `${sig}, ${sig}`))).toMatch(/^x-vercel-signature header was sent 2 times/);
  });

  it('rejects malformed values', () => {
    const sig = oracle(SECRET, '{}');
    for (const value of ['nothex', `sha1=${sig}`, sig.slice(1), `${sig}00`]) {
      expect(reason(delivery('{}', value))).toMatch(/^malformed x-vercel-signature header; expected 40 hex digits/);
    }
  });

  it('diagnoses a re-serialized body in both directions', () => {
    const compact = JSON.stringify(CURRENT);
    const pretty = JSON.stringify(CURRENT, null, 2);
    expect(reason(delivery(compact, oracle(SECRET, pretty)))).toMatch(/^signature was computed over a re-serialized body, not the bytes that were sent/);
    expect(reason(delivery(pretty, oracle(SECRET, compact)))).toMatch(/re-serialized body/);
  });
});

describe('vercelProvider.normalize', () => {
  it('reads the current nested shape', () => {
    const e = normalize(CURRENT);
    expect(e).toMatchObject({
      type: 'deployment.succeeded',
      subject: 'my-app',
      deliveryId: 'evt_abc',
      occurredAt: NOW,
      summary: 'my-app deployment succeeded (production) at https://my-app-abc.vercel.app for 1a2b3c4: Fix the thing',
    });
    expect(e.fields).toEqual({
      project: 'my-app',
      project_id: 'prj_1',
      deployment_id: 'dpl_123',
      url: 'https://my-app-abc.vercel.app',
      state: 'succeeded',
      target: 'production',
      commit_sha: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      commit_ref: 'main',
      commit_message: 'Fix the thing\n\nLonger body',
      commit_author: 'alice',
      repo: 'octo/hello',
      created_at: NOW,
    });
  });

  it('reads the older flat shape', () => {
    const e = normalize(FLAT);
    expect(e.subject).toBe('legacy-app');
    expect(e.fields).toMatchObject({
      project: 'legacy-app',
      project_id: 'prj_old',
      deployment_id: 'dpl_old',
      url: 'https://legacy-app-xyz.vercel.app',
      state: 'error',
      target: null,
      commit_sha: 'abcdef0123456789',
      commit_ref: 'feature/x',
      repo: 'legacy',
    });
    expect(e.summary).toBe('legacy-app deployment error (preview) at https://legacy-app-xyz.vercel.app for abcdef0');
  });

  it.each(['created', 'error', 'canceled', 'promoted', 'ready'])('maps deployment.%s to its state', (state) => {
    expect(normalize({ ...CURRENT, type: `deployment.${state}` }).fields.state).toBe(state);
  });

  it('leaves state null for events that are not about a deployment', () => {
    const e = normalize({ id: 'evt_p', type: 'project.created', createdAt: NOW, payload: { project: { id: 'prj_9', name: 'new-app' } } });
    expect(e.fields).toMatchObject({ state: null, project: 'new-app', project_id: 'prj_9' });
    expect(e.summary).toBe('new-app: project.created');
  });

  it.each([null, [], 7, {}, { type: 3, payload: 'x' }, { type: 'deployment.created', payload: { deployment: { url: 5, meta: [] } } }])(
    'does not throw on %j',
    (payload) => {
      const e = vercelProvider.normalize(delivery('{}'), payload);
      expect(e.summary.length).toBeGreaterThan(0);
      expect(e.summary.length).toBeLessThanOrEqual(200);
      expect(JSON.parse(JSON.stringify(e.fields))).toEqual(e.fields);
    },
  );
});

describe('vercelProvider.sample', () => {
  it('is a deployment.succeeded signed as Vercel signs', () => {
    const { headers, body, contentType } = vercelProvider.sample(SECRET, NOW);
    expect(contentType).toBe('application/json');
    expect(headers['x-vercel-signature']).toBe(oracle(SECRET, body));
    const d = delivery(body, headers['x-vercel-signature']);
    expect(vercelProvider.verify(d, [SECRET])).toEqual({ ok: true });
    const e = vercelProvider.normalize(d, vercelProvider.parse(d));
    expect(e.type).toBe('deployment.succeeded');
    expect(e.occurredAt).toBe(NOW);
    expect(e.summary).toMatch(/^my-app deployment succeeded \(production\) at https:\/\/my-app-[0-9a-f]+\.vercel\.app for [0-9a-f]{7}: Fix the thing$/);
    expect(vercelProvider.sample(null, NOW).headers['x-vercel-signature']).toBeUndefined();
  });
});
