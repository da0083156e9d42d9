import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import equal from 'fast-deep-equal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateJournal, foldJournal, recoverJournal } from '../../src/state/journal.js';
import { parseJournal } from '../../src/state/journal-records.js';
import type { JournalResult, State, StateEntry } from '../../src/state/types.js';
import type { SubscriptionRef } from '../../src/subscription.js';
import { compareRefs } from '../../src/subscription.js';
import { LINEAGE, at, ref, tempDir } from './helpers.js';

/*
 * Any sequence of journaled calls, cut at any byte (a crash mid-write), recovers to exactly the
 * state the calls that made it to disk imply. The model below restates the rules on plain
 * arrays, independently of the code under test.
 */

// A small universe so calls collide: UNIVERSE[0] and [1] are one identity with two templates.
const UNIVERSE: SubscriptionRef[] = [
  ref('patient', '_create', 'https://h.example.com/1'),
  ref('patient', '_create', 'https://h.example.com/1', '${BASE}/1'),
  ref('patient', '_create', 'https://h.example.com/2', '${BASE}/é'),
  ref('device', '_delete', 'https://h.example.com/1'),
  ref('device', '_delete', 'https://h.example.com/2'),
];
const TARGET = 'https://api.dev.example.com';

interface Op {
  kind: 'subscribe' | 'unsubscribe';
  refIndex: number;
  result: JournalResult | null;
  /** The outcome is written after this many later intents: calls overlap as under concurrency. */
  delay: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('subscribe' as const, 'unsubscribe' as const),
  refIndex: fc.nat({ max: UNIVERSE.length - 1 }),
  result: fc.constantFrom<JournalResult | null>('ok', 'failed', 'unknown', null),
  delay: fc.nat({ max: 3 }),
});

/** A starting state (or none) whose entries are distinct identities of the universe. */
const initialArb: fc.Arbitrary<State | null> = fc.option(
  fc.record({
    picks: fc.uniqueArray(fc.record({ index: fc.constantFrom(0, 2, 3, 4), uncertain: fc.boolean() }), {
      selector: (p) => p.index,
      maxLength: 4,
    }),
    target: fc.constantFrom<string | null>(TARGET, null),
  }).map(({ picks, target }) => ({
    version: 1 as const,
    lineage: LINEAGE,
    serial: 5,
    target,
    subscriptions: picks
      .map(({ index, uncertain }): StateEntry => {
        const base = { ...UNIVERSE[index]!, appliedAt: at(-100 - index) };
        return uncertain ? { ...base, uncertain: true } : base;
      })
      .sort(compareRefs),
  })),
  { nil: null },
);

interface Written {
  bytes: Buffer;
  /** Byte offset where each line's JSON ends (its newline): line 0 is the header. */
  lineEnds: number[];
  /** Per line after the header: the record it holds. */
  lines: ({ type: 'intent'; op: Op; id: number; at: string } | { type: 'outcome'; id: number; result: JournalResult; at: string })[];
}

/** Runs the calls through a real StateJournal, outcomes interleaved by their delay. */
async function writeJournal(statePath: string, opened: State, ops: Op[]): Promise<Written> {
  const journal = await StateJournal.open(statePath, opened, at(0));
  const lines: Written['lines'] = [];
  let clock = 1;
  const due: { id: number; op: Op; after: number }[] = [];
  const flushDue = async (step: number): Promise<void> => {
    for (const d of due.filter((x) => x.after <= step)) {
      due.splice(due.indexOf(d), 1);
      if (d.op.result === null) continue;
      const t = at(clock++);
      await journal.outcome(d.id, d.op.result, t);
      lines.push({ type: 'outcome', id: d.id, result: d.op.result, at: t });
    }
  };
  for (const [step, op] of ops.entries()) {
    const t = at(clock++);
    const id = await journal.intent({ kind: op.kind, ref: UNIVERSE[op.refIndex]! }, t);
    lines.push({ type: 'intent', op, id, at: t });
    due.push({ id, op, after: step + op.delay });
    await flushDue(step);
  }
  await flushDue(Number.POSITIVE_INFINITY);
  await journal.close();
  const bytes = await readFile(`${statePath}.journal`);
  const lineEnds: number[] = [];
  bytes.forEach((byte, offset) => {
    if (byte === 0x0a) lineEnds.push(offset);
  });
  return { bytes, lineEnds, lines };
}

/** The model: what a journal cut after `cut` bytes says about the state. */
function expected(initial: State | null, opened: State, written: Written, cut: number): State | null {
  const [headerEnd, ...ends] = written.lineEnds;
  if (headerEnd === undefined || cut < headerEnd) return initial;
  const present = written.lines.filter((_, i) => cut >= ends[i]!);
  let entries: StateEntry[] = [...(initial?.subscriptions ?? [])];
  const same = (e: StateEntry, r: SubscriptionRef): boolean =>
    e.entityTypeName === r.entityTypeName && e.actionName === r.actionName && e.endpointSha256 === r.endpointSha256;
  for (const line of present) {
    if (line.type !== 'intent') continue;
    const r = UNIVERSE[line.op.refIndex]!;
    const outcome = present.find((l) => l.type === 'outcome' && l.id === line.id);
    const result = outcome?.type === 'outcome' ? outcome.result : 'none';
    const existing = entries.find((e) => same(e, r));
    const others = entries.filter((e) => !same(e, r));
    if (result === 'ok') {
      entries = line.op.kind === 'subscribe' ? [...others, { ...r, appliedAt: outcome!.at }] : others;
    } else if (result !== 'failed') {
      entries = [...others, { ...r, appliedAt: existing?.appliedAt ?? line.at, uncertain: true }];
    }
  }
  const base = initial ?? { ...opened, subscriptions: [] };
  return { ...base, target: base.target ?? opened.target, subscriptions: entries.sort(compareRefs) };
}

function openedFrom(initial: State | null): State {
  return initial ?? { version: 1, lineage: LINEAGE, serial: 0, target: TARGET, subscriptions: [] };
}

describe('journal recovery (property)', () => {
  it('recovers exactly what the calls on disk imply, whatever byte a crash cut the journal at', async () => {
    await fc.assert(
      fc.asyncProperty(
        initialArb,
        fc.array(opArb, { maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        async (initial, ops, cuts) => {
          const statePath = join(await tempDir(), 'subscriptions.state.json');
          const opened = openedFrom(initial);
          const written = await writeJournal(statePath, opened, ops);
          const offsets = [...cuts.map((f) => Math.floor(f * written.bytes.length)), written.bytes.length];
          for (const cut of offsets) {
            await writeFile(`${statePath}.journal`, written.bytes.subarray(0, cut));
            const result = await recoverJournal(statePath, initial);
            expect(result?.state ?? null).toStrictEqual(expected(initial, opened, written, cut));
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('holds at every single byte offset (pure fold over the parsed prefix)', async () => {
    await fc.assert(
      fc.asyncProperty(initialArb, fc.array(opArb, { maxLength: 8 }), async (initial, ops) => {
        const statePath = join(await tempDir(), 'subscriptions.state.json');
        const opened = openedFrom(initial);
        const written = await writeJournal(statePath, opened, ops);
        for (let cut = 0; cut <= written.bytes.length; cut++) {
          const { header, records } = parseJournal(written.bytes.subarray(0, cut).toString('utf8'), 'j');
          const actual =
            header === null
              ? initial
              : foldJournal(initial ?? { ...opened, subscriptions: [] }, [header, ...records]);
          const wanted = expected(initial, opened, written, cut);
          // fast-deep-equal first (it also tells a missing key from an undefined one): thousands
          // of offsets per run, and vitest's diffing matcher is only needed to report a failure.
          if (!equal(actual, wanted)) expect({ cut, state: actual }).toStrictEqual({ cut, state: wanted });
        }
      }),
      { numRuns: 15 },
    );
  });

  it('folding twice gives what folding once gives', async () => {
    await fc.assert(
      fc.asyncProperty(initialArb, fc.array(opArb, { maxLength: 12 }), async (initial, ops) => {
        const statePath = join(await tempDir(), 'subscriptions.state.json');
        const opened = openedFrom(initial);
        await writeJournal(statePath, opened, ops);
        const { header, records } = parseJournal(await readFile(`${statePath}.journal`, 'utf8'), 'j');
        const all = [header!, ...records];
        const start = initial ?? { ...opened, subscriptions: [] };
        const once = foldJournal(start, all);
        expect(foldJournal(once, all)).toStrictEqual(once);
        // And through the files: recovering against the state recovery produced changes nothing.
        const again = await recoverJournal(statePath, once);
        expect(again?.state).toStrictEqual(once);
      }),
      { numRuns: 100 },
    );
  });
});
