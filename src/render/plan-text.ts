/** The plan as a terminal shows it, Terraform-style: refusal first, changes, a summary line. */
import type { Operation, Plan } from '../plan/types.js';
import { styler } from './color.js';
import { maskEndpoint } from './mask-endpoint.js';
import { blockedNote, DEFAULT_MANIFEST_NAME, planSummaryLine, reasonTag, refusalLines, reresolvedTemplates } from './plan-words.js';
import { printable } from './printable.js';

// The CLI asks the colour question where it renders plans.
export { shouldColor } from './color.js';

export interface PlanTextOptions {
  color: boolean;
  /** Manifest name for the no-changes sentence; default subscriptions.yaml. */
  manifest?: string;
}

export function renderPlanText(plan: Plan, opts: PlanTextOptions): string {
  const style = styler(opts.color);
  const lines: string[] = [style('bold', `biot-subs plan (${describeBase(plan)})`), ''];

  if (plan.refusal) {
    const { title, detail } = refusalLines(plan.refusal);
    lines.push(style(['red', 'bold'], `! ${printable(title)}`), style('red', `  ${printable(detail)}`), '');
  }

  const operations: Operation[] = [...plan.subscribes, ...plan.unsubscribes];
  if (operations.length > 0) {
    const rows = operations.map((op) => ({
      op,
      entity: printable(op.ref.entityTypeName),
      action: printable(op.ref.actionName),
      endpoint: printable(maskEndpoint(op.ref.endpoint)),
    }));
    // reduce, not Math.max(...): a spread of 100k arguments overflows the stack.
    const entityWidth = rows.reduce((width, row) => Math.max(width, row.entity.length), 0);
    const actionWidth = rows.reduce((width, row) => Math.max(width, row.action.length), 0);
    const reresolved = reresolvedTemplates(plan);
    for (const { op, entity, action, endpoint } of rows) {
      const tag = reasonTag(op, reresolved);
      const head = op.kind === 'subscribe' ? '+ subscribe  ' : '- unsubscribe';
      const line = `  ${head}  ${entity.padEnd(entityWidth)}  ${action.padEnd(actionWidth)}  ${endpoint}`;
      lines.push(style(op.kind === 'subscribe' ? 'green' : 'red', line) + (tag ? `  ${style('dim', `(${tag})`)}` : ''));
      if (op.kind === 'unsubscribe' && op.blocked) {
        lines.push(style('yellow', `      ${printable(blockedNote(op.blocked))}`));
      }
    }
    lines.push('');
  }

  lines.push(style('bold', planSummaryLine(plan, printable(opts.manifest ?? DEFAULT_MANIFEST_NAME))));
  return lines.join('\n') + '\n';
}

function describeBase(plan: Plan): string {
  const target = plan.target !== null ? `target ${printable(plan.target)}` : 'no target yet';
  const state = plan.serial !== null ? `state serial ${plan.serial}` : 'no state yet';
  return `${target}, ${state}`;
}
