// Vercel webhooks: x-vercel-signature (hex HMAC-SHA1 of the raw body) and the project,
// deployment URL, target and git commit of deployment events, from both the current
// nested payload ({payload: {deployment, project, ...}}) and the older flat one.
import { randomBytes } from 'node:crypto';
import { anySignatureMatches, hmac, hmacHex } from './hmac';
import type { IncomingDelivery, NormalizedEvent, Provider, VerifyResult } from './types';
import {
  at,
  clip,
  duplicated,
  fail,
  firstLine,
  firstText,
  header,
  hexSignature,
  mismatchReason,
  NO_SECRETS,
  num,
  OK,
  oneLine,
  parseJson,
  text,
  usableSecrets,
  type Json,
} from './util';

const JSON_TYPE = 'application/json';
const LABEL = 'x-vercel-signature';

export const vercelProvider: Provider = {
  kind: 'vercel',
  contentTypes: [JSON_TYPE],

  verify(delivery: IncomingDelivery, secrets: readonly string[]): VerifyResult {
    const keys = usableSecrets(secrets);
    if (keys.length === 0) return fail(NO_SECRETS);
    const value = header(delivery, 'x-vercel-signature');
    if (value === undefined) return fail(`missing ${LABEL} header; Vercel signs every webhook delivery with the webhook's secret`);
    if (value.includes(',')) return fail(duplicated(LABEL, value));
    const signature = hexSignature(value, 40);
    if (!signature) return fail(`malformed ${LABEL} header; expected 40 hex digits (HMAC-SHA1)`);
    const signedWith = (body: Buffer): boolean => anySignatureMatches([signature], keys, (key) => hmac('sha1', key, body));
    if (signedWith(delivery.body)) return OK;
    return fail(mismatchReason(delivery.body, signedWith, keys.length));
  },

  parse(delivery: IncomingDelivery): unknown {
    return parseJson(delivery.body);
  },

  normalize(_delivery: IncomingDelivery, payload: unknown): NormalizedEvent {
    const type = text(at(payload, 'type')) ?? 'unknown';
    const fields = extractFields(type, payload);
    return {
      type,
      subject: text(fields.project),
      summary: oneLine(summarize(type, fields), 200),
      occurredAt: num(at(payload, 'createdAt')),
      deliveryId: text(at(payload, 'id')),
      fields,
    };
  },

  sample(secret: string | null, now: number) {
    const body = Buffer.from(JSON.stringify(sampleEvent(now)), 'utf8');
    return { headers: vercelProvider.envelope(body, secret, now), body, contentType: JSON_TYPE };
  },

  envelope(body: Buffer, secret: string | null) {
    const headers: Record<string, string> = { 'content-type': JSON_TYPE, 'user-agent': 'Vercel-Webhooks/tidings-test' };
    if (secret !== null) headers['x-vercel-signature'] = hmacHex('sha1', secret, body);
    return headers;
  },
};

// ---------------------------------------------------------------------------------------
// Fields. Each one looks in the current shape first, then in the flat one.

function extractFields(type: string, payload: unknown): Json {
  const p = at(payload, 'payload');
  const deployment = at(p, 'deployment');
  const meta = at(deployment, 'meta') ?? at(p, 'meta');
  const org = firstText(at(meta, 'githubOrg'), at(meta, 'githubCommitOrg'));
  const repo = firstText(at(meta, 'githubRepo'), at(meta, 'githubCommitRepo'));
  return {
    project: firstText(at(p, 'name'), at(deployment, 'name'), at(p, 'project', 'name')),
    project_id: firstText(at(p, 'project', 'id'), at(p, 'projectId')),
    deployment_id: firstText(at(deployment, 'id'), at(p, 'deploymentId')),
    url: absoluteUrl(firstText(at(deployment, 'url'), at(p, 'url'))),
    state: type.startsWith('deployment.') ? type.slice('deployment.'.length) : null,
    target: firstText(at(p, 'target'), at(deployment, 'target')),
    commit_sha: text(at(meta, 'githubCommitSha')),
    commit_ref: text(at(meta, 'githubCommitRef')),
    commit_message: clip(text(at(meta, 'githubCommitMessage')), 500),
    commit_author: text(at(meta, 'githubCommitAuthorLogin')),
    repo: org && repo ? `${org}/${repo}` : repo,
    created_at: num(at(payload, 'createdAt')),
  };
}

/** Vercel sends deployment URLs as bare hosts (`my-app-abc.vercel.app`). */
function absoluteUrl(url: string | null): string | null {
  if (url === null) return null;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
}

function summarize(type: string, f: Json): string {
  const project = text(f.project) ?? 'Vercel project';
  const state = text(f.state);
  if (!state) return `${project}: ${type}`;
  // Vercel leaves target null for preview deployments.
  const target = text(f.target) ?? 'preview';
  const url = text(f.url);
  const sha = clip(text(f.commit_sha), 7);
  const message = firstLine(text(f.commit_message));
  return `${project} deployment ${state} (${target})${url ? ` at ${url}` : ''}${sha ? ` for ${sha}` : ''}${
    message ? `: ${message}` : ''
  }`;
}

// ---------------------------------------------------------------------------------------
// Sample: a deployment.succeeded event in the current shape.

function sampleEvent(now: number): Json {
  const sha = randomBytes(20).toString('hex');
  const suffix = randomBytes(4).toString('hex');
  const deploymentId = `dpl_${randomBytes(12).toString('base64url')}`;
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    type: 'deployment.succeeded',
    createdAt: now,
    region: 'iad1',
    payload: {
      team: { id: 'team_tidings' },
      user: { id: 'user_tidings' },
      deployment: {
        id: deploymentId,
        name: 'my-app',
        url: `my-app-${suffix}.vercel.app`,
        inspectorUrl: `https://vercel.com/octo/my-app/${deploymentId.slice(4)}`,
        meta: {
          githubCommitSha: sha,
          githubCommitRef: 'main',
          githubCommitMessage: 'Fix the thing',
          githubCommitAuthorLogin: 'alice',
          githubRepo: 'hello',
          githubOrg: 'octo',
        },
      },
      links: {
        deployment: `https://vercel.com/octo/my-app/${deploymentId.slice(4)}`,
        project: 'https://vercel.com/octo/my-app',
      },
      name: 'my-app',
      plan: 'hobby',
      project: { id: 'prj_tidings' },
      regions: ['iad1'],
      target: 'production',
      type: 'LAMBDAS',
      url: `my-app-${suffix}.vercel.app`,
    },
  };
}
