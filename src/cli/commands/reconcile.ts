import { randomBytes } from 'node:crypto';
import { applyPlan } from '../../apply/apply-plan.js';
import { resolveEndpoints } from '../../apply/resolve-endpoints.js';
import { isSuccess } from '../../apply/execute-plan.js';
import type { OperationResult } from '../../apply/types.js';
import type { Plan } from '../../plan/types.js';
import type { Manifest } from '../../manifest/types.js';
import type { State } from '../../state/types.js';
import { createBiotClient } from '../../biot/client.js';
import { baseUrlFromEnv, credentialsFromEnv } from '../../biot/credentials.js';
import { RefusedError } from '../../errors.js';
import { planHasChanges } from '../../plan/plan-changes.js';
import { savedPlanMismatch } from '../../plan/saved-plan.js';
import { renderApplyReport } from '../../render/apply-report.js';
import { shouldColor } from '../../render/plan-text.js';
import { loadSavedPlan } from '../saved-plan-file.js';
import { defaultStatePath } from '../../state/state-path.js';
import { numberFlag, parseCommandArgs, showHelp, stringFlag } from '../args.js';
import { confirmApply } from '../confirm.js';
import type { CliContext, ExitCode } from '../context.js';
import { loadManifestOrFail } from '../load-manifest-or-fail.js';
import { PLAN_OPTIONS, planRequestFrom } from '../plan-flags.js';
import type { PlanRequest } from '../prepare-plan.js';
import { checkTarget, planFromState, preparePlan } from '../prepare-plan.js';
import { withLockedState } from '../locked-state.js';
import { createProgress } from '../progress.js';
import { renderPlan, type PlanFormat } from '../render-plan.js';
import { createInterrupts, type Interrupts } from '../interrupts.js';
import { USAGE } from '../usage.js';

const OPTIONS = {
  ...PLAN_OPTIONS,
  'dry-run': { type: 'boolean' },
  'auto-approve': { type: 'boolean' },
  plan: { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  retries: { type: 'string' },
  timeout: { type: 'string' },
  'allow-mass-delete': { type: 'boolean' },
} as const;

export async function runReconcile(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const usage = USAGE.reconcile;
  const { values } = parseCommandArgs(argv, OPTIONS, usage, { min: 0, max: 0 });
  if (values['help']) return showHelp(ctx, usage);
  // Every flag is checked before anything is read, locked or sent.
  const request = planRequestFrom(values, usage);
  const settings: ApplySettings = {
    concurrency: numberFlag(values, 'concurrency', 4, { min: 1, max: 256, integer: true }, usage),
    rate: numberFlag(values, 'rate', 0, { min: 0, max: 100_000, integer: false }, usage),
    retries: numberFlag(values, 'retries', 5, { min: 0, max: 20, integer: true }, usage),
    timeoutSeconds: numberFlag(values, 'timeout', 15, { min: 0.1, max: 3600, integer: false }, usage),
    autoApprove: values['auto-approve'] === true,
  };
  const savedPath = stringFlag(values, 'plan');
  const saved = savedPath === undefined ? null : { path: savedPath, plan: await loadSavedPlan(savedPath) };
  // A saved plan is applied as it was made: a `plan --resync --out` plan needs no --resync again.
  if (saved?.plan.resync) request.resync = true;
  // ... and checked against the mass-delete threshold its reviewer saw, unless given again.
  if (saved && values['max-delete-percent'] === undefined) request.maxDeletePercent = saved.plan.maxDeletePercent;

  // A rejected manifest stops the run before the lock, the state or the network are touched.
  const manifest = await loadManifestOrFail(request.manifestPath, ctx.env);
  const statePath = request.statePath ?? defaultStatePath(request.manifestPath);
  if (values['dry-run'] === true) {
    const plan = await preparePlan(request, ctx.env);
    if (saved) refuseStale(saved, plan);
    ctx.stdout.write(renderPlan(plan, request.format, ctx, request.manifestPath));
    return 0;
  }

  // Installed before the lock is taken: a signal at any moment ends the run the same way (no new
  // call, outcomes recorded, lock released, exit 1), never by Node's default kill.
  const interrupts = createInterrupts(ctx, (signal) =>
    ctx.stderr.write(`\nbiot-subs: ${signal}: starting no new calls; waiting up to 5 s for calls in flight\n`),
  );
  try {
    return await withLockedState(statePath, 'reconcile', ctx, (state) =>
      reconcileLocked({ manifest, state, statePath, request, saved, settings, interrupts }, ctx),
    );
  } finally {
    interrupts.dispose();
  }
}

interface ApplySettings {
  concurrency: number;
  /** Requests per second; 0: no fixed limit. */
  rate: number;
  retries: number;
  timeoutSeconds: number;
  autoApprove: boolean;
}

interface LockedRun {
  manifest: Manifest;
  state: State | null;
  statePath: string;
  request: PlanRequest & { format: PlanFormat };
  saved: { path: string; plan: Plan } | null;
  settings: ApplySettings;
  interrupts: Interrupts;
}

/** Under the lock, with any leftover journal recovered: plan, check, approve, apply. */
async function reconcileLocked(run: LockedRun, ctx: CliContext): Promise<ExitCode> {
  const { manifest, state, statePath, request, saved, settings, interrupts } = run;
  const plan = planFromState(manifest, state, statePath, request, ctx.env);
  if (saved) refuseStale(saved, plan);
  ctx.stdout.write(renderPlan(plan, request.format, ctx, request.manifestPath));
  if (!planHasChanges(plan)) return 0;
  if (plan.refusal) throw new RefusedError(`apply refused: ${plan.refusal.reason}`);
  // Only blocked unsubscribes: nothing can be sent, so no login, credentials or approval are
  // needed to say so (and a missing credential must not hide the real problem).
  if (plan.subscribes.length === 0 && plan.unsubscribes.every((op) => op.blocked)) {
    return reportBlockedOnly(plan, request.format, ctx);
  }

  const baseUrl = baseUrlFromEnv(ctx.env);
  checkTarget(state, baseUrl, statePath);
  const credentials = credentialsFromEnv(ctx.env);
  if (!settings.autoApprove && saved === null) {
    if (!ctx.stdin.isTTY) {
      throw new RefusedError(
        'the plan has changes and standard input is not a terminal, so nobody can approve it; review the plan and run again with --auto-approve',
      );
    }
    if (!(await confirmApply(ctx, `Apply these changes to ${baseUrl}?`))) {
      ctx.stderr.write('Apply cancelled: nothing was changed.\n');
      return 1;
    }
  }
  if (interrupts.stop.aborted) throw new RefusedError('interrupted before any call was made: nothing was changed');

  const client = createBiotClient({
    baseUrl,
    credentials,
    retries: settings.retries,
    timeoutMs: settings.timeoutSeconds * 1000,
    maxInFlight: settings.concurrency,
    ...(settings.rate > 0 ? { rate: settings.rate } : {}),
    traceId: randomBytes(16).toString('hex'),
    // An interrupt during the login must not wait for its retries: cut it with the calls.
    signal: interrupts.cancel,
  });
  await client.authenticate();
  const progress = createProgress(ctx.stderr);
  const { report } = await applyPlan({
    plan,
    state,
    statePath,
    target: baseUrl,
    endpoints: resolveEndpoints(plan, manifest, ctx.env),
    calls: client,
    concurrency: settings.concurrency,
    stop: interrupts.stop,
    cancel: interrupts.cancel,
    onResult: progress.onResult,
  });
  progress.end();
  // With --format json or markdown, stdout stays one document (the plan): the report goes to stderr.
  const out = request.format === 'text' ? ctx.stdout : ctx.stderr;
  out.write(renderApplyReport(report, { color: shouldColor(out, ctx.env) }));
  return report.interrupted || !report.results.every((r) => isSuccess(r.outcome)) ? 1 : 0;
}

function refuseStale(saved: { path: string; plan: Plan }, current: Plan): void {
  const mismatch = savedPlanMismatch(saved.plan, current);
  if (mismatch) throw new RefusedError(`the saved plan ${saved.path} is stale: ${mismatch}; make a new plan`);
}

/** The report of a plan whose every operation is a blocked unsubscribe: all skipped, exit 1. */
function reportBlockedOnly(plan: Plan, format: PlanFormat, ctx: CliContext): ExitCode {
  const results: OperationResult[] = plan.unsubscribes.map((operation) => ({
    operation,
    outcome: { kind: 'skipped', reason: operation.blocked?.message ?? 'blocked' },
  }));
  const progress = createProgress(ctx.stderr);
  results.forEach((result, i) => progress.onResult(result, i + 1, results.length));
  progress.end();
  const out = format === 'text' ? ctx.stdout : ctx.stderr;
  out.write(renderApplyReport({ results, interrupted: false, elapsedMs: 0 }, { color: shouldColor(out, ctx.env) }));
  return 1;
}
