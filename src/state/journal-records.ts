import { StateError } from '../errors.js';
import type { SubscriptionRef } from '../subscription.js';
import { pickRef } from './state-entries.js';
import type { JournalResult, StateOperation } from './types.js';

/*
 * The journal's lines (JSON Lines, one record per line, each ending in "\n"):
 *   {"type":"header","version":1,"lineage":…,"serial":7,"target":…,"startedAt":…}   first line
 *   {"type":"intent","id":1,"kind":"subscribe","ref":{…4 fields},"at":…}            before a call
 *   {"type":"outcome","id":1,"result":"ok","at":…}                                 after it
 */

export const JOURNAL_VERSION = 1;

export interface JournalHeader {
  type: 'header';
  version: 1;
  /** Lineage, serial and target of the state the journal was opened against. */
  lineage: string;
  serial: number;
  target: string | null;
  startedAt: string;
}

export interface JournalIntent extends StateOperation {
  type: 'intent';
  id: number;
  at: string;
}

export interface JournalOutcome {
  type: 'outcome';
  id: number;
  result: JournalResult;
  at: string;
}

export type JournalRecord = JournalHeader | JournalIntent | JournalOutcome;

/** One line of the file, keys in a fixed order and refs stripped to their four fields. */
export function formatRecord(record: JournalRecord): string {
  switch (record.type) {
    case 'header':
      return `${JSON.stringify({
        type: record.type,
        version: record.version,
        lineage: record.lineage,
        serial: record.serial,
        target: record.target,
        startedAt: record.startedAt,
      })}\n`;
    case 'intent':
      return `${JSON.stringify({ type: record.type, id: record.id, kind: record.kind, ref: pickRef(record.ref), at: record.at })}\n`;
    case 'outcome':
      return `${JSON.stringify({ type: record.type, id: record.id, result: record.result, at: record.at })}\n`;
  }
}

export interface ParsedJournal {
  /** Null when not even the header made it to disk: no call was made. */
  header: JournalHeader | null;
  /** Intents and outcomes in file order. */
  records: (JournalIntent | JournalOutcome)[];
  /** The file ended in a partial line: a crash mid-write, ignored. */
  tornTail: boolean;
}

/**
 * Parses a journal's text. A last line without its newline is a write a crash cut short: kept
 * if it is whole JSON (a record is never a prefix of another), ignored otherwise. Any other bad
 * line means the file was damaged some other way: StateError, so a person looks at it.
 */
export function parseJournal(text: string, file: string): ParsedJournal {
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const parsed: { record: JournalRecord; line: number }[] = [];
  lines.forEach((line, index) => {
    const record = parseRecord(line);
    if (record === null) throw corrupt(file, index + 1, 'is not a journal record');
    parsed.push({ record, line: index + 1 });
  });
  let tornTail = false;
  if (tail !== '') {
    const record = parseRecord(tail);
    if (record === null) tornTail = true;
    else parsed.push({ record, line: lines.length + 1 });
  }

  const first = parsed[0];
  if (first === undefined) return { header: null, records: [], tornTail };
  if (first.record.type !== 'header') throw corrupt(file, 1, 'is not a journal header');
  const header = first.record;
  if (header.version !== JOURNAL_VERSION) {
    throw new StateError(`${file}: journal version ${header.version} is not supported (expects ${JOURNAL_VERSION})`, file);
  }
  const intents = new Set<number>();
  const outcomes = new Set<number>();
  const records: (JournalIntent | JournalOutcome)[] = [];
  for (const { record, line } of parsed.slice(1)) {
    if (record.type === 'header') throw corrupt(file, line, 'is a second header');
    if (record.type === 'intent') {
      if (intents.has(record.id)) throw corrupt(file, line, `repeats call id ${record.id}`);
      intents.add(record.id);
    } else {
      if (!intents.has(record.id)) throw corrupt(file, line, `is the outcome of unknown call id ${record.id}`);
      if (outcomes.has(record.id)) throw corrupt(file, line, `repeats the outcome of call id ${record.id}`);
      outcomes.add(record.id);
    }
    records.push(record);
  }
  return { header, records, tornTail };
}

function corrupt(file: string, line: number, what: string): StateError {
  return new StateError(
    `${file}: line ${line} ${what}; the journal is damaged and cannot be recovered automatically ` +
      '(compare it with BioT, fix the state with `biot-subs state import|rm`, then delete the journal)',
    file,
  );
}

/** The record on a line, or null when the line is not one. */
export function parseRecord(line: string): JournalRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  switch (value['type']) {
    case 'header':
      return typeof value['version'] === 'number' &&
        isString(value['lineage']) &&
        isCount(value['serial']) &&
        (value['target'] === null || isString(value['target'])) &&
        isString(value['startedAt'])
        ? {
            type: 'header',
            // Checked against JOURNAL_VERSION by parseJournal, to say which version it found.
            version: value['version'] as 1,
            lineage: value['lineage'],
            serial: value['serial'],
            target: value['target'],
            startedAt: value['startedAt'],
          }
        : null;
    case 'intent':
      return isCount(value['id']) &&
        (value['kind'] === 'subscribe' || value['kind'] === 'unsubscribe') &&
        isRef(value['ref']) &&
        isString(value['at'])
        ? { type: 'intent', id: value['id'], kind: value['kind'], ref: pickRef(value['ref']), at: value['at'] }
        : null;
    case 'outcome':
      return isCount(value['id']) &&
        (value['result'] === 'ok' || value['result'] === 'failed' || value['result'] === 'unknown') &&
        isString(value['at'])
        ? { type: 'outcome', id: value['id'], result: value['result'], at: value['at'] }
        : null;
    default:
      return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRef(value: unknown): value is SubscriptionRef {
  return (
    isObject(value) &&
    isString(value['entityTypeName']) &&
    isString(value['actionName']) &&
    isString(value['endpoint']) &&
    typeof value['endpointSha256'] === 'string' &&
    /^[0-9a-f]{64}$/.test(value['endpointSha256'])
  );
}
