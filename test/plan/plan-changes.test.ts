import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planChanges, type PlanInput } from '../../src/plan/plan-changes.js';
import type { State, StateEntry } from '../../src/state/types.js';
import { compareRefs, subscriptionKey, type SubscriptionRef } from '../../src/subscription.js';
import { sha256Hex } from '../../src/sha256.js';

const ENTITIES = ['patient', 'device', 'command'] as const;
const ACTIONS = ['_create', '_update', '_delete'] as const;
const HOSTS = ['https://a.example.com/hook', 'https://b.example.com/hook'] as const;

interface Triple {
  entity: string;
  action: string;
  url: string;
}

const UNIVERSE: Triple[] = ENTITIES.flatMap((entity) =>
  ACTIONS.flatMap((action) => HOSTS.map((url) => ({ entity, action, url }))),
);

function desired(t: Triple): SubscriptionRef {
  return { entityTypeName: t.entity, actionName: t.action, endpoint: t.url, endpointSha256: sha256Hex(t.url) };
}

function entry(t: Triple, uncertain = false): StateEntry {
  return {
    entityTypeName: t.entity,
    actionName: t.action,
    endpoint: t.url,
    endpointSha256: sha256Hex(t.url),
    appliedAt: '2026-11-28T10:00:00.000Z',
    ...(uncertain ? { uncertain: true as const } : {}),
  };
}

function state(entries: StateEntry[]): State {
  return { version: 1, lineage: '00000000-0000-4000-8000-000000000000', serial: 3, target: 'https://api.example.com', subscriptions: entries };
}

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    desired: [],
    state: null,
    manifestSha256: 'm',
    env: {},
    target: null,
    resync: false,
    maxDeletePercent: 25,
    allowMassDelete: false,
    ...overrides,
  };
}

const universeSubset = fc.subarray(UNIVERSE);
const appliedArb = fc.subarray(UNIVERSE).chain((triples) =>
  fc.tuple(fc.constant(triples), fc.array(fc.boolean(), { minLength: triples.length, maxLength: triples.length })),
);

describe('planChanges', () => {
  it('applying any plan to any applied set gives exactly the desired set', () => {
    fc.assert(
      fc.property(universeSubset, appliedArb, fc.boolean(), (want, [have, uncertainFlags], resync) => {
        const entries = have.map((t, i) => entry(t, uncertainFlags[i] === true));
        const plan = planChanges(input({ desired: want.map(desired), state: state(entries), resync, allowMassDelete: true }));
        const held = new Set(entries.map((e) => subscriptionKey(e)));
        for (const op of plan.subscribes) held.add(subscriptionKey(op.ref));
        for (const op of plan.unsubscribes) held.delete(subscriptionKey(op.ref));
        expect([...held].sort()).toEqual(want.map((t) => subscriptionKey(desired(t))).sort());

        // Every uncertain entry is re-asserted one way or the other; nothing is both added and removed.
        const touched = new Set([...plan.subscribes, ...plan.unsubscribes].map((op) => subscriptionKey(op.ref)));
        for (const e of entries) if (e.uncertain) expect(touched.has(subscriptionKey(e))).toBe(true);
        expect(touched.size).toBe(plan.subscribes.length + plan.unsubscribes.length);
        // With --resync, every desired triple is subscribed again; without, unchanged ones are not.
        if (resync) expect(plan.subscribes.length).toBe(want.length);
        expect(plan.summary.subscribe + plan.summary.unchanged).toBe(want.length);
      }),
      { numRuns: 300 },
    );
  });

  it('lists every operation sorted by compareRefs and counts them in the summary', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UNIVERSE)), appliedArb, fc.boolean(), (want, [have, uncertainFlags], resync) => {
        const entries = have.map((t, i) => entry(t, uncertainFlags[i] === true));
        const plan = planChanges(input({ desired: want.map(desired), state: state(entries), resync, allowMassDelete: true }));
        const sorted = <T>(items: T[], refOf: (item: T) => SubscriptionRef): T[] => [...items].sort((a, b) => compareRefs(refOf(a), refOf(b)));
        expect(plan.subscribes).toEqual(sorted(plan.subscribes, (op) => op.ref));
        expect(plan.unsubscribes).toEqual(sorted(plan.unsubscribes, (op) => op.ref));
        expect(plan.unchanged).toEqual(sorted(plan.unchanged, (ref) => ref));
        const all = [...plan.subscribes, ...plan.unsubscribes];
        expect(plan.summary).toEqual({
          subscribe: plan.subscribes.length,
          unsubscribe: plan.unsubscribes.length,
          unchanged: plan.unchanged.length,
          resync: plan.subscribes.filter((op) => op.reason === 'resync').length,
          uncertain: all.filter((op) => op.reason === 'uncertain').length,
          blocked: plan.unsubscribes.filter((op) => op.blocked).length,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic and independent of input order', () => {
    fc.assert(
      fc.property(universeSubset, universeSubset, (want, have) => {
        const a = planChanges(input({ desired: want.map(desired), state: state(have.map((t) => entry(t))) }));
        const b = planChanges(
          input({ desired: [...want].reverse().map(desired), state: state([...have].reverse().map((t) => entry(t))) }),
        );
        expect(b).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });

  it('marks reasons: new, removed, uncertain in both directions', () => {
    const [t0, t1, t2, t3] = UNIVERSE as [Triple, Triple, Triple, Triple];
    const plan = planChanges(
      input({
        desired: [desired(t0), desired(t1), desired(t2)],
        state: state([entry(t1), entry(t2, true), entry(t3, true)]),
      }),
    );
    expect(plan.subscribes.map((op) => [op.ref.entityTypeName, op.ref.actionName, op.ref.endpoint, op.reason])).toEqual([
      ['patient', '_create', 'https://a.example.com/hook', 'new'],
      ['patient', '_update', 'https://a.example.com/hook', 'uncertain'],
    ]);
    expect(plan.unsubscribes.map((op) => op.reason)).toEqual(['uncertain']);
    expect(plan.unchanged).toHaveLength(1);
    expect(plan.summary).toEqual({ subscribe: 2, unsubscribe: 1, unchanged: 1, resync: 0, uncertain: 2, blocked: 0 });
  });

  it('blocks an unsubscribe whose template no longer resolves to the applied hash, naming the variables', () => {
    const applied: StateEntry = {
      entityTypeName: 'device',
      actionName: '_create',
      endpoint: '${BASE}/device',
      endpointSha256: sha256Hex('https://old.example.com/device'),
      appliedAt: '2026-11-28T10:00:00.000Z',
    };
    const changed = planChanges(input({ state: state([applied]), env: { BASE: 'https://new.example.com' }, allowMassDelete: true }));
    expect(changed.unsubscribes[0]?.blocked?.variables).toEqual(['BASE']);
    expect(changed.unsubscribes[0]?.blocked?.message).toContain('${BASE} changed');
    expect(changed.unsubscribes[0]?.blocked?.message).not.toContain('new.example.com');

    const unset = planChanges(input({ state: state([applied]), env: {}, allowMassDelete: true }));
    expect(unset.unsubscribes[0]?.blocked?.message).toContain('${BASE} is not set or empty');

    const same = planChanges(input({ state: state([applied]), env: { BASE: 'https://old.example.com' }, allowMassDelete: true }));
    expect(same.unsubscribes[0]?.blocked).toBeUndefined();
    expect(same.summary.blocked).toBe(0);
  });

  it('refuses mass deletes and emptying, unless allowed', () => {
    const five = UNIVERSE.slice(0, 5);
    const keepThree = planChanges(input({ desired: five.slice(0, 3).map(desired), state: state(five.map((t) => entry(t))) }));
    expect(keepThree.refusal?.reason).toContain('2 of 5 applied subscriptions (40%)');
    const keepFour = planChanges(input({ desired: five.slice(0, 4).map(desired), state: state(five.map((t) => entry(t))) }));
    expect(keepFour.refusal).toBeNull(); // 20% <= 25%
    const four = UNIVERSE.slice(0, 4);
    const smallState = planChanges(input({ desired: four.slice(0, 1).map(desired), state: state(four.map((t) => entry(t))) }));
    expect(smallState.refusal).toBeNull(); // the percentage rule needs more than 4 applied
    const emptying = planChanges(input({ desired: [], state: state([entry(UNIVERSE[0] as Triple)]) }));
    expect(emptying.refusal?.reason).toContain('leave none');
    const allowed = planChanges(input({ desired: [], state: state(five.map((t) => entry(t))), allowMassDelete: true }));
    expect(allowed.refusal).toBeNull();
    const stricter = planChanges(
      input({ desired: five.slice(0, 4).map(desired), state: state(five.map((t) => entry(t))), maxDeletePercent: 10 }),
    );
    expect(stricter.refusal?.maxDeletePercent).toBe(10);
  });

  it('does not count blocked unsubscribes, which are never sent, as deletes', () => {
    const moved = UNIVERSE.slice(0, 6).map((t) => ({
      entityTypeName: t.entity,
      actionName: t.action,
      endpoint: '${BASE}/hook',
      endpointSha256: sha256Hex(t.url),
      appliedAt: '2026-11-28T10:00:00.000Z',
    }));
    const plan = planChanges(input({ desired: [desired(UNIVERSE[0] as Triple)], state: state(moved), env: { BASE: 'https://new.example.com' } }));
    expect(plan.summary.blocked).toBe(5); // the sixth is still desired: unchanged
    expect(plan.refusal).toBeNull();
  });

  it('records the state it was made from and prefers the state target', () => {
    const plan = planChanges(input({ state: state([]), target: 'https://other.example.com', manifestSha256: 'abc' }));
    expect(plan).toMatchObject({ lineage: state([]).lineage, serial: 3, target: 'https://api.example.com', manifestSha256: 'abc' });
    const fresh = planChanges(input({ target: 'https://api.dev.example.com' }));
    expect(fresh).toMatchObject({ lineage: null, serial: null, target: 'https://api.dev.example.com' });
  });
});
