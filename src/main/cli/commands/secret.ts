// `tidings secret set|rotate|list|remove`: manage signing secrets. Values are read from
// stdin (or generated), never from the command line where shell history would keep them,
// and never printed, except a freshly generated one, once, so it can be pasted into the
// provider.
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/config';
import { paths } from '../../core/data-dir';
import { createFileSecretBackend, createSecrets, fingerprint, generateSecret } from '../../core/secrets';
import type { SecretSummary } from '../../core/secrets';
import { KNOWN_PROVIDERS } from '../../core/webhooks/providers';
import { CliError, findCore } from '../client';
import { parseSource } from '../options';

async function readValue(generate: boolean, source: string): Promise<{ value: string; generated: boolean }> {
  if (generate) {
    const standard = !(KNOWN_PROVIDERS as readonly string[]).includes(source);
    return { value: generateSecret(standard ? 'standard' : 'plain'), generated: true };
  }
  if (process.stdin.isTTY) {
    throw new CliError(
      'pipe the secret on stdin (e.g. `pbpaste | tidings secret set github`) or pass --generate; it is not taken as an argument so that it stays out of shell history',
      2,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (value.length < 8) throw new CliError('the secret read from stdin is shorter than 8 characters', 2);
  return { value, generated: false };
}

/** Through the running core when there is one (it is the writer), else the file directly. */
function secretsTarget(dataDir: string) {
  const core = findCore(dataDir);
  const local = core ? null : createSecrets(createFileSecretBackend(paths(dataDir).secrets));
  return {
    async set(source: string, value: string, rotate: boolean): Promise<void> {
      if (core) {
        await core.request(rotate ? 'POST' : 'PUT', `/api/secrets/${source}${rotate ? '/rotate' : ''}`, { value });
      } else if (rotate) local!.rotate(source, value);
      else local!.set(source, value);
    },
    async list(): Promise<SecretSummary[]> {
      return core ? (await core.request<{ secrets: SecretSummary[] }>('GET', '/api/secrets')).secrets : local!.summary();
    },
    async remove(source: string, fp?: string): Promise<number> {
      if (core) {
        const q = fp ? `?fingerprint=${fp}` : '';
        return (await core.request<{ removed: number }>('DELETE', `/api/secrets/${source}${q}`)).removed;
      }
      const removed = local!.remove(source, fp);
      if (removed === 0) throw new CliError(fp ? `${source} has no stored secret with fingerprint ${fp}` : `${source} has no stored secrets`);
      return removed;
    },
  };
}

export function registerSecret(program: Command): void {
  const secret = program.command('secret').description('manage webhook signing secrets (several per source, for rotation)');
  const dataDirOf = (cmd: Command) => resolveDataDir(cmd.optsWithGlobals<{ dataDir?: string }>().dataDir);

  for (const [name, rotate] of [
    ['set', false],
    ['rotate', true],
  ] as const) {
    secret
      .command(name)
      .argument('<source>', 'the source name, e.g. github or my-app', parseSource)
      .description(
        rotate
          ? 'add a new secret in front of the old ones; both verify until you remove the old one'
          : 'replace all stored secrets of a source with one (read from stdin)',
      )
      .option('--generate', 'generate a strong secret and print it once, to paste into the provider')
      .action(async (source: string, opts: { generate?: boolean }, cmd: Command) => {
        const { value, generated } = await readValue(opts.generate === true, source);
        await secretsTarget(dataDirOf(cmd)).set(source, value, rotate);
        if (generated) process.stdout.write(`${value}\n`);
        process.stderr.write(
          `${rotate ? 'Rotated' : 'Set'} the secret for ${source} (fingerprint ${fingerprint(value)}).${generated ? ' Paste the value above into the provider now; Tidings will not show it again.' : ''}\n`,
        );
      });
  }

  secret
    .command('list')
    .description('list sources with secrets: count, fingerprints and origin (never the values)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = await secretsTarget(dataDirOf(cmd)).list();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        process.stdout.write('No secrets set: every source accepts unsigned deliveries and marks them unverified.\n');
        return;
      }
      for (const s of list) {
        process.stdout.write(`${s.source.padEnd(12)} ${s.count} secret(s)  ${s.fingerprints.join(' ')}  from ${s.origin}\n`);
      }
    });

  secret
    .command('remove')
    .argument('<source>', 'the source name', parseSource)
    .description('remove the stored secrets of a source (or one, by --fingerprint); env secrets stay')
    .option('--fingerprint <fp>', 'remove only the secret with this fingerprint (see `tidings secret list`)')
    .action(async (source: string, opts: { fingerprint?: string }, cmd: Command) => {
      if (opts.fingerprint !== undefined && !/^[0-9a-f]{8}$/.test(opts.fingerprint)) {
        throw new CliError('--fingerprint must be the 8 hex characters shown by `tidings secret list`', 2);
      }
      const removed = await secretsTarget(dataDirOf(cmd)).remove(source, opts.fingerprint);
      process.stderr.write(`Removed ${removed} secret(s) from ${source}.\n`);
    });
}
