/**
 * The wording shared by the text and markdown renderers, so a plan reads the same in a terminal
 * and in a PR comment. Plain strings: each renderer escapes and styles them itself.
 */
import { planHasChanges } from '../plan/plan-changes.js';
import type { MassDeleteRefusal, Operation, Plan } from '../plan/types.js';
import { DEFAULT_MANIFEST } from '../manifest/default-manifest.js';

/** "Plan: 3 to subscribe, 1 to unsubscribe, 40 unchanged." or the no-changes sentence. */
export function planSummaryLine(plan: Plan, manifestName: string = DEFAULT_MANIFEST): string {
  if (!planHasChanges(plan)) {
    const n = plan.unchanged.length;
    // The state is what biot-subs applied; BioT itself cannot be listed, so claim only that.
    return `No changes. The state matches ${manifestName} (${n} subscription${n === 1 ? '' : 's'}).`;
  }
  const blocked = plan.unsubscribes.filter((op) => op.blocked).length;
  const unsubscribe = `${plan.unsubscribes.length} to unsubscribe${blocked > 0 ? ` (${blocked} blocked)` : ''}`;
  return `Plan: ${plan.subscribes.length} to subscribe, ${unsubscribe}, ${plan.unchanged.length} unchanged.`;
}

/** Why an operation is in the plan, when it is not the plain case (new entry, removed entry). */
export function reasonTag(op: Operation, reresolved: ReadonlySet<string> = new Set()): string | null {
  if (op.reason === 'resync') return 'resync';
  if (op.reason === 'uncertain') return 'uncertain: re-asserting';
  // The same template on both sides: only what its variables resolve to changed, which the
  // masked template alone would not show a reviewer.
  if (reresolved.size > 0 && reresolved.has(templateKey(op))) return op.kind === 'subscribe' ? 'variables now resolve to a new URL' : 'the URL its variables resolved to before';
  return null;
}

/** Templates subscribed and unsubscribed in one plan: their variables resolve differently now. */
export function reresolvedTemplates(plan: Plan): Set<string> {
  if (plan.unsubscribes.length === 0 || plan.subscribes.length === 0) return new Set();
  const removed = new Set(plan.unsubscribes.map(templateKey));
  return new Set(plan.subscribes.map(templateKey).filter((key) => removed.has(key)));
}

function templateKey(op: Operation): string {
  return `${op.ref.entityTypeName}\u0000${op.ref.actionName}\u0000${op.ref.endpoint}`;
}

/** Why a blocked unsubscribe will fail when applied. */
export function blockedNote(blocked: NonNullable<Extract<Operation, { kind: 'unsubscribe' }>['blocked']>): string {
  return `blocked, will fail: ${blocked.message}`;
}

/** The refusal's title and the planner's reason (which says what to do), shown at the top. */
export function refusalLines(refusal: MassDeleteRefusal): { title: string; detail: string } {
  return { title: 'reconcile will refuse this plan (mass delete)', detail: refusal.reason };
}
