/**
 * Reads `subscriptions` entries' values with the places they are written, from the YAML nodes.
 * Runs once per entry of a manifest that may hold tens of thousands: one pass over the pairs,
 * into the reader's own fields, reused from entry to entry, so reading allocates nothing.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import type { YamlTree } from './yaml-tree.js';

export interface Named {
  value: string;
  /** Offset where the value is written (an alias where it is used, not its anchor). */
  at: number;
}

/** The fields describe the last entry read, and only when read() returned true. */
export class EntryReader {
  readonly entity: Named = { value: '', at: 0 };
  readonly endpoint: Named = { value: '', at: 0 };
  /** The entry's written actions, `actionCount` of them: their values and offsets. */
  actionCount = 0;
  readonly actionValues: string[] = [];
  readonly actionAts: number[] = [];
  private readonly action: Named = { value: '', at: 0 };

  constructor(private readonly tree: YamlTree) {}

  /** False when the entry lacks what the schema requires (it has been reported). */
  read(item: ParsedNode | null): boolean {
    const entry = this.tree.deref(item);
    if (item === null || !isMap(entry)) return false;
    // An aliased entry is reported where it is used.
    const entryAlias = item === entry ? undefined : item.range[0];
    let hasEntity = false;
    let hasEndpoint = false;
    let hasActions = false;
    for (const { key, value } of entry.items) {
      if (!isScalar(key)) continue;
      // A repeated key was reported; its first occurrence counts, as in the data.
      switch (key.value) {
        case 'entityTypeName':
          hasEntity ||= this.readString(value, entryAlias, this.entity);
          break;
        case 'endpoint':
          hasEndpoint ||= this.readString(value, entryAlias, this.endpoint);
          break;
        case 'actionName':
        case 'actionNames':
          if (!hasActions) {
            hasActions = true;
            this.readActions(value, entryAlias);
          }
          break;
      }
    }
    return hasEntity && hasEndpoint && hasActions;
  }

  /** Whether `node` is a string, which is then written into `into`. */
  private readString(node: ParsedNode | null, aliasAt: number | undefined, into: Named): boolean {
    const target = this.tree.deref(node);
    if (node === null || !isScalar(target) || typeof target.value !== 'string') return false;
    into.value = target.value;
    into.at = aliasAt ?? node.range[0];
    return true;
  }

  private readActions(node: ParsedNode | null, aliasAt: number | undefined): void {
    this.actionCount = 0;
    const target = this.tree.deref(node);
    if (!isSeq(target)) {
      if (this.readString(node, aliasAt, this.action)) this.addAction();
      return;
    }
    // Items of an aliased list are reported at the alias too.
    const listAt = aliasAt ?? (node !== null && node !== target ? node.range[0] : undefined);
    for (const item of target.items as (ParsedNode | null)[]) {
      if (this.readString(item, listAt, this.action)) this.addAction();
    }
  }

  private addAction(): void {
    this.actionValues[this.actionCount] = this.action.value;
    this.actionAts[this.actionCount] = this.action.at;
    this.actionCount++;
  }
}
