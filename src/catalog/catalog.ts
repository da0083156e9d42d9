/**
 * BioT's documented notification catalog: which actions each entity type emits. It is the union
 * of the two versions of the documentation (see docs in biot-api.md), so a manifest written
 * against either validates; `extraActions` in the manifest covers anything newer.
 */

/** The older documented table (the project's seed), in the documentation's order. */
const OLDER: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['usage-session', ['_create', '_remoteStart', '_remoteStop', '_remotePause', '_remoteResume', '_list', '_update', '_delete', '_read']],
  ['generic-entity', ['_create', '_read', '_update', '_list', '_delete']],
  ['caregiver', ['_create', '_read', '_update', '_list', '_delete', '_login', '_logout']],
  ['patient', ['_create', '_read', '_update', '_list', '_delete', '_login', '_logout', '_saveMeasurement']],
  ['organization-user', ['_create', '_read', '_update', '_list', '_delete', '_login', '_logout']],
  ['organization', ['_create', '_read', '_update', '_list', '_delete']],
  ['device', ['_create', '_read', '_update', '_list', '_delete', '_generateCertificate', '_revokeCertificate', '_activateCertificate']],
  ['command', ['_create', '_update', '_start', '_stop', '_delete']],
  ['device-alert', ['_create', '_read', '_update', '_list', '_delete']],
  ['patient-alert', ['_create', '_read', '_update', '_list', '_delete']],
];

/** What the newer documented table adds to the older one. */
const NEWER: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['caregiver', ['_incomingSms', '_updateEnabledState']],
  ['organization-user', ['_incomingSms', '_updateEnabledState']],
  ['patient', ['_incomingSms', '_saveMeasurementBulk', '_updateEnabledState']],
  ['device', ['_command']],
  ['device-alert', ['_clear']],
  ['patient-alert', ['_clear']],
  ['organization', ['_updateAdmin']],
  // UNCONFIRMED: the docs name this entity "Registration Code" (self user registration code)
  // without showing its API value; `registration-code` follows the other names' pattern.
  ['registration-code', ['_create', '_update', '_delete']],
];

function buildCatalog(): ReadonlyMap<string, readonly string[]> {
  const merged = new Map<string, string[]>();
  for (const [entity, actions] of [...OLDER, ...NEWER]) {
    const list = merged.get(entity) ?? [];
    for (const action of actions) if (!list.includes(action)) list.push(action);
    merged.set(entity, list);
  }
  // Sorted by entity name so `biot-subs catalog` and suggestions list them predictably.
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map(([entity, actions]) => [entity, Object.freeze(actions)]));
}

/** Entity type name → its actions (documentation order: older table first, then additions). */
export const CATALOG: ReadonlyMap<string, readonly string[]> = buildCatalog();

/** Entity type names that the built-in catalog knows, sorted. */
export const CATALOG_ENTITIES: readonly string[] = Object.freeze([...CATALOG.keys()]);

export function isCatalogEntity(entity: string): boolean {
  return CATALOG.has(entity);
}

/**
 * Every action of `entity`: its catalog actions followed by its extra actions (without repeats).
 * An entity the catalog does not know has exactly its extra actions (none when it has none).
 */
export function actionsOf(
  entity: string,
  extraActions: Readonly<Record<string, readonly string[]>> = {},
): readonly string[] {
  const builtIn = CATALOG.get(entity) ?? [];
  // Own-property check: an entity named like an Object.prototype member must not match it.
  const extra = Object.hasOwn(extraActions, entity) ? (extraActions[entity] ?? []) : [];
  if (extra.length === 0) return builtIn;
  const all = [...builtIn];
  for (const action of extra) if (!all.includes(action)) all.push(action);
  return all;
}
