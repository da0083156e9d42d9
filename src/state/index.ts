// The state module's public surface: state file, journal, lock, paths and entry edits.
export type {
  JournalResult,
  RecoverySummary,
  State,
  StateEntry,
  StateOperation,
} from './types.js';
export { newState, normalizeState, readState, sameContent, serializeState, writeState } from './state-file.js';
export { STATE_VERSION, checkState } from './state-schema.js';
export { StateJournal, foldJournal, recoverJournal, removeJournal } from './journal.js';
export type { JournalHeader, JournalIntent, JournalOutcome, JournalRecord } from './journal.js';
export { parseJournal } from './journal-records.js';
export { acquireLock, unlockState } from './lock.js';
export type { StateLock } from './lock.js';
export { defaultStatePath, journalPath, lockPath } from './state-path.js';
export {
  applyToEntries,
  canonicalEntry,
  findEntries,
  importEntry,
  pickRef,
  recordOutcome,
  removeEntry,
  setEntry,
} from './state-entries.js';
