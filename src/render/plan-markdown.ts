/**
 * The plan as a PR comment: the hidden marker the workflow finds its comment by, a summary, the
 * refusal (if any) as a warning, a table of changes and the unchanged entries collapsed. GitHub
 * rejects comments over 65,536 characters, so the output never exceeds `maxChars`: when it would,
 * unchanged rows go first, then change rows, each cut replaced by a note saying how many.
 */
import type { Operation, Plan } from '../plan/types.js';
import type { SubscriptionRef } from '../subscription.js';
import { escapeMarkdownText, markdownCode } from './markdown-escape.js';
import { maskEndpoint } from './mask-endpoint.js';
import { DEFAULT_MANIFEST } from '../manifest/default-manifest.js';
import { blockedNote, planSummaryLine, reasonTag, refusalLines, reresolvedTemplates } from './plan-words.js';

export const PLAN_COMMENT_MARKER = '<!-- biot-subs-plan -->';
export const DEFAULT_MAX_CHARS = 60_000;
/** Room for the marker, heading, summary and notes with long file names; below it, no promise. */
const MIN_MAX_CHARS = 1_000;

export interface PlanMarkdownOptions {
  maxChars?: number;
  /** Heading text, e.g. to name the environment; default "biot-subs plan". */
  title?: string;
  /** Manifest name for the no-changes sentence; default subscriptions.yaml. */
  manifest?: string;
}

const CHANGES_HEADER = '| | entity | action | endpoint | reason |\n|---|---|---|---|---|\n';
const UNCHANGED_HEADER = '| entity | action | endpoint |\n|---|---|---|\n';
const FULL_PLAN_HINT = '(the full plan: `biot-subs plan` or the job log)';

export function renderPlanMarkdown(plan: Plan, opts: PlanMarkdownOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  if (!(maxChars >= MIN_MAX_CHARS)) throw new RangeError(`maxChars must be at least ${MIN_MAX_CHARS}`);
  // Only the manifest name in the summary is the user's; the rest is ours and safe as it is.
  const summary = planSummaryLine(plan, escapeMarkdownText(opts.manifest ?? DEFAULT_MANIFEST));
  const head = renderHead(plan, opts.title ?? 'biot-subs plan', summary);

  const changes: Operation[] = [...plan.subscribes, ...plan.unsubscribes];
  // Each note follows a table, so it starts with the blank line that ends the table.
  const changesNote = (n: number): string => `\n… and ${n} more changes not shown ${FULL_PLAN_HINT}\n`;
  const unchangedNote = (n: number): string => `\n… and ${n} more unchanged not shown ${FULL_PLAN_HINT}\n`;
  const detailsOpen = `<details><summary>${plan.unchanged.length} unchanged</summary>\n\n`;
  const detailsClose = '\n</details>\n';

  // Fixed parts, with room for both notes at their longest so that filling rows can be greedy.
  let budget = maxChars - head.length;
  if (changes.length > 0) budget -= 1 + CHANGES_HEADER.length + changesNote(changes.length).length;
  if (plan.unchanged.length > 0) {
    budget -= 1 + detailsOpen.length + UNCHANGED_HEADER.length + detailsClose.length;
    budget -= unchangedNote(plan.unchanged.length).length;
  }
  if (budget < 0) return renderMinimal(summary, maxChars);

  const reresolved = reresolvedTemplates(plan);
  const changeRows = takeRows(changes, (op) => changeRow(op, reresolved), budget);
  budget -= changeRows.length;
  // Unchanged entries are cut first: none is shown while any change is left out.
  const unchangedRows =
    changeRows.count < changes.length ? { text: '', count: 0, length: 0 } : takeRows(plan.unchanged, unchangedRow, budget);

  let out = head;
  if (changes.length > 0) {
    out += '\n' + CHANGES_HEADER + changeRows.text;
    if (changeRows.count < changes.length) out += changesNote(changes.length - changeRows.count);
  }
  if (plan.unchanged.length > 0) {
    out += '\n' + detailsOpen;
    if (unchangedRows.count > 0) out += UNCHANGED_HEADER + unchangedRows.text;
    if (unchangedRows.count < plan.unchanged.length) {
      const note = unchangedNote(plan.unchanged.length - unchangedRows.count);
      out += unchangedRows.count > 0 ? note : note.slice(1); // no table above: no second blank line
    }
    out += detailsClose;
  }
  return out;
}

function renderHead(plan: Plan, title: string, summary: string): string {
  const lines = [PLAN_COMMENT_MARKER, `### ${escapeMarkdownText(title)}`, '', `**${summary}**`, ''];
  const target = plan.target !== null ? `Target ${markdownCode(plan.target)}` : 'No target yet';
  const state = plan.serial !== null ? `state serial ${plan.serial}` : 'no state yet';
  lines.push(`${target}, ${state}.`);
  if (plan.refusal) {
    const { title: refusal, detail } = refusalLines(plan.refusal);
    // Each later section starts with its own blank line.
    lines.push('', '> [!WARNING]', `> **${escapeMarkdownText(refusal)}**`, `> ${escapeMarkdownText(detail)}`);
  }
  return lines.join('\n') + '\n';
}

function changeRow(op: Operation, reresolved: ReadonlySet<string>): string {
  const marker = op.kind === 'subscribe' ? '➕' : '➖';
  const reason =
    op.kind === 'unsubscribe' && op.blocked
      ? `⚠️ ${escapeMarkdownText(blockedNote(op.blocked))}`
      : escapeMarkdownText(reasonTag(op, reresolved) ?? (op.kind === 'subscribe' ? 'new' : 'removed'));
  return `| ${marker} | ${refCells(op.ref)} | ${reason} |\n`;
}

function unchangedRow(ref: SubscriptionRef): string {
  return `| ${refCells(ref)} |\n`;
}

function refCells(ref: SubscriptionRef): string {
  return [ref.entityTypeName, ref.actionName, maskEndpoint(ref.endpoint)].map(markdownCode).join(' | ');
}

/** Whole rows, in order, while they fit in `budget` characters. */
function takeRows<T>(
  items: readonly T[],
  render: (item: T) => string,
  budget: number,
): { text: string; count: number; length: number } {
  const rows: string[] = [];
  let length = 0;
  for (const item of items) {
    const row = render(item);
    if (length + row.length > budget) break;
    rows.push(row);
    length += row.length;
  }
  return { text: rows.join(''), count: rows.length, length };
}

/** When even the fixed parts do not fit (a very long title or manifest name): marker and summary. */
function renderMinimal(summary: string, maxChars: number): string {
  const out = `${PLAN_COMMENT_MARKER}\n**${summary}**\n\nThe plan is too large to show here ${FULL_PLAN_HINT}.\n`;
  return out.length <= maxChars ? out : `${PLAN_COMMENT_MARKER}\nThe plan is too large to show here.\n`;
}
