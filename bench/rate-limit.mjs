#!/usr/bin/env node
/**
 * Bench 2, rate limits: 800 subscribes against an emulator (own process, no added latency, so
 * BioT answers fast) that accepts 80 dispatcher calls a second and answers the rest 429; the
 * client runs at concurrency 16 and is not told the limit (no --rate). Its AIMD limiter has to
 * find it.
 *
 * BioT does not document how it counts, so this runs twice: against the emulator's sliding
 * window (the case), then against a token bucket refilled at 80/s with a burst of 10,
 * whose first second looks like a window limit of 10/s.
 *
 * - throughput = ok calls / apply time (the apply report's elapsedMs), as a share of the limit.
 *   Target >= 80%.
 * - 429 share = calls the emulator answered 429 (its own stats) / all dispatcher calls it got.
 *   Target <= 10%.
 */
import { startEmulatorProcess } from './lib/emulator.mjs';
import { fmt, reportCheck, say } from './lib/report.mjs';
import { applySubscribes, workFolder } from './lib/workload.mjs';

const N = 800;
const LIMIT = 80;
const BURST = 10;
const CONCURRENCY = 16;
const BENCH = 'rate limit';

await measure(`an unannounced ${LIMIT}/s limit (sliding window)`, { rateLimit: LIMIT }, 'rate');
await measure(`a ${LIMIT}/s token bucket, burst ${BURST}`, { rateLimit: LIMIT, rateLimitBurst: BURST }, 'bucket');

async function measure(limitName, emulatorOptions, tag) {
  const emulator = await startEmulatorProcess(emulatorOptions);
  const work = await workFolder(tag);
  try {
    const run = await applySubscribes({ url: emulator.url, dir: work.dir, n: N, tag, concurrency: CONCURRENCY });
    const stats = await emulator.stats();
    const calls = stats.subscribeCalls;
    say(`${limitName}: ${run.ok} ok, ${run.failed} failed in ${run.elapsedMs} ms; ${calls} calls, ${stats.rateLimited} answered 429; client ends at ${fmt(run.client.rate, 1)}/s, ${run.client.inFlightLimit} in flight, counting by ${run.client.limitCounting}`);
    const throughput = run.ok / (run.elapsedMs / 1000);
    reportCheck({
      bench: BENCH,
      check: `throughput vs ${limitName}, concurrency ${CONCURRENCY}, ${N} subscribes`,
      measured: `${fmt((100 * throughput) / LIMIT, 1)}% (${fmt(throughput, 1)}/s)`,
      target: '>= 80%',
      pass: throughput >= 0.8 * LIMIT && run.failed === 0,
      note: run.failed > 0 ? `${run.failed} operations failed` : `${run.elapsedMs} ms`,
    });
    const share = stats.rateLimited / calls;
    reportCheck({
      bench: BENCH,
      check: `calls answered 429, ${limitName}`,
      measured: `${fmt(100 * share, 1)}% (${stats.rateLimited} of ${calls})`,
      target: '<= 10%',
      pass: share <= 0.1,
    });
  } finally {
    await work.dispose();
    await emulator.close();
  }
}
