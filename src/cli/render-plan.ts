import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText, shouldColor } from '../render/plan-text.js';
import type { Plan } from '../plan/types.js';
import type { CliContext } from './context.js';

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** `manifest` is the manifest's path as given, named in the plan's sentences. */
export function renderPlan(plan: Plan, format: PlanFormat, ctx: CliContext, manifest: string): string {
  switch (format) {
    case 'json':
      return renderPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan, { manifest });
    case 'text':
      return renderPlanText(plan, { color: shouldColor(ctx.stdout, ctx.env), manifest });
  }
}
