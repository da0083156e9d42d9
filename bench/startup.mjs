#!/usr/bin/env node
/**
 * Bench 3, start-up: `biot-subs validate` of a small manifest (the repository's example, 44
 * subscriptions) against a bare `node -e 0`, each run as a fresh process, interleaved side by
 * side (20 pairs after one warm-up pair) so both see the same machine load. Figure: median of
 * validate / median of `node -e 0`. Target <= 1.6x.
 *
 * The CLI is the package's `bin` (dist/cli/main.js, the esbuild bundle `npm run build` writes).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, median, reportCheck, say } from './lib/report.mjs';

const PAIRS = 20;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).bin['biot-subs'];
const manifest = fileURLToPath(new URL('../subscriptions.yaml', import.meta.url));

const bare = ['-e', '0'];
const validate = [bin, 'validate', '-f', manifest];

function timed(args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

timed(bare);
timed(validate);
const bareMs = [];
const validateMs = [];
for (let i = 0; i < PAIRS; i++) {
  // Alternate which goes first, so neither always runs right after the other.
  if (i % 2 === 0) {
    bareMs.push(timed(bare));
    validateMs.push(timed(validate));
  } else {
    validateMs.push(timed(validate));
    bareMs.push(timed(bare));
  }
}
const bareMedian = median(bareMs);
const validateMedian = median(validateMs);
say(`node -e 0: median ${fmt(bareMedian, 1)} ms; biot-subs validate: median ${fmt(validateMedian, 1)} ms (${PAIRS} runs each)`);
const ratio = validateMedian / bareMedian;
reportCheck({
  bench: 'start-up',
  check: '`biot-subs validate` (44 subscriptions) / `node -e 0`, medians of 20 interleaved runs',
  measured: `${fmt(ratio)}x`,
  target: '<= 1.6x',
  pass: ratio <= 1.6,
  note: `${fmt(validateMedian, 0)} ms vs ${fmt(bareMedian, 0)} ms`,
});
