// `npm run torture`: the reliability suite. Runs each scenario against real cores in their
// own processes, then writes reports/torture-<profile>.md and .json. The short profile is
// for CI (a few minutes); the long one (TORTURE_PROFILE=long) includes a 30-minute soak.
// Exit code 1 when any scenario fails. TORTURE_ONLY=crash,fuzz runs a subset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countAbortSignalWarnings } from '../test/helpers/load-tools';
import { killLeftoverCores, root } from './lib';
import type { Profile, ScenarioResult } from './lib';
import { SCENARIOS } from './scenarios';

countAbortSignalWarnings('torture');

function parseProfile(): Profile {
  const arg = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length) ?? process.env.TORTURE_PROFILE ?? 'short';
  if (arg !== 'short' && arg !== 'long') {
    process.stderr.write(`torture: unknown profile "${arg}"; use short or long\n`);
    process.exit(2);
  }
  return arg;
}

function table(results: ScenarioResult[]): string {
  const head = '| scenario | result | sent | acknowledged | stored | lost | duplicated | memory | time |\n|---|---|---|---|---|---|---|---|---|';
  const rows = results.map((r) => {
    const mem = r.memory ? Object.entries(r.memory).map(([k, v]) => `${k} ${v}`).join('; ') : '';
    const c = r.counts;
    return `| ${r.name} | ${r.pass ? 'pass' : '**FAIL**'} | ${c.sent} | ${c.acknowledged} | ${c.stored} | ${c.lost} | ${c.duplicated} | ${mem} | ${r.seconds?.toFixed(0) ?? ''} s |`;
  });
  return [head, ...rows].join('\n');
}

function report(profile: Profile, results: ScenarioResult[], started: Date, seconds: number): string {
  const lines = [
    `# Tidings reliability report (${profile} profile)`,
    '',
    `Run ${started.toISOString()} for ${Math.round(seconds)} s on Node ${process.version}, ${os.cpus().length} cores, ${os.platform()}. ` +
      `Reproduce with \`${profile === 'long' ? 'TORTURE_PROFILE=long ' : ''}npm run torture\`.`,
    '',
    `**${results.every((r) => r.pass) ? 'All scenarios passed.' : `${results.filter((r) => !r.pass).length} scenario(s) failed.`}**`,
    '',
    table(results),
    '',
  ];
  for (const r of results) {
    lines.push(`## ${r.name}: ${r.pass ? 'pass' : 'FAIL'}`, '');
    for (const n of r.notes) lines.push(`- ${n}`);
    if (r.notes.length) lines.push('');
    lines.push('| check | ok | detail |', '|---|---|---|');
    for (const c of r.checks) lines.push(`| ${c.what} | ${c.ok ? 'yes' : c.advisory ? 'no (speed of this machine; decides only the long profile)' : '**no**'} | ${(c.detail ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const profile = parseProfile();
  const only = process.env.TORTURE_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const chosen = SCENARIOS.filter((s) => !only || only.includes(s.id));
  if (chosen.length === 0) {
    process.stderr.write(`torture: no scenario matches TORTURE_ONLY=${process.env.TORTURE_ONLY}; choose from ${SCENARIOS.map((s) => s.id).join(', ')}\n`);
    return 2;
  }
  const started = new Date();
  const t0 = performance.now();
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    process.stderr.write(`torture: ${s.id} (${profile})…\n`);
    const s0 = performance.now();
    let result: ScenarioResult;
    try {
      result = await s.run(profile);
    } catch (err) {
      result = {
        name: s.id,
        pass: false,
        counts: { sent: 0, acknowledged: 0, stored: 0, lost: 0, duplicated: 0 },
        notes: [`the scenario itself failed: ${(err as Error).stack ?? String(err)}`],
        checks: [{ what: 'scenario ran to the end', ok: false, detail: (err as Error).message }],
      };
    }
    const leftover = await killLeftoverCores();
    if (leftover > 0) result.notes.push(`${leftover} core process(es) left running by the scenario were killed after it`);
    result.seconds = (performance.now() - s0) / 1000;
    results.push(result);
    process.stderr.write(`torture: ${s.id} ${result.pass ? 'pass' : 'FAIL'} in ${result.seconds.toFixed(0)} s\n`);
    for (const c of result.checks.filter((c) => !c.ok)) process.stderr.write(`  ${c.advisory ? 'slow machine (not a failure in this profile)' : 'failed'}: ${c.what}${c.detail ? ` (${c.detail})` : ''}\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const dir = path.join(root, 'reports');
  fs.mkdirSync(dir, { recursive: true });
  const suffix = only ? `-${only.join('-')}` : '';
  const md = path.join(dir, `torture-${profile}${suffix}.md`);
  fs.writeFileSync(md, report(profile, results, started, seconds));
  fs.writeFileSync(path.join(dir, `torture-${profile}${suffix}.json`), `${JSON.stringify({ profile, started: started.toISOString(), seconds, results }, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n\nReport: ${path.relative(root, md)}\n`);
  return results.every((r) => r.pass) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`torture: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
