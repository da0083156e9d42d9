#!/usr/bin/env node
/**
 * Runs the benchmarks (all, or those named: `node bench/run.js startup scale`), each in a
 * process of its own and one after another (they would disturb each other's timing), then
 * prints every check as a Markdown table, the form docs/benchmarks.md records. Exits 1 when a
 * check misses its target. `npm run bench` builds first; `npm test` never runs these.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = {
  apply: 'apply-efficiency.mjs',
  'rate-limit': 'rate-limit.mjs',
  startup: 'startup.mjs',
  scale: 'scale.mjs',
  journal: 'journal-overhead.mjs',
};
/** A bench that has not finished by then is stopped: something is wrong, not slow. */
const TIMEOUT_MS = 10 * 60 * 1000;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !Object.hasOwn(BENCHES, name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const checks = [];
let broken = false;
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  console.log(`\n== ${name} (bench/${BENCHES[name]})`);
  const { code, lines } = await runBench(fileURLToPath(new URL(BENCHES[name], import.meta.url)));
  for (const line of lines) {
    if (line.startsWith('BENCH_RESULT ')) checks.push(JSON.parse(line.slice('BENCH_RESULT '.length)));
    else console.log(line);
  }
  if (code !== 0 && !lines.some((line) => line.startsWith('FAIL '))) {
    console.log(`bench ${name} did not finish (exit ${code})`);
    broken = true;
  }
}

console.log(`\n| bench | check | measured | target | result |\n|---|---|---|---|---|`);
for (const c of checks) {
  console.log(`| ${c.bench} | ${c.check}${c.note ? ` (${c.note})` : ''} | ${c.measured} | ${c.target} | ${c.pass ? 'PASS' : '**FAIL**'} |`);
}
const failed = checks.filter((c) => !c.pass).length;
console.log(`\n${checks.length - failed} of ${checks.length} checks pass${broken ? '; a bench did not finish' : ''}; node ${process.version}, ${process.platform}`);
process.exitCode = failed > 0 || broken ? 1 : 0;

/** Runs one bench file; its stderr (progress) passes through, its stdout is collected. */
function runBench(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, lines: out.split('\n').filter((line) => line !== '') });
    });
  });
}
