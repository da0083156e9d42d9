import { writeFile } from 'node:fs/promises';
import { BiotSubsError } from '../../errors.js';
import { planHasChanges } from '../../plan/plan-changes.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { parseCommandArgs, stringFlag } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { PLAN_OPTIONS, planRequestFrom } from '../plan-flags.js';
import { preparePlan } from '../prepare-plan.js';
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
  if (values['help']) {
    ctx.stdout.write(`${USAGE.plan}\n`);
    return 0;
  }
  const request = planRequestFrom(values, USAGE.plan);
  const plan = await preparePlan(request, ctx.env);
  ctx.stdout.write(renderPlan(plan, request.format, ctx, request.manifestPath));
  const out = stringFlag(values, 'out');
  if (out !== undefined) {
    try {
      await writeFile(out, renderPlanJson(plan));
    } catch (error) {
      throw new BiotSubsError(`cannot write the plan to ${out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return values['detailed-exitcode'] === true && planHasChanges(plan) ? 2 : 0;
}
