import { readFile } from 'node:fs/promises';
import { StateError } from '../errors.js';
import { subscriptionKey } from '../subscription.js';
import { errorCode } from './fs-durable.js';
import { foldJournal } from './journal-fold.js';
import type { JournalIntent, JournalOutcome, ParsedJournal } from './journal-records.js';
import { parseJournal } from './journal-records.js';
import { pickRef } from './state-entries.js';
import { STATE_VERSION } from './state-schema.js';
import { journalPath } from './state-path.js';
import type { RecoverySummary, State } from './types.js';

/**
 * Folds the journal an interrupted apply left beside the state into `state` (as read; null when
 * there is no state file, which is then rebuilt from the journal's header). Null when there is no
 * journal. Throws a StateError for a damaged journal or one that belongs to another state.
 * The caller writes the returned state (writeState) and then removes the journal
 * (removeJournal); running this again before the removal gives the same state.
 */
export async function recoverJournal(
  statePath: string,
  state: State | null,
): Promise<{ state: State | null; recovered: RecoverySummary } | null> {
  const file = journalPath(statePath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw new StateError(`${file}: cannot read the journal: ${String(error)}`, file, { cause: error });
  }
  const journal = parseJournal(text, file);
  const { header } = journal;
  if (header === null) {
    // Only a torn header: the run died before its first call, so there is nothing to recover.
    return { state, recovered: summarize(file, journal, null, false) };
  }
  if (state !== null) {
    if (header.lineage !== state.lineage) {
      throw new StateError(
        `${file}: this journal belongs to another state (lineage ${header.lineage}, the state's is ${state.lineage})`,
        file,
      );
    }
    if (header.target !== null && state.target !== null && header.target !== state.target) {
      throw new StateError(`${file}: this journal was written for ${header.target}, the state is bound to ${state.target}`, file);
    }
  }
  const base: State = state ?? {
    version: STATE_VERSION,
    lineage: header.lineage,
    serial: header.serial,
    target: header.target,
    subscriptions: [],
  };
  const folded = foldJournal(base, [header, ...journal.records]);
  return { state: folded, recovered: summarize(file, journal, folded, state === null) };
}

function summarize(file: string, journal: ParsedJournal, folded: State | null, createdState: boolean): RecoverySummary {
  const intents: JournalIntent[] = [];
  const outcomes = new Map<number, JournalOutcome>();
  for (const record of journal.records) {
    if (record.type === 'intent') intents.push(record);
    else outcomes.set(record.id, record);
  }
  const count = (result: string | undefined): number =>
    intents.filter((intent) => outcomes.get(intent.id)?.result === result).length;
  const unsettled = new Set(
    intents
      .filter((intent) => (outcomes.get(intent.id)?.result ?? 'unknown') === 'unknown')
      .map((intent) => subscriptionKey(intent.ref)),
  );
  return {
    journalFile: file,
    startedAt: journal.header?.startedAt ?? null,
    operations: intents.length,
    ok: count('ok'),
    failed: count('failed'),
    unknown: count('unknown'),
    interrupted: count(undefined),
    uncertain: (folded?.subscriptions ?? [])
      .filter((entry) => entry.uncertain === true && unsettled.has(subscriptionKey(entry)))
      .map(pickRef),
    tornTail: journal.tornTail,
    createdState,
  };
}
