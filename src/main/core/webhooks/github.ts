// GitHub webhooks: X-Hub-Signature-256 over the raw body, JSON or form-encoded bodies,
// and the fields of push, pull_request, issues, deployment and deployment_status that
// the activity and deployment views are built from.
import { randomBytes, randomUUID } from 'node:crypto';
import { anySignatureMatches, hmac, hmacHex } from './hmac';
import { PayloadError } from './types';
import type { IncomingDelivery, NormalizedEvent, Provider, VerifyResult } from './types';
import {
  at,
  bool,
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
  toMs,
  usableSecrets,
  type Json,
} from './util';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const LABEL = 'X-Hub-Signature-256';

type Extract = (p: unknown) => Json;
type Summarize = (f: Json, p: unknown, subject: string | null) => string | null;

export const githubProvider: Provider = {
  kind: 'github',
  contentTypes: [JSON_TYPE, FORM_TYPE],

  verify(delivery: IncomingDelivery, secrets: readonly string[]): VerifyResult {
    const keys = usableSecrets(secrets);
    if (keys.length === 0) return fail(NO_SECRETS);
    const value = header(delivery, 'x-hub-signature-256');
    if (value === undefined) return fail(missingSignature(delivery));
    if (value.includes(',')) return fail(duplicated(LABEL, value));
    const signature = value.startsWith('sha256=') ? hexSignature(value.slice(7), 64) : null;
    if (!signature) return fail(`malformed ${LABEL} header; expected "sha256=" followed by 64 hex digits`);
    const signedWith = (body: Buffer): boolean =>
      anySignatureMatches([signature], keys, (key) => hmac('sha256', key, body));
    if (signedWith(delivery.body)) return OK;
    return fail(mismatchReason(delivery.body, signedWith, keys.length));
  },

  parse(delivery: IncomingDelivery): unknown {
    if (delivery.contentType === FORM_TYPE) return parseJson(formPayload(delivery.body), 'the payload form field');
    return parseJson(delivery.body);
  },

  normalize(delivery: IncomingDelivery, payload: unknown): NormalizedEvent {
    const event = text(delivery.headers['x-github-event']) ?? 'unknown';
    const action = text(at(payload, 'action'));
    const type = action ? `${event}.${action}` : event;
    const subject = firstText(
      at(payload, 'repository', 'full_name'),
      at(payload, 'organization', 'login'),
      at(payload, 'sender', 'login'),
    );
    const fields: Json = {
      event,
      action,
      repo: text(at(payload, 'repository', 'full_name')),
      sender: text(at(payload, 'sender', 'login')),
      ...EXTRACT.get(event)?.(payload),
    };
    const summary = SUMMARIZE.get(event)?.(fields, payload, subject) ?? `${type}${where(subject)}`;
    return {
      type,
      subject,
      summary: oneLine(summary, 200),
      occurredAt: OCCURRED.get(event)?.(payload) ?? null,
      deliveryId: text(delivery.headers['x-github-delivery']),
      fields,
    };
  },

  sample(secret: string | null, now: number) {
    const body = Buffer.from(JSON.stringify(samplePush(now)), 'utf8');
    return { headers: githubProvider.envelope(body, secret, now, 'push'), body, contentType: JSON_TYPE };
  },

  envelope(body: Buffer, secret: string | null, _now: number, event = 'push') {
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'user-agent': 'GitHub-Hookshot/tidings-test',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '123456789',
    };
    if (secret !== null) {
      // GitHub still sends the SHA-1 header alongside; include it so receivers see both.
      headers['x-hub-signature'] = `sha1=${hmacHex('sha1', secret, body)}`;
      headers['x-hub-signature-256'] = `sha256=${hmacHex('sha256', secret, body)}`;
    }
    return headers;
  },
};

function missingSignature(delivery: IncomingDelivery): string {
  if (header(delivery, 'x-hub-signature') !== undefined) {
    return `missing ${LABEL} header; only the SHA-1 X-Hub-Signature was sent, which is not accepted (GitHub sends the SHA-256 header whenever the webhook has a secret)`;
  }
  return `missing ${LABEL} header; set a secret on the GitHub webhook so its deliveries are signed`;
}

function formPayload(body: Buffer): string {
  const payload = new URLSearchParams(body.toString('utf8')).get('payload');
  if (payload === null) {
    throw new PayloadError('form body has no "payload" field; GitHub sends form deliveries as payload=<url-encoded JSON>');
  }
  return payload;
}

// ---------------------------------------------------------------------------------------
// Fields. A Map, not an object literal, so an event header like `constructor` finds nothing.

function pushFields(p: unknown): Json {
  const ref = text(at(p, 'ref'));
  const commits = list(at(p, 'commits'));
  return {
    ref,
    branch: ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
    tag: ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null,
    before: text(at(p, 'before')),
    after: text(at(p, 'after')),
    // The Events API reports `size`; webhooks cap `commits` at 20, so prefer `size`.
    commit_count: num(at(p, 'size')) ?? commits.length,
    pusher: firstText(at(p, 'pusher', 'name'), at(p, 'pusher', 'login')),
    forced: bool(at(p, 'forced')),
    created: bool(at(p, 'created')),
    deleted: bool(at(p, 'deleted')),
    compare: text(at(p, 'compare')),
    // First lines: every field is flattened to one line when stored (see clean-text), and
    // a message's body run into its title reads as one long title.
    commit_messages: commits.slice(0, 5).map((c) => clip(firstLine(text(at(c, 'message'))) ?? '', 100)),
    commits: commits.slice(0, 20).map(commitFields),
  };
}

function commitFields(c: unknown): Json {
  return {
    sha: text(at(c, 'id')),
    message: clip(firstLine(text(at(c, 'message'))), 200),
    author: firstText(at(c, 'author', 'name'), at(c, 'author', 'username')),
    timestamp: text(at(c, 'timestamp')),
    url: text(at(c, 'url')),
  };
}

function pullRequestFields(p: unknown): Json {
  const pr = at(p, 'pull_request');
  return {
    number: num(at(pr, 'number')) ?? num(at(p, 'number')),
    title: text(at(pr, 'title')),
    user: text(at(pr, 'user', 'login')),
    state: text(at(pr, 'state')),
    merged: bool(at(pr, 'merged')),
    draft: bool(at(pr, 'draft')),
    head_ref: text(at(pr, 'head', 'ref')),
    head_sha: text(at(pr, 'head', 'sha')),
    base_ref: text(at(pr, 'base', 'ref')),
    url: text(at(pr, 'html_url')),
  };
}

function issueFields(p: unknown): Json {
  const issue = at(p, 'issue');
  return {
    number: num(at(issue, 'number')),
    title: text(at(issue, 'title')),
    user: text(at(issue, 'user', 'login')),
    state: text(at(issue, 'state')),
    url: text(at(issue, 'html_url')),
  };
}

function deploymentFields(p: unknown): Json {
  const dep = at(p, 'deployment');
  return {
    deployment_id: num(at(dep, 'id')) ?? text(at(dep, 'id')),
    environment: text(at(dep, 'environment')),
    sha: text(at(dep, 'sha')),
    ref: text(at(dep, 'ref')),
    creator: text(at(dep, 'creator', 'login')),
    description: text(at(dep, 'description')),
  };
}

function deploymentStatusFields(p: unknown): Json {
  const status = at(p, 'deployment_status');
  return {
    ...deploymentFields(p),
    environment: firstText(at(p, 'deployment', 'environment'), at(status, 'environment')),
    state: text(at(status, 'state')),
    // GitHub sends "" for the URLs nobody set, hence firstText rather than ??.
    target_url: firstText(at(status, 'environment_url'), at(status, 'target_url'), at(status, 'log_url')),
    status_description: text(at(status, 'description')),
  };
}

function pingFields(p: unknown): Json {
  return { zen: text(at(p, 'zen')), hook_id: num(at(p, 'hook_id')) ?? num(at(p, 'hook', 'id')) };
}

function releaseFields(p: unknown): Json {
  const release = at(p, 'release');
  return {
    tag: text(at(release, 'tag_name')),
    name: text(at(release, 'name')),
    prerelease: bool(at(release, 'prerelease')),
    url: text(at(release, 'html_url')),
  };
}

function workflowRunFields(p: unknown): Json {
  const run = at(p, 'workflow_run');
  return {
    name: text(at(run, 'name')),
    status: text(at(run, 'status')),
    conclusion: text(at(run, 'conclusion')),
    branch: text(at(run, 'head_branch')),
    head_sha: text(at(run, 'head_sha')),
    run_number: num(at(run, 'run_number')),
    url: text(at(run, 'html_url')),
  };
}

const EXTRACT = new Map<string, Extract>([
  ['push', pushFields],
  ['pull_request', pullRequestFields],
  ['issues', issueFields],
  ['deployment', deploymentFields],
  ['deployment_status', deploymentStatusFields],
  ['ping', pingFields],
  ['release', releaseFields],
  ['workflow_run', workflowRunFields],
]);

const OCCURRED = new Map<string, (p: unknown) => number | null>([
  ['push', (p) => toMs(at(p, 'head_commit', 'timestamp'))],
  ['pull_request', (p) => toMs(at(p, 'pull_request', 'updated_at'))],
  ['issues', (p) => toMs(at(p, 'issue', 'updated_at'))],
  [
    'deployment_status',
    (p) => toMs(at(p, 'deployment_status', 'updated_at')) ?? toMs(at(p, 'deployment_status', 'created_at')),
  ],
  ['deployment', (p) => toMs(at(p, 'deployment', 'created_at'))],
  ['workflow_run', (p) => toMs(at(p, 'workflow_run', 'updated_at'))],
  ['release', (p) => toMs(at(p, 'release', 'published_at')) ?? toMs(at(p, 'release', 'created_at'))],
]);

// ---------------------------------------------------------------------------------------
// Summaries: one line a person reads at a glance, built from the fields above.

function where(subject: string | null): string {
  return subject ? ` in ${subject}` : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function pushSummary(f: Json, p: unknown, subject: string | null): string {
  const who = text(f.pusher) ?? text(f.sender) ?? 'someone';
  const kind = f.tag ? 'tag' : 'branch';
  const ref = text(f.branch) ?? text(f.tag) ?? text(f.ref) ?? 'a ref';
  if (f.deleted === true) return `${who} deleted ${kind} ${ref}${where(subject)}`;
  const count = typeof f.commit_count === 'number' ? f.commit_count : 0;
  if (f.created === true && count === 0) return `${who} created ${kind} ${ref}${where(subject)}`;
  const verb = f.forced === true ? 'force-pushed' : 'pushed';
  const commits = list(at(p, 'commits'));
  const head = firstLine(firstText(at(p, 'head_commit', 'message'), at(commits[commits.length - 1], 'message')));
  return `${who} ${verb} ${plural(count, 'commit')} to ${ref}${where(subject)}${head ? `: ${head}` : ''}`;
}

/** "synchronize" reads badly in a sentence; the rest only need their underscores gone. */
function verbFor(action: string | null, merged: unknown): string {
  if (action === 'closed' && merged === true) return 'merged';
  if (action === 'synchronize') return 'updated';
  return action ? action.replace(/_/g, ' ') : 'updated';
}

function pullRequestSummary(f: Json, _p: unknown, subject: string | null): string {
  const who = text(f.sender) ?? text(f.user) ?? 'someone';
  const title = text(f.title) ? ` "${f.title as string}"` : '';
  return `${who} ${verbFor(text(f.action), f.merged)} PR #${num(f.number) ?? '?'}${title}${where(subject)}`;
}

function issueSummary(f: Json, _p: unknown, subject: string | null): string {
  const who = text(f.sender) ?? text(f.user) ?? 'someone';
  const title = text(f.title) ? ` "${f.title as string}"` : '';
  return `${who} ${verbFor(text(f.action), false)} issue #${num(f.number) ?? '?'}${title}${where(subject)}`;
}

function deploymentSummary(f: Json, _p: unknown, subject: string | null): string {
  const ref = text(f.ref) ?? clip(text(f.sha), 7);
  const who = text(f.creator) ?? text(f.sender);
  return `deployment to ${text(f.environment) ?? 'an environment'} of ${subject ?? 'a repository'} requested${
    who ? ` by ${who}` : ''
  }${ref ? ` (${ref})` : ''}`;
}

function deploymentStatusSummary(f: Json, _p: unknown, subject: string | null): string {
  return `deployment to ${text(f.environment) ?? 'an environment'} of ${subject ?? 'a repository'}: ${text(f.state) ?? 'unknown'}`;
}

function pingSummary(f: Json): string {
  return typeof f.hook_id === 'number' ? `GitHub ping for hook ${f.hook_id}` : 'GitHub ping';
}

function releaseSummary(f: Json, _p: unknown, subject: string | null): string {
  const who = text(f.sender) ?? 'someone';
  return `${who} ${verbFor(text(f.action), false)} release ${text(f.tag) ?? text(f.name) ?? ''}${where(subject)}`;
}

function workflowRunSummary(f: Json, _p: unknown, subject: string | null): string {
  const outcome = text(f.status) === 'completed' ? (text(f.conclusion) ?? 'completed') : (text(f.status) ?? text(f.action));
  const branch = text(f.branch) ? ` on ${f.branch as string}` : '';
  return `workflow "${text(f.name) ?? '?'}" ${outcome ?? 'updated'}${branch}${where(subject)}`;
}

const SUMMARIZE = new Map<string, Summarize>([
  ['push', pushSummary],
  ['pull_request', pullRequestSummary],
  ['issues', issueSummary],
  ['deployment', deploymentSummary],
  ['deployment_status', deploymentStatusSummary],
  ['ping', pingSummary],
  ['release', releaseSummary],
  ['workflow_run', workflowRunSummary],
]);

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

// ---------------------------------------------------------------------------------------
// Sample: shaped like a real push delivery, trimmed to the parts anything reads.

function samplePush(now: number): Json {
  const sha = randomBytes(20).toString('hex');
  const before = randomBytes(20).toString('hex');
  const timestamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const author = { name: 'Alice Example', email: 'alice@example.com', username: 'alice' };
  const commit = {
    id: sha,
    tree_id: randomBytes(20).toString('hex'),
    distinct: true,
    message: 'Fix the thing\n\nSent by `tidings send-test`.',
    timestamp,
    url: `https://github.com/octo/hello/commit/${sha}`,
    author,
    committer: author,
    added: [],
    removed: [],
    modified: ['README.md'],
  };
  return {
    ref: 'refs/heads/main',
    before,
    after: sha,
    repository: {
      id: 1296269,
      name: 'hello',
      full_name: 'octo/hello',
      private: false,
      owner: { login: 'octo', id: 1, type: 'Organization' },
      html_url: 'https://github.com/octo/hello',
      default_branch: 'main',
    },
    pusher: { name: 'alice', email: 'alice@example.com' },
    sender: { login: 'alice', id: 2, type: 'User' },
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/octo/hello/compare/${before.slice(0, 12)}...${sha.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
  };
}
