#!/usr/bin/env node
/**
 * Bench 3, start-up: `biot-subs validate` of a small manifest (the repository's example, 44
 * subscriptions) against a bare `node -e 0`, each a fresh process, interleaved side by side
 * (20 of each after a warm-up) so both see the same machine load. Figure: median of validate /
 * median of `node -e 0`. Target <= 1.6x.
 *
 * The CLI is the package's `bin` (dist/cli/bin.cjs), which runs a bundle `npm run build` writes
 * (for validate, dist/cli/biot-subs-light.cjs) through V8's code cache. The warm-up run writes
 * that cache, as any user's first run does, so the check is of every later start; the same
 * command with the cache turned off (NODE_DISABLE_COMPILE_CACHE=1: a first run, or a read-only
 * temp folder) is printed beside it for information.
 *
 * For information too: the same for a two-entry manifest (3 subscriptions, 8 lines). Most of what
 * validate adds to Node's start is yaml's parser running for the first time, which grows with
 * the file: the pair shows how much of the ratio is the example's size.
 *
 * When NODE_EXTRA_CA_CERTS is set (it is on the machine these were written on), Node reads and
 * parses that certificate file at every start, before any JavaScript runs, adding the same
 * tens of milliseconds to both sides. The ratio is then measured twice, interleaved: with the
 * environment as it is, and without that variable (as on a typical workstation or CI runner).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, reportCheck, say } from './lib/report.mjs';
import { workFolder } from './lib/workload.mjs';

const RUNS = 20;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).bin['biot-subs'];
const manifest = fileURLToPath(new URL('../subscriptions.yaml', import.meta.url));

for (const bundle of ['biot-subs.cjs', 'biot-subs-light.cjs']) {
  if (!readFileSync(new URL(`../dist/cli/${bundle}`, import.meta.url), 'utf8').startsWith('// biot-subs CLI bundle sha256=')) {
    console.error(`dist/cli/${bundle} is not a CLI bundle: run 'npm run build'`);
    process.exit(1);
  }
}

const work = await workFolder('startup');
const small = join(work.dir, 'small.yaml');
writeFileSync(
  small,
  'version: 1\nsubscriptions:\n  - entityTypeName: patient\n    actionNames: [_create, _update]\n    endpoint: https://hooks.example.com/biot/patient\n' +
    '  - entityTypeName: device\n    actionName: _update\n    endpoint: https://hooks.example.com/biot/device\n',
);

const withoutCa = { ...process.env };
delete withoutCa.NODE_EXTRA_CA_CERTS;
const envs = [{ name: 'this machine\'s environment', env: process.env }];
if (process.env.NODE_EXTRA_CA_CERTS) envs.push({ name: 'without NODE_EXTRA_CA_CERTS', env: withoutCa });

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'validate', args: [bin, 'validate', '-f', manifest] },
  { name: 'validate, no compile cache', args: [bin, 'validate', '-f', manifest], extraEnv: { NODE_DISABLE_COMPILE_CACHE: '1' } },
  { name: 'validate, 3 subscriptions', args: [bin, 'validate', '-f', small] },
];

function timed(args, env) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

try {
  // Every (environment, command) pair once per round, in an order that rotates each round.
  const series = envs.flatMap((e) => commands.map((c) => ({ ...e, env: { ...e.env, ...c.extraEnv }, command: c, times: [] })));
  for (const s of series) timed(s.command.args, s.env);
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < series.length; k++) {
      const s = series[(round + k) % series.length];
      s.times.push(timed(s.command.args, s.env));
    }
  }

  for (const { name } of envs) {
    const [bare, validate, cold, smallest] = series.filter((s) => s.name === name).map((s) => median(s.times));
    say(`${name}: node -e 0 median ${fmt(bare, 1)} ms, biot-subs validate median ${fmt(validate, 1)} ms (${RUNS} runs each)`);
    say(`${name}: without the compile cache (a first run), validate median ${fmt(cold, 1)} ms: ${fmt(cold / bare)}x`);
    say(`${name}: validate of a manifest of 3 subscriptions (8 lines), median ${fmt(smallest, 1)} ms: ${fmt(smallest / bare)}x`);
    reportCheck({
      bench: 'start-up',
      check: `\`biot-subs validate\` (44 subscriptions) / \`node -e 0\`, ${name}, medians of ${RUNS} interleaved runs`,
      measured: `${fmt(validate / bare)}x`,
      target: '<= 1.6x',
      pass: validate / bare <= 1.6,
      note: `${fmt(validate, 0)} ms vs ${fmt(bare, 0)} ms`,
    });
  }
} finally {
  await work.dispose();
}
