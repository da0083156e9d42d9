#!/usr/bin/env node
/**
 * Bench 1, apply efficiency: N = 800 subscribes against the emulator (own process, 25 ms
 * latency per call), concurrency 8, through the library as `reconcile` runs them (journal on).
 *
 * - efficiency = ideal / measured, ideal = N * latency / concurrency; measured = the apply
 *   report's elapsedMs (first call to last outcome). Target >= 0.90. Median of 3 applies.
 * - speed-up over what a user would script: log in, then POST each subscribe one at a time with
 *   plain fetch (timed the same way: first POST to last answer). Target >= 7x.
 *
 * For scale, each apply is paired with the same 800 calls made by 8 workers of bare fetch (no
 * client, limiter, executor or journal): that pool's efficiency is what HTTP alone allows
 * between two processes on this machine, a ceiling for the apply's.
 *
 * Before the timed pairs, one bare fetch pool warms the emulator (a stand-in for a warm BioT),
 * not the client: the first apply runs it cold, as a `reconcile` run does. The check takes the
 * median of the 3 applies, so a client warmed by one apply; the first apply's figure is printed
 * beside it.
 */
import { startEmulatorProcess } from './lib/emulator.mjs';
import { fmt, median, reportCheck, say } from './lib/report.mjs';
import { applySubscribes, SERVICE_USER, workFolder } from './lib/workload.mjs';

const N = 800;
const LATENCY_MS = 25;
const CONCURRENCY = 8;
const REPEATS = 3;
const BENCH = 'apply efficiency';

const emulator = await startEmulatorProcess({ latencyMs: LATENCY_MS });
const work = await workFolder('apply');
try {
  const ideal = (N * LATENCY_MS) / CONCURRENCY;
  // The emulator stands in for BioT, whose servers are warm; fresh, it runs its first hundreds
  // of calls in V8's interpreter, which adds to every answer's latency. One bare fetch pool warms
  // it, not this process's client (fetch is undici, the client node:http).
  await emulator.reset();
  const warmUpMs = await fetchPool(emulator.url, N, CONCURRENCY);
  say(`warm-up of the emulator (bare fetch pool, not timed for the checks): ${warmUpMs.toFixed(0)} ms`);
  const applied = [];
  const pooled = [];
  for (let i = 0; i < REPEATS; i++) {
    await emulator.reset();
    const run = await applySubscribes({ url: emulator.url, dir: work.dir, n: N, tag: `run${i}`, concurrency: CONCURRENCY });
    if (run.failed > 0) throw new Error(`${run.failed} operations failed`);
    applied.push(run.elapsedMs);
    await emulator.reset();
    pooled.push(await fetchPool(emulator.url, N, CONCURRENCY));
    say(`apply ${i + 1}/${REPEATS}: ${run.elapsedMs} ms; bare fetch pool: ${pooled[i].toFixed(0)} ms (ideal ${ideal} ms)`);
  }
  const applyMs = median(applied);
  const poolMs = median(pooled);

  await emulator.reset();
  const sequentialMs = await sequentialFetchLoop(emulator.url, N);
  say(`sequential fetch loop: ${sequentialMs.toFixed(0)} ms`);

  const efficiency = ideal / applyMs;
  reportCheck({
    bench: BENCH,
    check: `ideal/measured, ${N} subscribes, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}`,
    measured: fmt(efficiency),
    target: '>= 0.90',
    pass: efficiency >= 0.9,
    note: `ideal ${ideal} ms, median apply ${applyMs} ms of ${applied.join(', ')}; the first, its client cold as in a reconcile run, ${fmt(ideal / applied[0])}; a bare fetch pool of ${CONCURRENCY} reaches ${fmt(ideal / poolMs)} here`,
  });
  const speedUp = sequentialMs / applyMs;
  reportCheck({
    bench: BENCH,
    check: 'speed-up over a sequential fetch loop',
    measured: `${fmt(speedUp, 1)}x`,
    target: '>= 7x',
    pass: speedUp >= 7,
    note: `loop ${sequentialMs.toFixed(0)} ms vs apply ${applyMs} ms`,
  });
} finally {
  await work.dispose();
  await emulator.close();
}

/** The script a user might write instead: log in, then one POST after another. */
function sequentialFetchLoop(url, n) {
  return fetchPool(url, n, 1);
}

/** Logs in, then `workers` loops POST the `n` subscribes with bare fetch; ms from first POST to last answer. */
async function fetchPool(url, n, workers) {
  const login = await fetch(`${url}/ums/v2/services/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SERVICE_USER),
  });
  const { accessToken } = await login.json();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const response = await fetch(`${url}/dispatcher/v1/hooks/notifications/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ entityTypeName: 'patient', actionName: '_create', endpoint: `https://hooks.example.com/bench/loop/${i}` }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`fetch loop: HTTP ${response.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  return performance.now() - started;
}
