/**
 * One measurement of the scale benchmark, in a process of its own so each gets a fresh heap:
 *   node scale-child.mjs MODE FILE RUNS
 * MODE is `plan` (our loader and planner: loadManifest + planChanges against no state, what
 * `biot-subs plan` computes before rendering), `parseDocument` or `parse` (the yaml package
 * alone, reading the same file). The first run is measured for memory: peak heap used above
 * the heap before it, from V8's GC profiler (the heap just before each collection, and at the
 * end with the result still held). The next RUNS runs are timed: CPU time of the main thread
 * (Linux: /proc's schedstat, in ns; what a busy shared machine disturbs least), wall-clock
 * time, and CPU time of all the process's threads (the GC's helpers included); prints JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { parse, parseDocument } from 'yaml';
import { loadManifest } from '../../dist/manifest/load-manifest.js';
import { planChanges } from '../../dist/plan/plan-changes.js';

const [mode, file, runsText] = process.argv.slice(2);
const runs = Number(runsText);

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
/** Milliseconds the main thread has run on a CPU, or null where /proc does not say. */
const mainThreadMs = existsSync(SCHEDSTAT) ? () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : () => null;

const ops = {
  async plan() {
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
  async parseDocument() {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) throw new Error(String(doc.errors[0]));
    return { doc, count: doc.get('subscriptions').items.length };
  },
  async parse() {
    const data = parse(readFileSync(file, 'utf8'));
    return { data, count: data.subscriptions.length };
  },
};
const op = ops[mode];
if (!op) throw new Error(`unknown mode ${mode}`);

globalThis.gc?.();
const before = v8.getHeapStatistics().used_heap_size;
const profiler = new v8.GCProfiler();
profiler.start();
let held = await op();
const end = v8.getHeapStatistics().used_heap_size;
const { statistics } = profiler.stop();
const peak = Math.max(end, ...statistics.map((s) => s.beforeGC.heapStatistics.usedHeapSize));
const count = held.count;
held = null;

const threadMs = [];
const wallMs = [];
const cpuMs = [];
for (let i = 0; i < runs; i++) {
  globalThis.gc?.();
  const thread = mainThreadMs();
  const started = performance.now();
  const cpu = process.cpuUsage();
  held = await op();
  const used = process.cpuUsage(cpu);
  wallMs.push(performance.now() - started);
  const threadEnd = mainThreadMs();
  threadMs.push(thread === null ? null : threadEnd - thread);
  cpuMs.push((used.user + used.system) / 1000);
  held = null;
}
process.stdout.write(`${JSON.stringify({ mode, count, peakHeapBytes: peak - before, threadMs, wallMs, cpuMs })}\n`);
