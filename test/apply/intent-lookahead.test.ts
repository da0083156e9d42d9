import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { JournalResult, OperationRecorder, SubscriptionCalls } from '../../src/apply/execute-plan.js';
import { IntentLookahead } from '../../src/apply/intent-lookahead.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import type { Operation } from '../../src/plan/types.js';
import { subscriptionKey, type SubscriptionRef } from '../../src/subscription.js';
import { sha256Hex } from '../../src/sha256.js';
import { testdir } from '../support/testdir.js';

const ref = (n: number) => ({ entityTypeName: 'device', actionName: '_create', endpoint: `https://h.example.com/${n}`, endpointSha256: sha256Hex(`${n}`) });
const subscribes = (count: number): Operation[] => Array.from({ length: count }, (_, n) => ({ kind: 'subscribe', ref: ref(n), reason: 'new' }));

/** Records what the lookahead asks of the journal, by operation number (its endpoint's last part). */
function log(failIntentOf?: number) {
  const events: string[] = [];
  const number = (op: Operation) => Number(op.ref.endpoint.split('/').pop());
  const recorder: OperationRecorder = {
    async intent(op) {
      events.push(`intent ${number(op)}`);
      if (number(op) === failIntentOf) throw new Error('disk full');
      return number(op) + 100;
    },
    async outcome(id: number, result: JournalResult) {
      events.push(`outcome ${id - 100} ${result}`);
    },
  };
  return { events, recorder };
}

describe('IntentLookahead', () => {
  it('records the intents of the next `ahead` operations with the first, then tops the window up when fewer than half are left ahead, in order, each once', async () => {
    const { events, recorder } = log();
    const intents = new IntentLookahead(subscribes(12), recorder, 4);
    expect(await intents.intent(0)).toBe(100);
    expect(events).toEqual(['intent 0', 'intent 1', 'intent 2', 'intent 3', 'intent 4']);
    // Asked together, they share a write and an fsync: none for the next two calls...
    expect(await intents.intent(1)).toBe(101);
    await intents.intent(2);
    expect(events).toHaveLength(5);
    // ...then the window is topped up to `ahead` past the call, never further.
    await intents.intent(3);
    expect(events.slice(5)).toEqual(['intent 5', 'intent 6', 'intent 7']);
    // The last ones: never past the end.
    for (let n = 4; n < 12; n += 1) await intents.intent(n);
    expect(events.filter((e) => e.startsWith('intent'))).toEqual(Array.from({ length: 12 }, (_, n) => `intent ${n}`));
  });

  it('asks, calls starting in order, at least ⌈ahead / 2⌉ intents past the call at hand (to the end)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 30 }), (ahead, count) => {
        const { events, recorder } = log();
        const intents = new IntentLookahead(subscribes(count), recorder, ahead);
        for (let index = 0; index < count; index++) {
          void intents.intent(index);
          const recorded = new Set(events.map((e) => Number(e.split(' ')[1])));
          for (let k = 0; k <= Math.min(count - 1, index + Math.ceil(ahead / 2)); k++) expect(recorded.has(k)).toBe(true);
        }
      }),
    );
  });

  it('never has more than `ahead` intents recorded past the call at hand, whatever the order calls start in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.nat(29), { minLength: 1, maxLength: 60 }), (ahead, starts) => {
        const { events, recorder } = log();
        const intents = new IntentLookahead(subscribes(30), recorder, ahead);
        let highest = -1;
        for (const index of starts) {
          void intents.intent(index);
          highest = Math.max(highest, index);
          const recorded = events.map((e) => Number(e.split(' ')[1]));
          expect(Math.max(...recorded)).toBeLessThanOrEqual(highest + ahead);
          expect(recorded).toContain(index);
          expect(new Set(recorded).size).toBe(recorded.length);
        }
      }),
    );
  });

  it('records none for an unsubscribe that is blocked (it is never sent)', async () => {
    const ops: Operation[] = [
      { kind: 'unsubscribe', ref: ref(0), reason: 'removed' },
      { kind: 'unsubscribe', ref: ref(1), reason: 'removed', blocked: { variables: ['X'], message: 'X changed' } },
      { kind: 'unsubscribe', ref: ref(2), reason: 'removed' },
    ];
    const { events, recorder } = log();
    const intents = new IntentLookahead(ops, recorder, 4);
    await intents.intent(0);
    await intents.intent(2);
    expect(events).toEqual(['intent 0', 'intent 2']);
  });

  it('closes an intent recorded ahead for an operation that is then skipped: nothing changed', async () => {
    const { events, recorder } = log();
    const intents = new IntentLookahead(subscribes(10), recorder, 2);
    await intents.intent(0);
    await intents.skip(1, 'now');
    await intents.skip(7, 'now'); // never asked for: nothing to record
    expect(events).toEqual(['intent 0', 'intent 1', 'intent 2', 'outcome 1 failed']);
  });

  it('a failed intent asked ahead is reported to its own call, not as an unhandled rejection', async () => {
    const { recorder } = log(2);
    const intents = new IntentLookahead(subscribes(5), recorder, 3);
    await intents.intent(0);
    await new Promise((resolve) => setTimeout(resolve, 5)); // an unhandled rejection would fail the test run
    await expect(intents.intent(2)).rejects.toThrow('disk full');
    await expect(intents.skip(2, 'now')).resolves.toBeUndefined();
  });
});

function want(n: number): SubscriptionRef {
  const url = `https://h.example.com/${n}`;
  return { entityTypeName: 'device', actionName: '_create', endpoint: url, endpointSha256: sha256Hex(url) };
}

describe('applyPlan with intents recorded ahead', () => {
  it('every call finds its intent in the journal file when it is made; a stop leaves no intent without outcome', async () => {
    const dir = await testdir();
    const statePath = join(dir, 's.state.json');
    const desired = Array.from({ length: 40 }, (_, n) => want(n));
    const plan = planChanges({ desired, state: null, manifestSha256: 'x', env: {}, target: 'http://127.0.0.1:9', resync: false, maxDeletePercent: 25, allowMassDelete: false });
    const stop = new AbortController();
    const missing: string[] = [];
    let journalAtStop = '';
    let made = 0;
    const check = async (endpoint: string): Promise<void> => {
      const journal = await readFile(`${statePath}.journal`, 'utf8');
      if (!journal.includes(`"endpoint":"${endpoint}"`)) missing.push(endpoint);
      made += 1;
      if (made === 20) {
        stop.abort();
        journalAtStop = journal;
      }
    };
    const calls: SubscriptionCalls = {
      subscribe: async (t) => (await check(t.endpoint), { kind: 'ok', status: 200 }),
      unsubscribe: async (t) => (await check(t.endpoint), { kind: 'ok', status: 200 }),
    };
    const { report, state } = await applyPlan({
      plan,
      state: null,
      statePath,
      target: 'http://127.0.0.1:9',
      endpoints: new Map(desired.map((d) => [subscriptionKey(d), d.endpoint])),
      calls,
      concurrency: 4,
      stop: stop.signal,
      cancel: new AbortController().signal,
    });
    expect(missing).toEqual([]);
    // Intents were recorded ahead of the calls made...
    expect(journalAtStop.split('\n').filter((l) => l.includes('"type":"intent"')).length).toBeGreaterThan(made - 4);
    // ...yet the calls never made are not left uncertain: the state holds exactly the calls made.
    const sent = report.results.filter((r) => r.outcome.kind === 'ok').length;
    expect(sent).toBeGreaterThanOrEqual(20);
    expect(report.results.filter((r) => r.outcome.kind === 'skipped').length).toBe(40 - sent);
    expect(state.subscriptions).toHaveLength(sent);
    expect(state.subscriptions.some((e) => e.uncertain)).toBe(false);
  });
});
