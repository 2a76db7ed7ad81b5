// Slack: the v0 signing scheme (HMAC-SHA256 of `v0:${timestamp}:${body}`), the three
// kinds of request an app receives (Events API JSON, slash-command forms, interactivity
// forms carrying a JSON `payload`), and the url_verification handshake.
import { randomBytes } from 'node:crypto';
import { anySignatureMatches, hmac, hmacHex } from './hmac';
import { PayloadError } from './types';
import type { DirectReply, IncomingDelivery, NormalizedEvent, Provider, VerifyResult } from './types';
import {
  at,
  clip,
  duplicated,
  fail,
  firstText,
  header,
  hexSignature,
  mismatchReason,
  NO_SECRETS,
  num,
  OK,
  oneLine,
  parseForm,
  parseJson,
  str,
  text,
  timestampReason,
  toMs,
  unixSeconds,
  usableSecrets,
  type Json,
} from './util';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const SIG_LABEL = 'X-Slack-Signature';
const TS_LABEL = 'X-Slack-Request-Timestamp';

type Kind = 'event' | 'slash' | 'interactive';

export const slackProvider: Provider = {
  kind: 'slack',
  contentTypes: [JSON_TYPE, FORM_TYPE],

  verify(delivery: IncomingDelivery, secrets: readonly string[]): VerifyResult {
    const keys = usableSecrets(secrets);
    if (keys.length === 0) return fail(NO_SECRETS);
    const sigValue = header(delivery, 'x-slack-signature');
    const tsValue = header(delivery, 'x-slack-request-timestamp');
    if (sigValue === undefined || tsValue === undefined) return fail(missingHeaders(sigValue, tsValue));
    if (sigValue.includes(',')) return fail(duplicated(SIG_LABEL, sigValue));
    if (tsValue.includes(',')) return fail(duplicated(TS_LABEL, tsValue));
    const ts = unixSeconds(tsValue);
    if (ts === null) return fail(`malformed ${TS_LABEL} header; expected unix seconds`);
    const stale = timestampReason(ts, delivery.now, 'Slack');
    if (stale) return fail(stale);
    const signature = sigValue.startsWith('v0=') ? hexSignature(sigValue.slice(3), 64) : null;
    if (!signature) return fail(`malformed ${SIG_LABEL} header; expected "v0=" followed by 64 hex digits`);
    const signedWith = (body: Buffer): boolean =>
      anySignatureMatches([signature], keys, (key) => hmac('sha256', key, [`v0:${tsValue}:`, body]));
    if (signedWith(delivery.body)) return OK;
    return fail(mismatchReason(delivery.body, signedWith, keys.length));
  },

  parse(delivery: IncomingDelivery): unknown {
    if (delivery.contentType !== FORM_TYPE) return parseJson(delivery.body);
    const form = parseForm(delivery.body);
    const payload = form['payload'];
    if (Array.isArray(payload)) throw new PayloadError(`form body has ${payload.length} "payload" fields; expected one`);
    return payload === undefined ? form : parseJson(payload, 'the payload form field');
  },

  directReply(delivery: IncomingDelivery, payload: unknown): DirectReply | null {
    if (delivery.contentType !== JSON_TYPE || at(payload, 'type') !== 'url_verification') return null;
    const challenge = str(at(payload, 'challenge'));
    return challenge === null ? null : { status: 200, body: { challenge } };
  },

  normalize(delivery: IncomingDelivery, payload: unknown): NormalizedEvent {
    const kind = kindOf(delivery);
    const type = typeOf(kind, payload);
    const fields = extractFields(delivery, payload);
    const eventTime = num(at(payload, 'event_time'));
    const ts = eventTime !== null ? eventTime * 1000 : toMs(fields.ts);
    return {
      type,
      subject: firstText(fields.channel, at(payload, 'channel_name'), at(payload, 'channel', 'name'), fields.team_id),
      summary: oneLine(summarize(kind, type, payload, fields), 200),
      occurredAt: ts === null ? null : Math.floor(ts),
      deliveryId: kind === 'event' ? text(at(payload, 'event_id')) : text(at(payload, 'trigger_id')),
      fields,
    };
  },

  sample(secret: string | null, now: number) {
    const body = Buffer.from(JSON.stringify(sampleEvent(Math.floor(now / 1000))), 'utf8');
    return { headers: slackProvider.envelope(body, secret, now), body, contentType: JSON_TYPE };
  },

  envelope(body: Buffer, secret: string | null, now: number) {
    const ts = Math.floor(now / 1000);
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(ts),
    };
    if (secret !== null) headers['x-slack-signature'] = `v0=${hmacHex('sha256', secret, [`v0:${ts}:`, body])}`;
    return headers;
  },
};

function missingHeaders(sigValue: string | undefined, tsValue: string | undefined): string {
  const missing = [sigValue === undefined ? SIG_LABEL : '', tsValue === undefined ? TS_LABEL : ''].filter((n) => n !== '');
  return `missing ${missing.join(' and ')} header${missing.length > 1 ? 's' : ''}; Slack sends both on every request`;
}

/** Forms are slash commands unless they carry a JSON `payload`, which is interactivity. */
function kindOf(delivery: IncomingDelivery): Kind {
  if (delivery.contentType !== FORM_TYPE) return 'event';
  return new URLSearchParams(delivery.body.toString('utf8')).has('payload') ? 'interactive' : 'slash';
}

function typeOf(kind: Kind, p: unknown): string {
  if (kind === 'slash') return 'slash_command';
  const outer = text(at(p, 'type'));
  if (kind === 'interactive') return `interactive.${outer ?? 'unknown'}`;
  if (outer !== 'event_callback') return outer ?? 'unknown';
  const inner = text(at(p, 'event', 'type'));
  const subtype = text(at(p, 'event', 'subtype'));
  return inner ? (subtype ? `${inner}.${subtype}` : inner) : 'event_callback';
}

// ---------------------------------------------------------------------------------------
// Fields. Events nest under `event`, slash commands are flat form fields with _id
// suffixes, interactivity uses objects ({user: {id}}); each field tries all three.

function extractFields(delivery: IncomingDelivery, p: unknown): Json {
  const ev = at(p, 'event');
  const retry = delivery.headers['x-slack-retry-num'];
  return {
    team_id: firstText(at(p, 'team_id'), at(p, 'team', 'id'), at(ev, 'team')),
    event_id: text(at(p, 'event_id')),
    event_type: text(at(ev, 'type')),
    user: firstText(at(ev, 'user'), at(ev, 'user', 'id'), at(p, 'user_id'), at(p, 'user', 'id')),
    channel: firstText(at(ev, 'channel'), at(ev, 'channel', 'id'), at(ev, 'item', 'channel'), at(p, 'channel_id'), at(p, 'channel', 'id')),
    text: clip(firstText(at(ev, 'text'), at(p, 'text'), at(p, 'actions', 0, 'value'), at(p, 'message', 'text')), 500),
    ts: firstText(at(ev, 'ts'), at(ev, 'event_ts'), at(p, 'message', 'ts'), at(p, 'action_ts')),
    command: text(at(p, 'command')),
    action_id: text(at(p, 'actions', 0, 'action_id')),
    retry_num: retry !== undefined && /^\d{1,6}$/.test(retry.trim()) ? Number(retry.trim()) : null,
  };
}

function summarize(kind: Kind, type: string, p: unknown, f: Json): string {
  if (type === 'url_verification') return 'Slack URL verification challenge';
  const head =
    kind === 'slash'
      ? (text(f.command) ?? 'slash command')
      : kind === 'interactive'
        ? `${text(at(p, 'type')) ?? 'interaction'}${text(f.action_id) ? ` ${f.action_id as string}` : ''}`
        : type;
  const user = kind === 'slash' ? firstText(at(p, 'user_name'), f.user) : text(f.user);
  const channel = text(f.channel);
  const words = text(f.text);
  return `${head}${user ? ` by ${user}` : ''}${channel ? ` in ${channel}` : ''}${words ? `: ${words}` : ''}`;
}

// ---------------------------------------------------------------------------------------
// Sample: an app_mention as the Events API delivers it.

function sampleEvent(ts: number): Json {
  const eventTs = `${ts}.${randomBytes(3).readUIntBE(0, 3).toString().padStart(6, '0').slice(0, 6)}`;
  return {
    token: 'tidings-test-token',
    team_id: 'T0TIDINGS',
    api_app_id: 'A0TIDINGS',
    event: {
      type: 'app_mention',
      user: 'U0ALICE',
      text: '<@U0TIDINGS> hello from tidings send-test',
      ts: eventTs,
      channel: 'C0GENERAL',
      event_ts: eventTs,
    },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: ts,
    authorizations: [{ team_id: 'T0TIDINGS', user_id: 'U0TIDINGS', is_bot: true }],
    is_ext_shared_channel: false,
  };
}
