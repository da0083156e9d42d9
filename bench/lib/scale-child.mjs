/**
 * Measurements of the scale benchmark, in a process of its own:
 *
 *   node --expose-gc scale-child.mjs memory MODE FILE   peak heap of one (first) run of MODE
 *   node --expose-gc scale-child.mjs time FILE ROUNDS   every mode, one after another, ROUNDS times
 *
 * MODE is `plan` (our loader and planner: loadManifest + planChanges against no state, what
 * `biot-subs plan` computes before rendering), `planViaYaml` (the same for the copy of FILE that
 * scale.mjs writes with an anchor on its last endpoint, which src/manifest/yaml-subset.ts leaves
 * to yaml's parser), `parseDocument` or `parse` (the yaml package
 * alone, reading FILE). Memory: peak heap used above the heap before the run, from
 * V8's GC profiler (the heap just before each collection, and at the end with the result still
 * held), in a fresh process. Time: after one warm-up round, rounds in rotating order so the
 * modes share the process's JIT state and the machine's load; per run, CPU time of the main
 * thread (Linux: /proc's schedstat, in ns), wall-clock time, and CPU time of all the process's
 * threads (the GC's helpers included). Prints JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { parse, parseDocument } from 'yaml';
import { loadManifest } from '../../dist/manifest/load-manifest.js';
import { planChanges } from '../../dist/plan/plan-changes.js';

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
/** Milliseconds the main thread has run on a CPU, or null where /proc does not say. */
const mainThreadMs = existsSync(SCHEDSTAT) ? () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : () => null;

/** FILE's copy outside the plain subset (scale.mjs writes it). */
export function outsideSubset(file) {
  if (!file.endsWith('.yaml')) throw new Error(`not a .yaml file: ${file}`);
  return `${file.slice(0, -'.yaml'.length)}.outside-subset.yaml`;
}

const OPS = {
  async plan(file) {
    const loaded = await loadManifest(file, {});
    if (!loaded.ok) throw new Error(`manifest rejected: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    const { manifest } = loaded;
    const plan = planChanges({
      desired: manifest.subscriptions,
      state: null,
      manifestSha256: manifest.sha256,
      env: {},
      target: null,
      resync: false,
      maxDeletePercent: 25,
      allowMassDelete: false,
    });
    return { manifest, plan, count: plan.subscribes.length };
  },
  async planViaYaml(file) {
    return OPS.plan(outsideSubset(file));
  },
  async parseDocument(file) {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) throw new Error(String(doc.errors[0]));
    return { doc, count: doc.get('subscriptions').items.length };
  },
  async parse(file) {
    const data = parse(readFileSync(file, 'utf8'));
    return { data, count: data.subscriptions.length };
  },
};
export const MODES = Object.keys(OPS);

async function memory(mode, file) {
  globalThis.gc?.();
  const before = v8.getHeapStatistics().used_heap_size;
  const profiler = new v8.GCProfiler();
  profiler.start();
  const held = await OPS[mode](file);
  const end = v8.getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  const peak = Math.max(end, ...statistics.map((s) => s.beforeGC.heapStatistics.usedHeapSize));
  return { mode, count: held.count, peakHeapBytes: peak - before };
}

/**
 * One timed run of `mode`, returning only figures. The result is dropped here: held in the
 * caller (an awaited value stays in its async frame) it survived the next gc(), and its size
 * set V8's heap limits for the next operation, which then ran a full collection (30-40 ms at
 * 100k) or not depending on which mode ran before it.
 */
async function timedRun(mode, file) {
  const thread = mainThreadMs();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const held = await OPS[mode](file);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  const threadEnd = mainThreadMs();
  return {
    count: held.count,
    wallMs: wall,
    threadMs: thread === null ? wall : threadEnd - thread,
    cpuMs: (used.user + used.system) / 1000,
  };
}

async function time(file, rounds) {
  const result = Object.fromEntries(MODES.map((mode) => [mode, { threadMs: [], wallMs: [], cpuMs: [], count: 0 }]));
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(round + k) % MODES.length];
      globalThis.gc?.();
      const run = await timedRun(mode, file);
      if (round === 0) continue; // warm-up
      const r = result[mode];
      r.count = run.count;
      r.wallMs.push(run.wallMs);
      r.threadMs.push(run.threadMs);
      r.cpuMs.push(run.cpuMs);
    }
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [what, ...args] = process.argv.slice(2);
  if (what !== 'memory' && what !== 'time') throw new Error(`usage: scale-child.mjs memory MODE FILE | time FILE ROUNDS`);
  const out = what === 'memory' ? await memory(args[0], args[1]) : await time(args[0], Number(args[1]));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
