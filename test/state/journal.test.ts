import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { StateJournal, recoverJournal, removeJournal } from '../../src/state/journal.js';
import { formatRecord, parseJournal } from '../../src/state/journal-records.js';
import { readState, writeState } from '../../src/state/state-file.js';
import { LINEAGE, at, entry, ref, state, tempDir } from './helpers.js';

const a = ref('patient', '_create', 'https://hooks.example.com/p');
const b = ref('device', '_delete', 'https://hooks.example.com/d?code=s3cret', '${BASE}/d?code=${KEY}');
const c = ref('command', '_update', 'https://hooks.example.com/c');

async function paths(): Promise<{ statePath: string; journal: string }> {
  const statePath = join(await tempDir(), 'subscriptions.state.json');
  return { statePath, journal: `${statePath}.journal` };
}

describe('StateJournal', () => {
  it('writes a header, then intents and outcomes as JSON Lines in call order', async () => {
    const { statePath, journal } = await paths();
    const j = await StateJournal.open(statePath, state([], 7), at(0));
    const id1 = await j.intent({ kind: 'subscribe', ref: a }, at(1));
    const id2 = await j.intent({ kind: 'unsubscribe', ref: b }, at(2));
    await j.outcome(id2, 'unknown', at(3));
    await j.outcome(id1, 'ok', at(4));
    await j.close();
    const lines = (await readFile(journal, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { type: 'header', version: 1, lineage: LINEAGE, serial: 7, target: 'https://api.dev.example.com', startedAt: at(0) },
      { type: 'intent', id: 1, kind: 'subscribe', ref: a, at: at(1) },
      { type: 'intent', id: 2, kind: 'unsubscribe', ref: b, at: at(2) },
      { type: 'outcome', id: 2, result: 'unknown', at: at(3) },
      { type: 'outcome', id: 1, result: 'ok', at: at(4) },
    ]);
    expect(lines[1]).toBe(formatRecord({ type: 'intent', id: 1, kind: 'subscribe', ref: a, at: at(1) }).trimEnd());
  });

  it('never writes anything but the four ref fields (a resolved URL holds secrets)', async () => {
    const { statePath, journal } = await paths();
    const j = await StateJournal.open(statePath, state([]));
    const desired = { ...b, resolvedEndpoint: 'https://hooks.example.com/d?code=s3cret', variables: ['KEY'] };
    await j.outcome(await j.intent({ kind: 'subscribe', ref: desired }), 'ok');
    await j.close();
    const text = await readFile(journal, 'utf8');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('resolvedEndpoint');
  });

  it('keeps call order under concurrent callers, sharing fsyncs (group commit)', async () => {
    const { statePath, journal } = await paths();
    const j = await StateJournal.open(statePath, state([]));
    const refs = Array.from({ length: 200 }, (_, i) => ref('patient', `_a${i}`, `https://h/${i}`));
    await Promise.all(
      refs.map(async (r, i) => {
        const id = await j.intent({ kind: 'subscribe', ref: r });
        await j.outcome(id, i % 3 === 0 ? 'failed' : 'ok');
      }),
    );
    await j.close();
    const parsed = parseJournal(await readFile(journal, 'utf8'), journal);
    const intents = parsed.records.filter((r) => r.type === 'intent');
    expect(intents.map((r) => r.id)).toEqual(refs.map((_, i) => i + 1));
    expect(parsed.records.filter((r) => r.type === 'outcome')).toHaveLength(200);
  });

  it('refuses to open over an existing journal: recovery comes first', async () => {
    const { statePath } = await paths();
    const first = await StateJournal.open(statePath, state([]));
    await expect(StateJournal.open(statePath, state([]))).rejects.toThrow(/journal from an interrupted run exists/);
    await first.close();
  });

  it('rejects an outcome for a call it did not announce, or twice', async () => {
    const { statePath } = await paths();
    const j = await StateJournal.open(statePath, state([]));
    await expect(j.outcome(1, 'ok')).rejects.toThrow(StateError);
    const id = await j.intent({ kind: 'subscribe', ref: a });
    await j.outcome(id, 'ok');
    await expect(j.outcome(id, 'ok')).rejects.toThrow(StateError);
    await j.close();
    await expect(j.intent({ kind: 'subscribe', ref: a })).rejects.toThrow(/closed/);
  });

  it('remove() deletes the journal; removeJournal tolerates a missing one', async () => {
    const { statePath } = await paths();
    const j = await StateJournal.open(statePath, state([]));
    await j.remove();
    expect(await readdir(join(statePath, '..'))).toEqual([]);
    await removeJournal(statePath);
  });
});

describe('recoverJournal', () => {
  it('returns null when there is no journal', async () => {
    const { statePath } = await paths();
    expect(await recoverJournal(statePath, state([]))).toBeNull();
  });

  it('applies ok, ignores failed, marks unknown and unfinished calls uncertain', async () => {
    const { statePath } = await paths();
    const before = state([entry(b, at(-10)), entry(c, at(-10))], 3);
    const written = await writeState(statePath, before, null);
    const j = await StateJournal.open(statePath, written, at(0));
    await j.outcome(await j.intent({ kind: 'subscribe', ref: a }, at(1)), 'ok', at(2));
    await j.outcome(await j.intent({ kind: 'unsubscribe', ref: b }, at(3)), 'failed', at(4));
    await j.intent({ kind: 'unsubscribe', ref: c }, at(5)); // killed mid-call
    await j.close();

    const result = await recoverJournal(statePath, written);
    expect(result?.state?.subscriptions).toEqual(
      [entry(c, at(-10), true), entry(b, at(-10)), entry(a, at(2))],
    );
    expect(result?.recovered).toMatchObject({
      startedAt: at(0),
      operations: 3,
      ok: 1,
      failed: 1,
      unknown: 0,
      interrupted: 1,
      uncertain: [c],
      tornTail: false,
      createdState: false,
    });
  });

  it('is safe to run again after the state was written but before the journal was removed', async () => {
    const { statePath } = await paths();
    const written = await writeState(statePath, state([entry(b)], 3), null);
    const j = await StateJournal.open(statePath, written);
    await j.outcome(await j.intent({ kind: 'subscribe', ref: a }), 'unknown');
    await j.outcome(await j.intent({ kind: 'unsubscribe', ref: b }), 'ok');
    await j.close();
    const once = await recoverJournal(statePath, written);
    const afterFirst = await writeState(statePath, once?.state ?? written, written);
    expect(afterFirst.serial).toBe(4);
    // crash here: the journal is still there
    const twice = await recoverJournal(statePath, await readState(statePath));
    expect(twice?.state?.subscriptions).toEqual(afterFirst.subscriptions);
    expect(await writeState(statePath, twice?.state ?? afterFirst, afterFirst)).toBe(afterFirst);
    await removeJournal(statePath);
    expect(await recoverJournal(statePath, afterFirst)).toBeNull();
  });

  it('rebuilds a missing state from the journal header', async () => {
    const { statePath } = await paths();
    const j = await StateJournal.open(statePath, state([], 0, 'https://api.x.example.com'));
    await j.outcome(await j.intent({ kind: 'subscribe', ref: a }, at(1)), 'ok', at(2));
    await j.close();
    const result = await recoverJournal(statePath, null);
    expect(result?.state).toEqual(state([entry(a, at(2))], 0, 'https://api.x.example.com'));
    expect(result?.recovered.createdState).toBe(true);
    expect((await writeState(statePath, result?.state ?? state([]), null)).serial).toBe(0);
  });

  it('binds a state without target to the journal target', async () => {
    const { statePath } = await paths();
    const j = await StateJournal.open(statePath, state([], 0, 'https://api.x.example.com'));
    await j.close();
    const result = await recoverJournal(statePath, state([], 0, null));
    expect(result?.state?.target).toBe('https://api.x.example.com');
  });

  it('ignores a torn last line', async () => {
    const { statePath, journal } = await paths();
    const j = await StateJournal.open(statePath, state([]));
    await j.outcome(await j.intent({ kind: 'subscribe', ref: a }, at(1)), 'ok', at(2));
    await j.close();
    const text = await readFile(journal, 'utf8');
    await writeFile(journal, `${text}{"type":"intent","id":2,"kind":"subscr`);
    const result = await recoverJournal(statePath, state([]));
    expect(result?.state?.subscriptions).toEqual([entry(a, at(2))]);
    expect(result?.recovered.tornTail).toBe(true);
  });

  it('treats a journal with only a torn header as empty', async () => {
    const { statePath, journal } = await paths();
    await writeFile(journal, '{"type":"header","vers');
    const s = state([entry(a)]);
    expect(await recoverJournal(statePath, s)).toEqual({
      state: s,
      recovered: expect.objectContaining({ operations: 0, startedAt: null, tornTail: true }) as unknown,
    });
  });

  it('refuses a corrupt line in the middle, naming the file and line', async () => {
    const { statePath, journal } = await paths();
    const j = await StateJournal.open(statePath, state([]));
    await j.outcome(await j.intent({ kind: 'subscribe', ref: a }), 'ok');
    await j.close();
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[1] = '{"type":"intent",garbage';
    await writeFile(journal, lines.join('\n'));
    await expect(recoverJournal(statePath, state([]))).rejects.toThrow(
      new RegExp(`${journal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 2 is not a journal record`),
    );
  });

  it('refuses inconsistent records: outcome of an unknown call, second header, no header', async () => {
    const { statePath, journal } = await paths();
    const header = formatRecord({ type: 'header', version: 1, lineage: LINEAGE, serial: 0, target: null, startedAt: at(0) });
    const outcome = formatRecord({ type: 'outcome', id: 9, result: 'ok', at: at(1) });
    for (const [text, message] of [
      [header + outcome, /outcome of unknown call id 9/],
      [header + header, /second header/],
      [outcome, /line 1 is not a journal header/],
      [header.replace('"version":1', '"version":2'), /journal version 2 is not supported/],
    ] as const) {
      await writeFile(journal, text);
      await expect(recoverJournal(statePath, state([]))).rejects.toThrow(message);
    }
  });

  it('refuses a journal of another state (foreign lineage)', async () => {
    const { statePath } = await paths();
    const j = await StateJournal.open(statePath, { ...state([]), lineage: '00000000-0000-4000-8000-000000000000' });
    await j.close();
    await expect(recoverJournal(statePath, state([]))).rejects.toThrow(/belongs to another state/);
  });
});
