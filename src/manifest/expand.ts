/**
 * The `subscriptions` list → (entity, action, endpoint) triples, in two steps. checkEntries
 * reads the entries from the YAML nodes, so that each triple keeps the place of its action, and
 * checks entity and action names against the catalog and `extraActions` and each endpoint (once
 * per distinct template). expandTriples then makes the triples and finds duplicates, from what
 * checkEntries kept: no YAML node, so the document can be collected before the 100k triples are
 * made (see checkManifestText). Linear in the number of triples, with nothing allocated per
 * triple here. The triples go to a sink a written action at a time; it builds subscriptions
 * (parseManifest) or only counts them (`validate`, which so never hashes an endpoint).
 */
import { isMap, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { actionsOf, CATALOG } from '../catalog/catalog.js';
import { didYouMean } from '../catalog/suggest.js';
import type { SourceLocation } from '../errors.js';
import { checkEndpoint } from './endpoint-check.js';
import type { EffectivePolicy, EndpointCheck } from './endpoint-check.js';
import { maskEndpoint } from '../render/mask-endpoint.js';
import { EntryReader } from './entry-nodes.js';
import type { ProblemCollector } from './problems.js';
import type { SchemaVerdict } from './schema-check.js';
import { code } from './text.js';
import type { Environment } from './types.js';
import type { YamlTree } from './yaml-tree.js';

export interface CheckContext {
  tree: YamlTree;
  verdict: SchemaVerdict;
  extraActions: Readonly<Record<string, readonly string[]>>;
  policy: EffectivePolicy;
  env: Environment;
  problems: ProblemCollector;
}

/** An entry whose entity and endpoint are good, with what each of its action nodes stands for. */
export interface CheckedEntry {
  entity: string;
  template: string;
  known: EntityActions;
  url: UrlUses;
  actions: { names: readonly string[]; at: number }[];
}

interface EntityActions {
  /** The name as first written: every triple of the entity shares this one string. */
  name: string;
  all: readonly string[];
  /** Action → an interned `entity\0action` key for the duplicate check. */
  keys: ReadonlyMap<string, string>;
}

/** A distinct URL that endpoints resolve to, numbered 0, 1, … in the order first met. */
export interface ResolvedUrl {
  readonly resolved: string;
  readonly index: number;
}

interface UrlUses extends ResolvedUrl {
  readonly ok: true;
  /**
   * How many checked entries (known entity, good endpoint) resolve to it: a triple can only
   * repeat within an entry or a URL.
   */
  count: number;
}

/** A template's check: the URL it resolves to, or why it is bad. */
type CachedEndpoint = UrlUses | Extract<EndpointCheck, { ok: false }>;

interface EndpointSlot {
  endpoint: CachedEndpoint | undefined;
  url: UrlUses | undefined;
}

/**
 * Takes the triples with no problem of their own (others may have some), in manifest order, a
 * written action at a time: `actionNames` (one, or all that `*` stands for) with the entity,
 * endpoint and place they share. Triples of one URL share one `url` object, whose index lets a
 * sink keep what it derives from the URL (its hash) in an array rather than a map.
 */
export type TripleSink = (
  entityTypeName: string,
  actionNames: readonly string[],
  template: string,
  url: ResolvedUrl,
  location: SourceLocation,
) => void;

/** The entries that can make triples; the others' problems are reported. */
export function checkEntries(root: ParsedNode | null, ctx: CheckContext): CheckedEntry[] {
  const { tree, problems, extraActions } = ctx;
  const top = tree.deref(root);
  const list = isMap(top) ? tree.deref(tree.pair(top, 'subscriptions')?.value) : null;
  if (!isSeq(list)) return [];

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
  // Per string: its check when it is a template (a good one is the record of the URL it
  // resolves to), and that record when it is a URL. A literal endpoint is both, so one lookup
  // serves both.
  const slots = new Map<string, EndpointSlot>();
  const slotOf = (text: string): EndpointSlot => {
    let slot = slots.get(text);
    if (!slot) slots.set(text, (slot = { endpoint: undefined, url: undefined }));
    return slot;
  };
  const checked: CheckedEntry[] = [];
  let urlCount = 0;

  // Names and endpoints, each problem reported where it is written.
  const items = list.items as (ParsedNode | null)[];
  const reader = new EntryReader(tree);
  for (let index = 0; index < items.length; index++) {
    if (ctx.verdict.badEntries.has(index) || !reader.read(items[index] ?? null)) continue;
    const entity = reader.entity.value;
    const endpoint = reader.endpoint.value;

    const known = entityActions(entity);
    if (!known) {
      const hint = didYouMean(entity, entityNames) || ' (see `biot-subs catalog`; a newer one can be declared under `extraActions`)';
      problems.addAt(reader.entity.at, `unknown entity type ${code(entity)}${hint}`);
    }
    const slot = slotOf(endpoint);
    let cached = slot.endpoint;
    if (!cached) {
      const check = checkEndpoint(endpoint, ctx.env, ctx.policy);
      if (check.ok) {
        const urlSlot = check.resolved === endpoint ? slot : slotOf(check.resolved);
        cached = urlSlot.url ??= { ok: true, resolved: check.resolved, index: urlCount++, count: 0 };
      } else cached = check;
      slot.endpoint = cached;
    }
    if (!cached.ok) for (const message of cached.messages) problems.addAt(reader.endpoint.at, message);
    if (!known) continue;

    const actions: CheckedEntry['actions'] = [];
    for (let a = 0; a < reader.actionCount; a++) {
      const at = reader.actionAts[a] as number;
      actions.push({ names: meaning(reader.actionValues[a] as string, at, entity, known, problems), at });
    }
    if (!cached.ok) continue;
    checked.push({ entity: known.name, template: endpoint, known, url: cached, actions });
    cached.count++;
  }
  return checked;
}

/**
 * The triples of `entries`, in order, to `sink`; duplicates are reported instead. Most entries
 * have one action node and a URL of their own, so they cannot hold a duplicate and skip the
 * bookkeeping (it is most of the cost at 100k triples).
 */
export function expandTriples(entries: readonly CheckedEntry[], problems: ProblemCollector, sink: TripleSink): void {
  const seen = new Map<ResolvedUrl, Map<string, SourceLocation>>();
  for (const entry of entries) {
    const { entity, template, url, actions } = entry;
    let seenHere: Map<string, SourceLocation> | undefined;
    if (actions.length > 1 || url.count > 1) {
      seenHere = seen.get(url);
      if (!seenHere) seen.set(url, (seenHere = new Map()));
    }
    for (const { names, at } of actions) {
      if (names.length === 0) continue;
      const location = problems.locate(at);
      const fresh = seenHere ? unrepeated(names, location, seenHere, entry, problems) : names;
      if (fresh.length > 0) sink(entity, fresh, template, url, location);
    }
  }
}

/**
 * `names` less those already in `seen`, each reported as a duplicate; the others are added to
 * `seen`. Without a repeat (always, in a manifest that can be used) `names` itself.
 */
function unrepeated(
  names: readonly string[],
  location: SourceLocation,
  seen: Map<string, SourceLocation>,
  { entity, template, known }: CheckedEntry,
  problems: ProblemCollector,
): readonly string[] {
  let fresh: string[] | undefined;
  // Indexed: `names` is often a frozen catalog list, which for-of walks slower.
  for (let i = 0; i < names.length; i++) {
    const actionName = names[i] as string;
    const key = known.keys.get(actionName) ?? actionName;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, location);
      fresh?.push(actionName);
    } else {
      problems.add(location, duplicateMessage(entity, actionName, template, first));
      fresh ??= names.slice(0, i);
    }
  }
  return fresh ?? names;
}

/** The actions one written action stands for (`*`: all of the entity's); [] when unknown. */
function meaning(action: string, at: number, entity: string, known: EntityActions, problems: ProblemCollector): readonly string[] {
  if (action === '*') {
    if (known.all.length === 0) problems.addAt(at, `\`*\` stands for no action here: \`${entity}\` has none`);
    return known.all;
  }
  if (known.keys.has(action)) return [action];
  const hint = didYouMean(action, known.all) || ` (a newer action can be declared under \`extraActions.${entity}\`)`;
  problems.addAt(at, `unknown action ${code(action)} for \`${entity}\`${hint}`);
  return [];
}

function duplicateMessage(entity: string, action: string, template: string, first: SourceLocation): string {
  return (
    `\`${entity}\` \`${action}\` → ${code(maskEndpoint(template))} is listed twice ` +
    `(duplicate of line ${first.line}:${first.col})`
  );
}
