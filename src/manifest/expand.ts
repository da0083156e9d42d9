/**
 * The `subscriptions` list → (entity, action, endpoint) triples, read from the YAML nodes so
 * that each triple keeps the place of its action. Checks entity and action names against the
 * catalog and `extraActions`, each endpoint (once per distinct template), and duplicates.
 * Linear in the number of triples, with nothing allocated per triple here: manifests may expand
 * to 100k of them. Each triple goes to a sink, which builds subscriptions (parseManifest) or only
 * counts them (`validate`, which so never hashes an endpoint).
 */
import { isMap, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { actionsOf, CATALOG } from '../catalog/catalog.js';
import { didYouMean } from '../catalog/suggest.js';
import type { SourceLocation } from '../errors.js';
import { checkEndpoint } from './endpoint-check.js';
import type { EffectivePolicy, EndpointCheck } from './endpoint-check.js';
import { maskEndpoint } from '../render/mask-endpoint.js';
import { readEntry } from './entry-nodes.js';
import type { Named } from './entry-nodes.js';
import type { ProblemCollector } from './problems.js';
import type { SchemaVerdict } from './schema-check.js';
import { code } from './text.js';
import type { Environment } from './types.js';
import type { YamlTree } from './yaml-tree.js';

export interface ExpandContext {
  tree: YamlTree;
  verdict: SchemaVerdict;
  extraActions: Readonly<Record<string, readonly string[]>>;
  policy: EffectivePolicy;
  env: Environment;
  problems: ProblemCollector;
}

/** An entry whose entity and endpoint are good, with what each of its action nodes stands for. */
interface CheckedEntry {
  entity: string;
  template: string;
  known: EntityActions;
  endpoint: GoodEndpoint;
  actions: { names: readonly string[]; at: number }[];
}

interface EntityActions {
  /** The name as first written: every triple of the entity shares this one string. */
  name: string;
  all: readonly string[];
  /** Action → an interned `entity\0action` key for the duplicate check. */
  keys: ReadonlyMap<string, string>;
}

interface UrlUses {
  count: number;
}

/** A template's check; a good one with the use count of the URL it resolves to. */
type CachedEndpoint = GoodEndpoint | Extract<EndpointCheck, { ok: false }>;

interface EndpointSlot {
  endpoint: CachedEndpoint | undefined;
  uses: UrlUses | undefined;
}

interface GoodEndpoint {
  ok: true;
  check: Extract<EndpointCheck, { ok: true }>;
  uses: UrlUses;
}

/** A template that resolved to a good URL: one object per template, shared by its triples. */
export type ResolvedEndpoint = Extract<EndpointCheck, { ok: true }>;

/** Takes each triple with no problem of its own, in manifest order (others may have some). */
export type TripleSink = (
  entityTypeName: string,
  actionName: string,
  template: string,
  endpoint: ResolvedEndpoint,
  location: SourceLocation,
) => void;

export function expandTriples(root: ParsedNode | null, ctx: ExpandContext, sink: TripleSink): void {
  const { tree, problems, extraActions } = ctx;
  const top = tree.deref(root);
  const list = isMap(top) ? tree.deref(tree.pair(top, 'subscriptions')?.value) : null;
  if (!isSeq(list)) return;

  const entityNames = [...CATALOG.keys(), ...Object.keys(extraActions)];
  const entities = new Map<string, EntityActions | null>();
  const entityActions = (entity: string): EntityActions | null => {
    let known = entities.get(entity);
    if (known === undefined) {
      const defined = CATALOG.has(entity) || Object.hasOwn(extraActions, entity);
      const all = defined ? actionsOf(entity, extraActions) : [];
      known = defined ? { name: entity, all, keys: new Map(all.map((a) => [a, `${entity}\u0000${a}`])) } : null;
      entities.set(entity, known);
    }
    return known;
  };
  // Per string: its check when it is a template, and how many entries resolve to it when it is
  // a URL (a triple can only repeat within an entry or a URL). A literal endpoint is both, so
  // one lookup serves both; a template's check points at its URL's count.
  const slots = new Map<string, EndpointSlot>();
  const slotOf = (text: string): EndpointSlot => {
    let slot = slots.get(text);
    if (!slot) slots.set(text, (slot = { endpoint: undefined, uses: undefined }));
    return slot;
  };
  const checked: CheckedEntry[] = [];

  // Pass 1: names and endpoints, each problem reported where it is written.
  const items = list.items as (ParsedNode | null)[];
  for (let index = 0; index < items.length; index++) {
    if (ctx.verdict.badEntries.has(index)) continue;
    const entry = readEntry(items[index] ?? null, tree);
    if (!entry) continue;
    const { entity, endpoint } = entry;

    const known = entityActions(entity.value);
    if (!known) {
      const hint = didYouMean(entity.value, entityNames) || ' (see `biot-subs catalog`; a newer one can be declared under `extraActions`)';
      problems.addAt(entity.at, `unknown entity type ${code(entity.value)}${hint}`);
    }
    const slot = slotOf(endpoint.value);
    let cached = slot.endpoint;
    if (!cached) {
      const check = checkEndpoint(endpoint.value, ctx.env, ctx.policy);
      if (check.ok) {
        const urlSlot = check.resolved === endpoint.value ? slot : slotOf(check.resolved);
        urlSlot.uses ??= { count: 0 };
        cached = { ok: true, check, uses: urlSlot.uses };
      } else cached = check;
      slot.endpoint = cached;
    }
    if (!cached.ok) for (const message of cached.messages) problems.addAt(endpoint.at, message);
    if (!known) continue;

    const actions = entry.actions.map((action) => ({ names: actionNames(action, entity.value, known, problems), at: action.at }));
    if (!cached.ok) continue;
    checked.push({ entity: known.name, template: endpoint.value, known, endpoint: cached, actions });
    cached.uses.count++;
  }

  // Pass 2: the triples. Most entries have one action node and a URL of their own, so they
  // cannot hold a duplicate and skip the bookkeeping (it is most of the cost at 100k triples).
  const seen = new Map<string, Map<string, SourceLocation>>();
  for (const { entity, template, known, endpoint, actions } of checked) {
    const { check } = endpoint;
    let seenHere: Map<string, SourceLocation> | undefined;
    if (actions.length > 1 || endpoint.uses.count > 1) {
      seenHere = seen.get(check.resolved);
      if (!seenHere) seen.set(check.resolved, (seenHere = new Map()));
    }
    for (const { names, at } of actions) {
      if (names.length === 0) continue;
      const location = problems.locate(at);
      // Indexed: `names` is often a frozen catalog list, which for-of walks slower.
      for (let i = 0; i < names.length; i++) {
        const actionName = names[i] as string;
        if (seenHere) {
          const key = known.keys.get(actionName) ?? actionName;
          const first = seenHere.get(key);
          if (first) {
            problems.add(location, duplicateMessage(entity, actionName, template, first));
            continue;
          }
          seenHere.set(key, location);
        }
        sink(entity, actionName, template, check, location);
      }
    }
  }
}

/** The actions one written action stands for (`*`: all of the entity's); [] when unknown. */
function actionNames(action: Named, entity: string, known: EntityActions, problems: ProblemCollector): readonly string[] {
  if (action.value === '*') {
    if (known.all.length === 0) problems.addAt(action.at, `\`*\` stands for no action here: \`${entity}\` has none`);
    return known.all;
  }
  if (known.keys.has(action.value)) return [action.value];
  const hint = didYouMean(action.value, known.all) || ` (a newer action can be declared under \`extraActions.${entity}\`)`;
  problems.addAt(action.at, `unknown action ${code(action.value)} for \`${entity}\`${hint}`);
  return [];
}

function duplicateMessage(entity: string, action: string, template: string, first: SourceLocation): string {
  return (
    `\`${entity}\` \`${action}\` → ${code(maskEndpoint(template))} is listed twice ` +
    `(duplicate of line ${first.line}:${first.col})`
  );
}
