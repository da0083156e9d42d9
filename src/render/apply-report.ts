/**
 * What `reconcile` says while and after it runs: one line per finished operation (logs), a live
 * counter (TTYs), and the final report listing every failure with what BioT said about it.
 */
import type { ApplyReport, OperationOutcome, OperationResult } from '../apply/types.js';
import type { BiotErrorDetail } from '../errors.js';
import type { Operation } from '../plan/types.js';
import { styler } from './color.js';
import { maskEndpoint } from './mask-endpoint.js';
import { printable } from './printable.js';

/** Skipped operations listed per reason; the rest are counted (an interrupt may skip thousands). */
const MAX_SKIPPED_LISTED = 10;

export function renderApplyReport(report: ApplyReport, opts: { color: boolean }): string {
  const style = styler(opts.color);
  const { results } = report;
  const count = (kind: OperationOutcome['kind'], op?: Operation['kind']): number =>
    results.filter((r) => r.outcome.kind === kind && (op === undefined || r.operation.kind === op)).length;

  const failed = results.flatMap(({ operation, outcome }) => (outcome.kind === 'failed' ? [{ operation, outcome }] : []));
  const skipped = results.flatMap(({ operation, outcome }) => (outcome.kind === 'skipped' ? [{ operation, outcome }] : []));
  const parts = [
    withBreakdown(count('ok'), 'ok', `${count('ok', 'subscribe')} subscribed, ${count('ok', 'unsubscribe')} unsubscribed`),
    withBreakdown(
      count('converged'),
      'converged',
      `${count('converged', 'subscribe')} already subscribed, ${count('converged', 'unsubscribe')} not subscribed`,
    ),
    failed.length > 0 ? style(['red', 'bold'], `${failed.length} failed`) : '0 failed',
    `${skipped.length} skipped`,
  ];
  const title = `Reconcile ${report.interrupted ? 'interrupted' : 'finished'} after ${seconds(report.elapsedMs)}:`;
  const lines = [`${style('bold', title)} ${parts.join(', ')}.`];
  if (report.interrupted) {
    lines.push(style('yellow', 'Interrupted: no new call was started; the state records the outcome of every call made.'));
  }

  if (failed.length > 0) {
    lines.push('', style(['red', 'bold'], `Failed (${failed.length}):`));
    for (const { operation, outcome } of failed) {
      lines.push(style('red', `  ${describeOperation(operation)}`), `      ${describeError(outcome.error)}`);
      if (outcome.changed === 'unknown') {
        lines.push('      BioT may have made the change: the state marks it uncertain and the next plan re-asserts it.');
      }
    }
  }

  if (skipped.length > 0) {
    lines.push('', style('yellow', `Skipped (${skipped.length}):`));
    for (const [reason, group] of groupBy(skipped, (r) => r.outcome.reason)) {
      lines.push(`  ${printable(reason)} (${group.length}):`);
      for (const result of group.slice(0, MAX_SKIPPED_LISTED)) lines.push(`    ${describeOperation(result.operation)}`);
      if (group.length > MAX_SKIPPED_LISTED) lines.push(`    … and ${group.length - MAX_SKIPPED_LISTED} more`);
    }
  }
  return lines.join('\n') + '\n';
}

/** One line per finished operation for logs; `index` counts finished operations, from 1. */
export function renderProgressLine(result: OperationResult, index: number, total: number): string {
  const width = String(total).length;
  return `[${String(index).padStart(width)}/${total}] ${describeOperation(result.operation)}: ${describeOutcome(result)}`;
}

/** The live counter; the CLI rewrites it in place with `\r`, so it has no newline. */
export function renderProgressCounter(done: number, total: number, failed: number): string {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `Applying: ${done}/${total} (${percent}%)${failed > 0 ? `, ${failed} failed` : ''}`;
}

function describeOperation(op: Operation): string {
  const { entityTypeName, actionName, endpoint } = op.ref;
  const kind = op.kind === 'subscribe' ? '+ subscribe' : '- unsubscribe';
  return printable(`${kind} ${entityTypeName} ${actionName} ${maskEndpoint(endpoint)}`);
}

/** "3 ok (2 subscribed, 1 unsubscribed)"; no breakdown of zero. */
function withBreakdown(n: number, label: string, breakdown: string): string {
  return n > 0 ? `${n} ${label} (${breakdown})` : `${n} ${label}`;
}

function describeOutcome({ operation, outcome }: OperationResult): string {
  switch (outcome.kind) {
    case 'ok':
      return `ok (HTTP ${outcome.status})`;
    case 'converged':
      return `${operation.kind === 'subscribe' ? 'already subscribed' : 'not subscribed'} (HTTP ${outcome.status})`;
    case 'failed':
      return `FAILED: ${describeError(outcome.error)}`;
    case 'skipped':
      return `skipped: ${printable(outcome.reason)}`;
  }
}

/** "HTTP 503 SERVICE_UNAVAILABLE: message (trace id abc)", with what is known. */
function describeError(error: BiotErrorDetail): string {
  const status = error.status !== undefined ? `HTTP ${error.status}` : 'no response';
  const code = error.code ? ` ${printable(error.code)}` : '';
  const trace = error.traceId ? ` (trace id ${printable(error.traceId)})` : '';
  return `${status}${code}: ${printable(error.message)}${trace}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
