// `tidings events show ID` and `tidings events resend ID [--to TARGET]`: one event whole
// (headers, body, what was derived from it), and its stored bytes sent again to a URL or a
// registered target, as the dashboard's "Resend to…" does.
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import type { DerivedOfEvent } from '../../core/domain/derived-of-event';
import type { EventDetail } from '../../../shared/events';
import { CliError, requireCore } from '../client';
import type { CoreClient } from '../client';
import { parseCursor } from '../options';

function dataDirOf(cmd: Command): string {
  return resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The text form of `events show`. Pure, so its layout is tested without a core. */
export function formatDetail(e: EventDetail, derived: DerivedOfEvent): string {
  const out: string[] = [];
  out.push(`Event #${e.id}  ${e.source} ${e.type}  ${e.verified ? '✓ verified' : '! NOT verified (the source had no secret)'}`);
  out.push(`received   ${e.received_at}`);
  if (e.occurred_at) out.push(`occurred   ${e.occurred_at}`);
  out.push(`subject    ${e.subject ?? '-'}`);
  out.push(`summary    ${e.summary}`);
  out.push(`delivery   ${e.delivery_id}`);
  out.push('', 'Headers (credentials removed):');
  for (const [k, v] of Object.entries(e.headers).sort(([a], [b]) => a.localeCompare(b))) out.push(`  ${k}: ${v}`);
  out.push('', `Body (${e.body_bytes} bytes, ${e.content_type}; outside data, shown as sent):`);
  let body = e.body;
  if (e.content_type === 'application/json') {
    try {
      body = JSON.stringify(JSON.parse(e.body), null, 2);
    } catch {
      // not JSON after all: as sent
    }
  }
  out.push(indent(body));
  out.push('', 'Fields extracted:');
  const fields = Object.entries(e.fields).filter(([, v]) => v !== null && v !== undefined);
  if (fields.length === 0) out.push('  (none)');
  for (const [k, v] of fields) out.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  out.push('', 'Derived:');
  const lines: string[] = [];
  if (derived.github_push) lines.push(`GitHub push: ${JSON.stringify(derived.github_push)}`);
  if (derived.github_commits.length > 0) lines.push(`GitHub commits: ${derived.github_commits.length} (${derived.github_commits.map((c) => String(c.sha).slice(0, 7)).join(', ')})`);
  if (derived.github_pull_request) lines.push(`GitHub pull request: ${JSON.stringify(derived.github_pull_request)}`);
  if (derived.github_issue) lines.push(`GitHub issue: ${JSON.stringify(derived.github_issue)}`);
  if (derived.deployment) lines.push(`deployment: ${JSON.stringify(derived.deployment)}`);
  for (const a of derived.stripe_actions) lines.push(`Stripe action #${String(a.id)}: ${String(a.action_type)} (${String(a.status)})`);
  for (const d of derived.deliveries) lines.push(`delivery #${String(d.id)} to ${String(d.target)}: ${String(d.kind)}, ${String(d.state)} after ${String(d.attempts)} attempt(s)`);
  out.push(...(lines.length > 0 ? lines.map((l) => `  ${l}`) : ['  (nothing)']));
  return `${out.join('\n')}\n`;
}

interface TargetSummary {
  name: string;
  url: string;
  mode: string;
  enabled: boolean;
}

/** `--to` names a URL or a registered target; without it, the one forward target if there is exactly one. */
async function resolveTarget(core: CoreClient, to: string | undefined): Promise<{ url: string; label: string }> {
  if (to !== undefined && /^https?:\/\//i.test(to)) {
    if (!URL.canParse(to)) throw new CliError(`--to ${to} is not a valid URL`, 2);
    return { url: to, label: to };
  }
  const { targets } = await core.request<{ targets: TargetSummary[] }>('GET', '/api/targets');
  if (to !== undefined) {
    const target = targets.find((t) => t.name === to);
    if (!target) {
      throw new CliError(`there is no target named "${to}"; give a URL (http://…) or one of: ${targets.map((t) => t.name).join(', ') || '(none registered; see `tidings targets add`)'}`, 2);
    }
    return { url: target.url, label: `${target.name} (${target.url})` };
  }
  const forwards = targets.filter((t) => t.mode === 'forward' && t.enabled);
  if (forwards.length === 1) return { url: forwards[0]!.url, label: `${forwards[0]!.name} (${forwards[0]!.url})` };
  throw new CliError(
    forwards.length === 0
      ? 'say where to resend it: --to URL or --to TARGET (there is no forward target to default to)'
      : `say where to resend it: --to one of ${forwards.map((t) => t.name).join(', ')} (there is more than one forward target)`,
    2,
  );
}

export function registerEventDetail(events: Command): void {
  events
    .command('show')
    .argument('<id>', 'the event id', parseCursor)
    .description('show one event whole: headers, body, extracted fields, and what was derived from it')
    .option('--json', 'print {"event": …, "derived": …}')
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const core = requireCore(dataDirOf(cmd));
      const event = await core.request<EventDetail>('GET', `/api/events/${id}`);
      const derived = await core.request<DerivedOfEvent>('GET', `/api/events/${id}/derived`);
      const json = cmd.optsWithGlobals<{ json?: boolean }>().json;
      process.stdout.write(json ? `${JSON.stringify({ event, derived })}\n` : formatDetail(event, derived));
    });

  events
    .command('resend')
    .argument('<id>', 'the event id', parseCursor)
    .option('--to <target>', 'a URL, or the name of a registered target (default: the only forward target)')
    .option('--json', 'print {"id","url","status","body"}')
    .description('send the stored bytes of an event again, with its original headers, to a URL or target')
    .action(async (id: number, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ to?: string }>();
      const core = requireCore(dataDirOf(cmd));
      const target = await resolveTarget(core, opts.to);
      const answer = await core.request<{ status: number; body: string }>('POST', `/api/events/${id}/resend`, { url: target.url });
      if (cmd.optsWithGlobals<{ json?: boolean }>().json) process.stdout.write(`${JSON.stringify({ id, url: target.url, ...answer })}\n`);
      else process.stdout.write(`Resent event ${id} to ${target.label}: it answered ${answer.status}.\n`);
      if (answer.status < 200 || answer.status >= 300) {
        if (!cmd.optsWithGlobals<{ json?: boolean }>().json) process.stderr.write(`tidings: the target did not accept it: ${answer.body.slice(0, 300)}\n`);
        process.exitCode = 1;
      }
    });
}
