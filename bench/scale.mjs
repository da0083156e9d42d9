#!/usr/bin/env node
/**
 * Bench 4, scale: `plan` of manifests expanding to 1k, 10k and 100k triples (distinct endpoint
 * per entry, see lib/scale-manifest.mjs), each measurement in a fresh child process
 * (lib/scale-child.mjs), against the yaml package alone parsing the same file.
 *
 * - linear: 10x the triples costs at most 12x the time (1k → 10k, 10k → 100k).
 * - vs yaml: our loader and planner within 1.3x of `parseDocument` of the same file. The loader
 *   needs node positions for its messages (file:line:col), which is what parseDocument builds;
 *   `yaml.parse` (parseDocument + toJS) is reported beside it.
 * - memory: peak heap of the plan within 2x of parseDocument's.
 *
 * Time is the operation's time on the child's main thread (its CPU time there, from Linux's
 * schedstat; wall-clock time where that is missing), file read included, process start and
 * module loading not: the median over 3 children x RUNS runs per mode and size, the modes'
 * children interleaved. On an idle machine that is the time a user waits; on a busy shared one
 * wall-clock time mostly measures the other load. Wall-clock time and the CPU time of all the
 * process's threads (the GC's helpers included) are printed beside it.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fmt, median, reportCheck, say } from './lib/report.mjs';
import { scaleManifest } from './lib/scale-manifest.mjs';
import { workFolder } from './lib/workload.mjs';

const SIZES = [1_000, 10_000, 100_000];
const MODES = ['plan', 'parseDocument', 'parse'];
const CHILDREN = 3;
/** Timed runs per child: more where one run is short and noisy. */
const RUNS = { 1000: 25, 10000: 9, 100000: 3 };
const CHILD = fileURLToPath(new URL('./lib/scale-child.mjs', import.meta.url));
const run = promisify(execFile);

const work = await workFolder('scale');
try {
  const results = {};
  for (const size of SIZES) {
    const file = join(work.dir, `scale-${size}.yaml`);
    const text = scaleManifest(size);
    await writeFile(file, text);
    const runs = RUNS[size];
    for (const mode of MODES) results[`${mode}:${size}`] = { threadMs: [], cpuMs: [], wallMs: [], peaks: [] };
    for (let child = 0; child < CHILDREN; child++) {
      for (const mode of MODES) {
        const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, mode, file, String(runs)], { timeout: 300_000, maxBuffer: 1 << 20 });
        const measured = JSON.parse(stdout);
        if (mode === 'plan' && measured.count !== size) throw new Error(`plan of ${file}: ${measured.count} subscribes, not ${size}`);
        const r = results[`${mode}:${size}`];
        r.threadMs.push(...measured.threadMs.map((ms, i) => ms ?? measured.wallMs[i]));
        r.cpuMs.push(...measured.cpuMs);
        r.wallMs.push(...measured.wallMs);
        r.peaks.push(measured.peakHeapBytes);
      }
    }
    const line = MODES.map((mode) => {
      const r = results[`${mode}:${size}`];
      return `${mode} ${fmt(median(r.threadMs), 1)} ms (wall ${fmt(median(r.wallMs), 1)}, all threads' CPU ${fmt(median(r.cpuMs), 1)}), peak +${fmt(median(r.peaks) / 2 ** 20, 1)} MiB`;
    });
    say(`${size} triples (${fmt(text.length / 1024, 0)} KiB): ${line.join('; ')}`);
  }

  const time = (mode, size) => median(results[`${mode}:${size}`].threadMs);
  const wall = (mode, size) => median(results[`${mode}:${size}`].wallMs);
  const peak = (mode, size) => median(results[`${mode}:${size}`].peaks);
  for (let i = 1; i < SIZES.length; i++) {
    const [small, big] = [SIZES[i - 1], SIZES[i]];
    const growth = time('plan', big) / time('plan', small);
    reportCheck({
      bench: 'scale',
      check: `plan time, ${big / 1000}k vs ${small / 1000}k triples`,
      measured: `${fmt(growth, 1)}x`,
      target: '<= 12x',
      pass: growth <= 12,
      note: `${fmt(time('plan', big), 0)} ms vs ${fmt(time('plan', small), 1)} ms; wall ${fmt(wall('plan', big) / wall('plan', small), 1)}x`,
    });
  }
  for (const size of SIZES) {
    const ratio = time('plan', size) / time('parseDocument', size);
    reportCheck({
      bench: 'scale',
      check: `plan time / yaml parseDocument time, ${size / 1000}k triples`,
      measured: `${fmt(ratio)}x`,
      target: '<= 1.3x',
      pass: ratio <= 1.3,
      note: `${fmt(time('plan', size), 1)} vs ${fmt(time('parseDocument', size), 1)} ms; yaml.parse ${fmt(time('parse', size), 1)} ms (plan ${fmt(time('plan', size) / time('parse', size))}x of it); wall ${fmt(wall('plan', size) / wall('parseDocument', size))}x`,
    });
  }
  for (const size of SIZES) {
    const ratio = peak('plan', size) / peak('parseDocument', size);
    reportCheck({
      bench: 'scale',
      check: `plan peak heap / yaml parseDocument peak heap, ${size / 1000}k triples`,
      measured: `${fmt(ratio)}x`,
      target: '<= 2x',
      pass: ratio <= 2,
      note: `${fmt(peak('plan', size) / 2 ** 20, 1)} vs ${fmt(peak('parseDocument', size) / 2 ** 20, 1)} MiB; yaml.parse ${fmt(peak('parse', size) / 2 ** 20, 1)} MiB`,
    });
  }
} finally {
  await work.dispose();
}
