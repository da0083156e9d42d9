import { describe, expect, it } from 'vitest';
import {
  findEntries,
  importEntry,
  pickRef,
  recordOutcome,
  removeEntry,
  setEntry,
} from '../../src/state/state-entries.js';
import { subscriptionKey } from '../../src/subscription.js';
import { at, entry, ref, state } from './helpers.js';

const a = ref('patient', '_create', 'https://h/a');
const a2 = ref('patient', '_create', 'https://h/a2');
const aTemplated = ref('patient', '_create', 'https://h/a', '${BASE}/a');
const d = ref('device', '_delete', 'https://h/d');

describe('state entries', () => {
  it('import adopts a subscription, sorted, replacing one of the same identity', () => {
    const s1 = importEntry(state([entry(d)]), a, at(1));
    expect(s1.subscriptions).toEqual([entry(d), entry(a, at(1))]);
    expect(s1.subscriptions.map((e) => e.entityTypeName)).toEqual(['device', 'patient']);
    const s2 = importEntry(s1, aTemplated, at(2));
    expect(s2.subscriptions).toEqual([entry(d), entry(aTemplated, at(2))]);
  });

  it('import keeps only the four ref fields (a resolved URL holds secrets)', () => {
    const desired = { ...a, resolvedEndpoint: 'https://h/a?code=secret', variables: [] };
    const s = importEntry(state([]), desired, at(1));
    expect(JSON.stringify(s)).not.toContain('secret');
    expect(pickRef(desired)).toEqual(a);
  });

  it('remove forgets one identity and leaves the rest', () => {
    const s = state([entry(a), entry(a2), entry(d)]);
    const removed = removeEntry(s, subscriptionKey(a));
    expect(removed.subscriptions.map(subscriptionKey).sort()).toEqual([subscriptionKey(a2), subscriptionKey(d)].sort());
    expect(removeEntry(s, 'no such key')).toBe(s);
  });

  it('finds entries by entity and action, or by full identity', () => {
    const s = state([entry(a), entry(a2), entry(d)]);
    expect(findEntries(s, 'patient', '_create')).toHaveLength(2);
    expect(findEntries(s, 'patient', '_create', a2.endpointSha256)).toEqual([entry(a2)]);
    expect(findEntries(s, 'patient', '_delete')).toEqual([]);
  });

  it('setEntry drops a false uncertain and keeps key order', () => {
    const s = setEntry(state([]), { ...entry(a), uncertain: false as unknown as true });
    expect(s.subscriptions[0]).toStrictEqual(entry(a));
  });

  it('recordOutcome follows the journal rules', () => {
    const s = state([entry(d, at(0), true), entry(a, at(0))]);
    const sub = (r: typeof a) => ({ kind: 'subscribe' as const, ref: r });
    const unsub = (r: typeof a) => ({ kind: 'unsubscribe' as const, ref: r });
    // ok
    expect(recordOutcome(s, sub(a2), 'ok', at(1), at(2)).subscriptions).toContainEqual(entry(a2, at(2)));
    expect(recordOutcome(s, sub(d), 'ok', at(1), at(2)).subscriptions).toContainEqual(entry(d, at(2)));
    expect(recordOutcome(s, unsub(a), 'ok', at(1)).subscriptions).toEqual([entry(d, at(0), true)]);
    // failed: untouched, uncertain flag included
    expect(recordOutcome(s, unsub(d), 'failed', at(1))).toEqual(s);
    expect(recordOutcome(s, sub(a2), 'failed', at(1))).toEqual(s);
    // unknown or none: present and uncertain, keeping appliedAt
    expect(recordOutcome(s, unsub(a), 'unknown', at(1)).subscriptions).toContainEqual(entry(a, at(0), true));
    expect(recordOutcome(s, sub(a2), null, at(1)).subscriptions).toContainEqual(entry(a2, at(1), true));
  });
});
