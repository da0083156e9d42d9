import type { JournalOutcome, JournalRecord } from './journal-records.js';
import { applyToEntries, entryMap, fromEntryMap } from './state-entries.js';
import type { State } from './types.js';

/**
 * The state after the calls a journal records, applied in the order they were announced:
 * ok → done, failed → no change, unknown or no outcome (the run died mid-call) → entry present
 * and uncertain (see applyToEntries). Pure, and idempotent: folding the result again with the
 * same records gives the same state, because a crash may come after the state was written but
 * before the journal was removed. A header binds a state that has no target yet to the
 * journal's. The serial is left alone: writeState decides it.
 */
export function foldJournal(state: State, records: readonly JournalRecord[]): State {
  const outcomes = new Map<number, JournalOutcome>();
  for (const record of records) if (record.type === 'outcome') outcomes.set(record.id, record);

  let target = state.target;
  const entries = entryMap(state);
  for (const record of records) {
    if (record.type === 'header') {
      if (target === null) target = record.target;
    } else if (record.type === 'intent') {
      const outcome = outcomes.get(record.id);
      applyToEntries(entries, record, outcome?.result ?? null, record.at, outcome?.at ?? record.at);
    }
  }
  return fromEntryMap({ ...state, target }, entries);
}
