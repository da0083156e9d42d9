#!/usr/bin/env node
/**
 * Bench 5, journal overhead: the same apply (800 subscribes, emulator in its own process at
 * 25 ms latency, concurrency 8) with the crash-safe journal (every call's intent and outcome
 * appended and fsynced) and without it (applyPlan's `withoutJournal`, for benchmarks only).
 * Runs alternate, 7 of each (the first pair a warm-up, not counted); figure: median with /
 * median without - 1. Target <= 5% slower. Timing: the apply report's elapsedMs.
 */
import { startEmulatorProcess } from './lib/emulator.mjs';
import { fmt, median, reportCheck, say } from './lib/report.mjs';
import { applySubscribes, workFolder } from './lib/workload.mjs';

const N = 800;
const LATENCY_MS = 25;
const CONCURRENCY = 8;
const REPEATS = 7;

const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS });
const work = await workFolder('journal');
try {
  const times = { with: [], without: [] };
  for (let i = 0; i <= REPEATS; i++) {
    // Alternate which goes first, so neither always follows the other.
    const order = i % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
    for (const mode of order) {
      await emulator.reset();
      const run = await applySubscribes({
        url: emulator.url,
        dir: work.dir,
        n: N,
        tag: `${mode}${i}`,
        concurrency: CONCURRENCY,
        withoutJournal: mode === 'without',
      });
      if (run.failed > 0) throw new Error(`${run.failed} operations failed`);
      say(`${i === 0 ? 'warm-up ' : ''}${mode} journal: ${run.elapsedMs} ms`);
      if (i > 0) times[mode].push(run.elapsedMs);
    }
  }
  const withMs = median(times.with);
  const withoutMs = median(times.without);
  const overhead = withMs / withoutMs - 1;
  reportCheck({
    bench: 'journal overhead',
    check: `apply with the journal vs without, ${N} subscribes, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}, medians of ${REPEATS}`,
    measured: `${overhead >= 0 ? '+' : ''}${fmt(100 * overhead, 1)}%`,
    target: '<= +5%',
    pass: overhead <= 0.05,
    note: `${withMs} ms with, ${withoutMs} ms without`,
  });
} finally {
  await work.dispose();
  await emulator.close();
}
