import { baseUrlFromEnv } from '../biot/credentials.js';
import { RefusedError } from '../errors.js';
import type { Environment, Manifest } from '../manifest/types.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Plan } from '../plan/types.js';
import { recoverJournal } from '../state/journal.js';
import { readState } from '../state/state-file.js';
import { defaultStatePath } from '../state/state-path.js';
import type { State } from '../state/types.js';
import { loadManifestOrFail } from './load-manifest-or-fail.js';

export interface PlanRequest {
  manifestPath: string;
  statePath: string | undefined;
  resync: boolean;
  maxDeletePercent: number;
  allowMassDelete: boolean;
}

/**
 * `plan`: manifest first (a bad one stops before anything else is touched), then the state with
 * any leftover journal folded in memory only (plan never writes), then the pure diff.
 */
export async function preparePlan(request: PlanRequest, env: Environment): Promise<Plan> {
  const manifest = await loadManifestOrFail(request.manifestPath, env);
  const statePath = request.statePath ?? defaultStatePath(request.manifestPath);
  const stored = await readState(statePath);
  const recovered = await recoverJournal(statePath, stored);
  return planFromState(manifest, recovered ? recovered.state : stored, statePath, request, env);
}

/** The diff of a loaded manifest against a state, after checking the state's environment. */
export function planFromState(
  manifest: Manifest,
  state: State | null,
  statePath: string,
  request: PlanRequest,
  env: Environment,
): Plan {
  const baseUrl = env['BIOT_BASE_URL'] ? baseUrlFromEnv(env) : null;
  checkTarget(state, baseUrl, statePath);
  return planChanges({
    desired: manifest.subscriptions,
    state,
    manifestSha256: manifest.sha256,
    env,
    target: baseUrl,
    resync: request.resync,
    maxDeletePercent: request.maxDeletePercent,
    allowMassDelete: request.allowMassDelete,
  });
}

/** A state belongs to one BioT environment: using it against another is refused. */
export function checkTarget(state: State | null, baseUrl: string | null, statePath: string): void {
  if (!state?.target || !baseUrl || state.target === baseUrl) return;
  throw new RefusedError(
    `${statePath} records subscriptions applied to ${state.target}, but BIOT_BASE_URL is ${baseUrl}; use the state file of that environment (--state PATH)`,
  );
}
