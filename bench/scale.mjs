#!/usr/bin/env node
/**
 * Bench 4, scale: `plan` of manifests expanding to 1k, 10k and 100k triples (distinct endpoint
 * per entry, see lib/scale-manifest.mjs), against the yaml package alone parsing the same file.
 *
 * - linear: 10x the triples costs at most 12x the time (1k → 10k, 10k → 100k).
 * - vs yaml: our loader and planner within 1.3x of `parseDocument` of the same file. The loader
 *   needs node positions for its messages (file:line:col), which is what parseDocument builds;
 *   `yaml.parse` (parseDocument + toJS) is reported beside it. These manifests are in the plain
 *   subset of YAML that src/manifest/yaml-subset.ts reads itself; the same checks are made of
 *   `planViaYaml`, the same manifest with an anchor on its last endpoint, which sends it to
 *   yaml's parser (as anchors, aliases, tags or block scalars anywhere do: the reader's first
 *   scan finds them), so both of the loader's paths are held to them.
 * - memory: peak heap of the plan within 2x of parseDocument's, each measured on the first run
 *   in a fresh process.
 *
 * Time (lib/scale-child.mjs): in 5 child processes per size, the four operations take turns,
 * ROUNDS times after a warm-up round, so they share the JIT's state and the machine's load; the
 * figure is the median CPU time of the child's main thread per operation (Linux schedstat;
 * wall-clock time where that is missing), file read included, process start and module loading
 * not. On an idle machine that is the time a user waits; on this busy shared one wall-clock time
 * mostly measured the other load. Wall-clock time is printed beside it. Five processes, not
 * three: one process's own ratio at 100k ranges 1.0x - 1.7x with its JIT state and heap.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fmt, median, reportCheck, say } from './lib/report.mjs';
import { readYamlSubset } from '../dist/manifest/yaml-subset.js';
import { MODES, outsideSubset } from './lib/scale-child.mjs';
import { scaleManifest } from './lib/scale-manifest.mjs';
import { workFolder } from './lib/workload.mjs';

const SIZES = [1_000, 10_000, 100_000];
const CHILDREN = 5;
/**
 * Timed rounds per child: more where one run is short and noisy, and 5 at 100k, where a plan's
 * median moves ±15 % from one child process to the next (its JIT state and its collections:
 * the 100k plan's ~45 MB of objects that live to its end go through several young-generation
 * collections, the 10k plan's ~5 MB through none), so 25 runs rather than 15 set the figure.
 */
const ROUNDS = { 1000: 25, 10000: 9, 100000: 5 };
/** The plan's two paths, and how the checks name them. */
const PLANS = new Map([
  ['plan', 'plan'],
  ['planViaYaml', 'plan of the manifest outside the plain subset (read by yaml)'],
]);
const CHILD = fileURLToPath(new URL('./lib/scale-child.mjs', import.meta.url));
const execChild = promisify(execFile);

async function child(...args) {
  const { stdout } = await execChild(process.execPath, ['--expose-gc', CHILD, ...args.map(String)], { timeout: 300_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

const work = await workFolder('scale');
try {
  const results = {};
  for (const size of SIZES) {
    const file = join(work.dir, `scale-${size}.yaml`);
    const text = scaleManifest(size);
    const outside = text.replace(/\n {4}endpoint: (?=[^\n]*\n$)/, '\n    endpoint: &last ');
    // Each path as named: a bench of the wrong path would pass unnoticed.
    if (readYamlSubset(text) === null || outside === text || readYamlSubset(outside) !== null) {
      throw new Error(`the ${size} manifest and its copy with an anchor do not take the two paths`);
    }
    await writeFile(file, text);
    await writeFile(outsideSubset(file), outside);
    for (const mode of MODES) {
      const measured = await child('memory', mode, file);
      if (PLANS.has(mode) && measured.count !== size) throw new Error(`${mode} of ${file}: ${measured.count} subscribes, not ${size}`);
      results[`${mode}:${size}`] = { threadMs: [], wallMs: [], peak: measured.peakHeapBytes };
    }
    for (let c = 0; c < CHILDREN; c++) {
      const timed = await child('time', file, ROUNDS[size]);
      for (const mode of MODES) {
        results[`${mode}:${size}`].threadMs.push(...timed[mode].threadMs);
        results[`${mode}:${size}`].wallMs.push(...timed[mode].wallMs);
      }
    }
    const line = MODES.map((mode) => {
      const r = results[`${mode}:${size}`];
      return `${mode} ${fmt(median(r.threadMs), 1)} ms (wall ${fmt(median(r.wallMs), 1)}), peak +${fmt(r.peak / 2 ** 20, 1)} MiB`;
    });
    say(`${size} triples (${fmt(text.length / 1024, 0)} KiB): ${line.join('; ')}`);
  }

  const time = (mode, size) => median(results[`${mode}:${size}`].threadMs);
  const wall = (mode, size) => median(results[`${mode}:${size}`].wallMs);
  const peak = (mode, size) => results[`${mode}:${size}`].peak;
  for (const [mode, name] of PLANS) {
    for (let i = 1; i < SIZES.length; i++) {
      const [small, big] = [SIZES[i - 1], SIZES[i]];
      const growth = time(mode, big) / time(mode, small);
      reportCheck({
        bench: 'scale',
        check: `${name} time, ${big / 1000}k vs ${small / 1000}k triples`,
        measured: `${fmt(growth, 1)}x`,
        target: '<= 12x',
        pass: growth <= 12,
        note: `${fmt(time(mode, big), 0)} ms vs ${fmt(time(mode, small), 1)} ms; wall ${fmt(wall(mode, big) / wall(mode, small), 1)}x`,
      });
    }
  }
  for (const [mode, name] of PLANS) {
    for (const size of SIZES) {
      const ratio = time(mode, size) / time('parseDocument', size);
      reportCheck({
        bench: 'scale',
        check: `${name} time / yaml parseDocument time, ${size / 1000}k triples`,
        measured: `${fmt(ratio)}x`,
        target: '<= 1.3x',
        pass: ratio <= 1.3,
        note: `${fmt(time(mode, size), 1)} vs ${fmt(time('parseDocument', size), 1)} ms; yaml.parse ${fmt(time('parse', size), 1)} ms (${fmt(time(mode, size) / time('parse', size))}x of it); wall ${fmt(wall(mode, size) / wall('parseDocument', size))}x`,
      });
    }
  }
  for (const [mode, name] of PLANS) {
    for (const size of SIZES) {
      const ratio = peak(mode, size) / peak('parseDocument', size);
      reportCheck({
        bench: 'scale',
        check: `${name} peak heap / yaml parseDocument peak heap, ${size / 1000}k triples`,
        measured: `${fmt(ratio)}x`,
        target: '<= 2x',
        pass: ratio <= 2,
        note: `${fmt(peak(mode, size) / 2 ** 20, 1)} vs ${fmt(peak('parseDocument', size) / 2 ** 20, 1)} MiB; yaml.parse ${fmt(peak('parse', size) / 2 ** 20, 1)} MiB`,
      });
    }
  }
} finally {
  await work.dispose();
}
