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

export interface PreparedPlan {
  manifest: Manifest;
  statePath: string;
  /** The state as read, with a leftover journal folded in (in memory only). */
  state: State | null;
  /** A leftover journal was found: the state on disk is behind until it is written. */
  journalRecovered: boolean;
  plan: Plan;
  /** BIOT_BASE_URL when set, normalized. */
  baseUrl: string | null;
}

/**
 * Reads everything a plan needs and makes it: manifest first (a bad one stops before anything
 * else is touched), then the state with any leftover journal folded in, then the pure diff.
 * Reads only: writing the recovered state is reconcile's job, under the lock.
 */
export async function preparePlan(request: PlanRequest, env: Environment): Promise<PreparedPlan> {
  const manifest = await loadManifestOrFail(request.manifestPath, env);
  const baseUrl = env['BIOT_BASE_URL'] ? baseUrlFromEnv(env) : null;
  const statePath = request.statePath ?? defaultStatePath(request.manifestPath);
  const stored = await readState(statePath);
  const recovered = await recoverJournal(statePath, stored);
  const state = recovered ? recovered.state : stored;
  checkTarget(state, baseUrl, statePath);
  const plan = planChanges({
    desired: manifest.subscriptions,
    state,
    manifestSha256: manifest.sha256,
    env,
    target: baseUrl,
    resync: request.resync,
    maxDeletePercent: request.maxDeletePercent,
    allowMassDelete: request.allowMassDelete,
  });
  return { manifest, statePath, state, journalRecovered: recovered !== null, plan, baseUrl };
}

/** A state belongs to one BioT environment: using it against another is refused. */
export function checkTarget(state: State | null, baseUrl: string | null, statePath: string): void {
  if (!state?.target || !baseUrl || state.target === baseUrl) return;
  throw new RefusedError(
    `${statePath} records subscriptions applied to ${state.target}, but BIOT_BASE_URL is ${baseUrl}; use the state file of that environment (--state PATH)`,
  );
}
