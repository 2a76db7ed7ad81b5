// `tidings targets …`: the outbound targets a person registers (push and forward), the
// delivery log, "retry now", and a test push. Everything goes through the running core,
// which is the one writer and the one that delivers.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import { DELIVERY_STATES, maskTargetUrl, targetCreateSchema, targetUrl } from '../../../shared/outbound';
import type { DeliveryDetailInfo, DeliveryInfo, PushResult, TargetInfo } from '../../../shared/outbound';
import { CliError, requireCore } from '../client';
import { parseLimit } from '../options';

function parseName(value: string): string {
  const r = targetCreateSchema.shape.name.safeParse(value);
  if (!r.success) throw new InvalidArgumentError(r.error.issues[0]?.message ?? 'not a target name');
  return value;
}

function parseUrl(value: string): string {
  const r = targetUrl.safeParse(value);
  if (!r.success) throw new InvalidArgumentError(`must be ${r.error.issues[0]?.message ?? 'an http(s) URL'}`);
  return value;
}

function parseId(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a delivery id (a whole number)');
  return Number(value);
}

function parseState(value: string): string {
  if (!(DELIVERY_STATES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${DELIVERY_STATES.join(', ')}`);
  return value;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const note = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

function describeTarget(t: TargetInfo): string {
  const state = t.enabled ? 'enabled' : `disabled${t.disabled_reason ? ` (${t.disabled_reason})` : ''}`;
  const filter = t.mode === 'forward' ? ` sources=${t.sources.join(',') || '*'} types=${t.types.join(',') || '*'}` : '';
  const local = t.allow_private ? ' local-allowed' : '';
  return `${t.name.padEnd(16)} ${t.mode.padEnd(7)} ${maskTargetUrl(t.url)}\n${' '.repeat(17)}${state}${local}${filter}; ${t.pending} pending, ${t.dead} dead, ${t.delivered} delivered; secret ${t.secret_fingerprint}`;
}

function describeDelivery(d: DeliveryInfo): string {
  const when = d.state === 'pending' && d.next_attempt_at ? ` next ${d.next_attempt_at}` : d.delivered_at ? ` at ${d.delivered_at}` : '';
  const last = d.last_status !== null ? ` last ${d.last_status}` : d.last_error ? ` last error: ${d.last_error}` : '';
  return `#${String(d.id).padEnd(6)} ${d.state.padEnd(9)} ${d.target.padEnd(16)} ${d.kind.padEnd(12)} ${d.attempts} attempt(s)${last}${when}  ${d.summary}`;
}

export function registerTargets(program: Command): void {
  const targets = program
    .command('targets')
    .description('outbound targets: push messages and forward webhooks to URLs, with a durable retry queue');
  const core = (cmd: Command) => requireCore(resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir));

  targets
    .command('list')
    .description('list targets with their state and queue counts (never the signing secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { targets: list } = await core(cmd).request<{ targets: TargetInfo[] }>('GET', '/api/targets');
      if (opts.json) return out(JSON.stringify(list, null, 2));
      if (list.length === 0) return out('No targets. Add one with `tidings targets add <name> <url>`.');
      for (const t of list) out(describeTarget(t));
    });

  targets
    .command('add')
    .argument('<name>', 'a short name, e.g. dev-server', parseName)
    .argument('<url>', 'where to deliver, e.g. https://example.com/hooks or http://localhost:3000/webhooks', parseUrl)
    .description('register a target; prints its signing secret once')
    .option('--forward', 'forward incoming webhooks (original headers and body) instead of receiving pushed messages')
    .option('--source <names>', 'forward only these sources (comma-separated, repeatable)', collect)
    .option('--type <types>', 'forward only these event types; a type matches its sub-types (comma-separated, repeatable)', collect)
    .option('--allow-private', 'allow a private, loopback or link-local address (a dev server on this machine)')
    .option('--disabled', 'register it switched off')
    .option('--json', 'print {"target": …, "secret": …} instead (the secret is in it: keep the output private)')
    .action(async (name: string, url: string, opts: { forward?: boolean; source?: string[]; type?: string[]; allowPrivate?: boolean; disabled?: boolean; json?: boolean }, cmd: Command) => {
      const body = {
        name,
        url,
        mode: opts.forward ? 'forward' : 'push',
        ...(opts.source ? { sources: opts.source } : {}),
        ...(opts.type ? { types: opts.type } : {}),
        ...(opts.allowPrivate ? { allow_private: true } : {}),
        ...(opts.disabled ? { enabled: false } : {}),
      };
      const r = await core(cmd).request<{ target: TargetInfo; secret: string }>('POST', '/api/targets', body);
      if (opts.json) {
        out(JSON.stringify({ target: r.target, secret: r.secret }));
        return;
      }
      out(r.secret);
      note(
        `Added ${r.target.mode} target ${r.target.name} → ${maskTargetUrl(r.target.url)}. ${
          r.target.mode === 'push'
            ? 'The line above is its signing secret (Standard Webhooks); give it to the receiver now. `tidings targets secret` shows it again.'
            : 'Forwarded webhooks keep the provider\'s own headers and signature. The line above signs subscription deliveries.'
        }`,
      );
    });

  targets
    .command('update')
    .argument('<name>', 'the target', parseName)
    .description('change a target: URL, filters, on/off, local address, or a new signing secret')
    .option('--url <url>', 'a new URL', parseUrl)
    .option('--enable', 'switch it on (also after Tidings disabled it)')
    .option('--disable', 'switch it off; queued deliveries wait')
    .option('--allow-private', 'allow a private, loopback or link-local address')
    .option('--no-allow-private', 'refuse private addresses again')
    .option('--source <names>', 'forward only these sources (replaces the list; "*" for all)', collect)
    .option('--type <types>', 'forward only these types (replaces the list; "*" for all)', collect)
    .option('--rotate-secret', 'make a new signing secret and print it; the old one stops working at once')
    .action(
      async (
        name: string,
        opts: { url?: string; enable?: boolean; disable?: boolean; allowPrivate?: boolean; source?: string[]; type?: string[]; rotateSecret?: boolean },
        cmd: Command,
      ) => {
        if (opts.enable && opts.disable) throw new CliError('choose --enable or --disable, not both', 2);
        const all = (list: string[]) => (list.includes('*') ? [] : list);
        const explicit = cmd.getOptionValueSource('allowPrivate') === 'cli';
        const changes = {
          ...(opts.url ? { url: opts.url } : {}),
          ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {}),
          ...(explicit ? { allow_private: opts.allowPrivate === true } : {}),
          ...(opts.source ? { sources: all(opts.source) } : {}),
          ...(opts.type ? { types: all(opts.type) } : {}),
          ...(opts.rotateSecret ? { rotate_secret: true } : {}),
        };
        if (Object.keys(changes).length === 0) throw new CliError('say what to change (see `tidings targets update --help`)', 2);
        const r = await core(cmd).request<{ target: TargetInfo; secret?: string }>('PATCH', `/api/targets/${encodeURIComponent(name)}`, changes);
        if (r.secret) out(r.secret);
        note(`Updated ${name}.`);
        note(describeTarget(r.target));
      },
    );

  targets
    .command('remove')
    .argument('<name>', 'the target', parseName)
    .description('remove a target and its queued deliveries')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const r = await core(cmd).request<{ removed: TargetInfo }>('DELETE', `/api/targets/${encodeURIComponent(name)}`);
      note(`Removed ${name}${r.removed.pending ? ` and ${r.removed.pending} undelivered deliveries` : ''}.`);
    });

  targets
    .command('secret')
    .argument('<name>', 'the target', parseName)
    .description("print a target's signing secret (Standard Webhooks, whsec_…)")
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const r = await core(cmd).request<{ secret: string }>('POST', `/api/targets/${encodeURIComponent(name)}/secret`);
      out(r.secret);
    });

  targets
    .command('deliveries')
    .description('the delivery log, newest first')
    .option('--target <name>', 'only this target', parseName)
    .option('--state <state>', `only ${DELIVERY_STATES.join(', ')}`, parseState)
    .option('--limit <n>', 'how many (1-1000, default 20)', parseLimit)
    .option('--attempts <id>', 'show every attempt of one delivery', parseId)
    .option('--json', 'print JSON')
    .action(async (opts: { target?: string; state?: string; limit?: number; attempts?: number; json?: boolean }, cmd: Command) => {
      const c = core(cmd);
      if (opts.attempts !== undefined) {
        const d = await c.request<DeliveryDetailInfo>('GET', `/api/deliveries/${opts.attempts}`);
        if (opts.json) return out(JSON.stringify(d, null, 2));
        out(describeDelivery(d));
        for (const a of d.attempts_log) {
          out(`  ${a.at}  ${a.status ?? '---'}  ${String(a.duration_ms).padStart(5)} ms  ${a.error ?? ''}${a.response ? `  ${a.response.slice(0, 120).replace(/\s+/g, ' ')}` : ''}`);
        }
        return;
      }
      const q = new URLSearchParams({ limit: String(Math.min(opts.limit ?? 20, 500)) });
      if (opts.target) q.set('target', opts.target);
      if (opts.state) q.set('state', opts.state);
      const r = await c.request<{ deliveries: DeliveryInfo[] }>('GET', `/api/deliveries?${q}`);
      if (opts.json) return out(JSON.stringify(r.deliveries, null, 2));
      if (r.deliveries.length === 0) return out('No deliveries.');
      for (const d of r.deliveries) out(describeDelivery(d));
    });

  targets
    .command('retry')
    .argument('[name]', 'retry the dead and waiting deliveries of this target (default: all targets)', parseName)
    .description('retry now: dead-lettered deliveries go back in the queue, waiting ones go at once')
    .option('--delivery <id>', 'only this delivery', parseId)
    .action(async (name: string | undefined, opts: { delivery?: number }, cmd: Command) => {
      const path =
        opts.delivery !== undefined ? `/api/deliveries/${opts.delivery}/retry` : name ? `/api/targets/${encodeURIComponent(name)}/retry` : '/api/deliveries/retry';
      const r = await core(cmd).request<{ retried: number }>('POST', path);
      note(`Retrying ${r.retried} deliver${r.retried === 1 ? 'y' : 'ies'} now.`);
    });

  targets
    .command('push')
    .argument('<message>', 'the text to send')
    .description('push a message to every enabled push target (as push_webhook does)')
    .option('--json', 'print {"id","webhooks_notified","total_webhooks"}')
    .action(async (message: string, opts: { json?: boolean }, cmd: Command) => {
      const r = await core(cmd).request<PushResult>('POST', '/api/push', { message });
      if (opts.json) {
        out(JSON.stringify(r));
        return;
      }
      note(`Queued ${r.id} for ${r.webhooks_notified} of ${r.total_webhooks} push target(s).`);
    });
}
