/**
 * Workloads shared by the HTTP benchmarks: a manifest of N single-triple entries, planned and
 * applied through the library exactly as `biot-subs reconcile` does (loadManifest → planChanges
 * → resolveEndpoints → createBiotClient → applyPlan), the timing taken from the apply report
 * (first call to last outcome: process start, loading and login excluded).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../../dist/apply/apply-plan.js';
import { resolveEndpoints } from '../../dist/apply/resolve-endpoints.js';
import { createBiotClient } from '../../dist/biot/client.js';
import { loadManifest } from '../../dist/manifest/load-manifest.js';
import { planChanges } from '../../dist/plan/plan-changes.js';

export const SERVICE_USER = { id: 'demo', secretKey: 'demo-secret' };

/** YAML of `n` entries, one triple each, with distinct endpoints under `tag`. */
export function singleTripleManifest(n, tag) {
  const lines = ['version: 1', 'subscriptions:'];
  for (let i = 0; i < n; i++) {
    lines.push('  - entityTypeName: patient', '    actionName: _create', `    endpoint: https://hooks.example.com/bench/${tag}/${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A temporary folder for one benchmark's manifests and state files; removed by `dispose`. */
export async function workFolder(name) {
  const dir = await mkdtemp(join(tmpdir(), `biot-subs-bench-${name}-`));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Plans and applies `n` subscribes against `url` with the real client and executor.
 * @returns {Promise<{ elapsedMs: number, ok: number, failed: number, client: ReturnType<import('../../dist/biot/client.js').BiotClient['stats']> }>}
 */
export async function applySubscribes({ url, dir, n, tag, concurrency, withoutJournal = false, rate }) {
  const manifestPath = join(dir, `${tag}.yaml`);
  await writeFile(manifestPath, singleTripleManifest(n, tag));
  const loaded = await loadManifest(manifestPath, {});
  if (!loaded.ok) throw new Error(`bench manifest rejected: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  const manifest = loaded.manifest;
  const plan = planChanges({
    desired: manifest.subscriptions,
    state: null,
    manifestSha256: manifest.sha256,
    env: {},
    target: url,
    resync: false,
    maxDeletePercent: 25,
    allowMassDelete: false,
  });
  const client = createBiotClient({
    baseUrl: url,
    credentials: { kind: 'service-user', ...SERVICE_USER },
    maxInFlight: concurrency,
    ...(rate ? { rate } : {}),
  });
  await client.authenticate();
  const never = new AbortController().signal;
  const { report } = await applyPlan({
    plan,
    state: null,
    statePath: join(dir, `${tag}.state.json`),
    target: url,
    endpoints: resolveEndpoints(plan, manifest, {}),
    calls: client,
    concurrency,
    stop: never,
    cancel: never,
    withoutJournal,
  });
  const ok = report.results.filter((r) => r.outcome.kind === 'ok' || r.outcome.kind === 'converged').length;
  return { elapsedMs: report.elapsedMs, ok, failed: report.results.length - ok, client: client.stats() };
}
