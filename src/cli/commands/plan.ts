import { realpath, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BiotSubsError, UsageError } from '../../errors.js';
import { planHasChanges } from '../../plan/plan-changes.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { defaultStatePath, journalPath, lockPath } from '../../state/state-path.js';
import { parseCommandArgs, showHelp, stringFlag } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { PLAN_OPTIONS, planRequestFrom } from '../plan-flags.js';
import { preparePlan, type PlanRequest } from '../prepare-plan.js';
import { renderPlan } from '../render-plan.js';
import { USAGE } from '../usage.js';

/** `plan`: reconcile --dry-run. No network, no state change, no credentials. */
export async function runPlan(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const { values } = parseCommandArgs(
    argv,
    { ...PLAN_OPTIONS, out: { type: 'string' }, 'detailed-exitcode': { type: 'boolean' } },
    USAGE.plan,
    { min: 0, max: 0 },
  );
  if (values['help']) return showHelp(ctx, USAGE.plan);
  const request = planRequestFrom(values, USAGE.plan);
  const out = stringFlag(values, 'out');
  if (out !== undefined) await refuseOverwriting(out, request);
  const plan = await preparePlan(request, ctx.env);
  ctx.stdout.write(renderPlan(plan, request.format, ctx, request.manifestPath));
  if (out !== undefined) {
    try {
      await writeFile(out, renderPlanJson(plan));
    } catch (error) {
      throw new BiotSubsError(`cannot write the plan to ${out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return values['detailed-exitcode'] === true && planHasChanges(plan) ? 2 : 0;
}

/** `--out` must not name a file biot-subs reads: a plan saved over the state or the manifest loses it. */
async function refuseOverwriting(out: string, request: PlanRequest): Promise<void> {
  const statePath = request.statePath ?? defaultStatePath(request.manifestPath);
  const real = (path: string): Promise<string> => realpath(path).catch(() => resolve(path));
  const target = await real(out);
  for (const [what, path] of [
    ['the manifest', request.manifestPath],
    ['the state file', statePath],
    ["the state's journal", journalPath(statePath)],
    ["the state's lock", lockPath(statePath)],
  ] as const) {
    if ((await real(path)) === target) throw new UsageError(`--out ${out} is ${what}: save the plan to another file, e.g. plan.json`, USAGE.plan);
  }
}
