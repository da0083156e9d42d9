import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByRef } from '../../src/plan/sort-refs.js';
import { compareRefs, type SubscriptionRef } from '../../src/subscription.js';

// Few values per field, some sharing prefixes or differing only in case: many ties and near-ties.
const ref = fc.record({
  entityTypeName: fc.constantFrom('patient', 'device', 'Device', 'device-alert'),
  actionName: fc.constantFrom('_create', '_update', '_c', '_create2'),
  endpoint: fc.constantFrom('https://a.example.com/x', 'https://a.example.com/x/y', '${BASE}/x', 'https://A.example.com/x'),
  endpointSha256: fc.constantFrom('00ff', '0a', 'ff00', '0A'),
});

describe('sortByRef', () => {
  it('orders as a stable sort by compareRefs does', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ref, id: fc.nat() }), { maxLength: 60 }), (items) => {
        const expected = [...items].sort((a, b) => compareRefs(a.ref, b.ref));
        const actual = [...items];
        sortByRef(actual, (item) => item.ref);
        expect(actual).toEqual(expected);
      }),
    );
  });

  it('sorts 100k refs of 10k endpoints into compareRefs order', () => {
    const actions = ['_create', '_update', '_delete', '_list', '_read', '_login', '_logout', '_incomingSms', '_saveMeasurement', '_a', '_b'];
    const refs: SubscriptionRef[] = [];
    for (let e = 0; e < 10_000; e++) {
      for (const actionName of actions) {
        refs.push({ entityTypeName: e % 3 === 0 ? 'device' : 'patient', actionName, endpoint: `https://hooks.example.com/e/${e}`, endpointSha256: `${e % 97}` });
      }
    }
    const expected = [...refs].sort(compareRefs);
    sortByRef(refs, (r) => r);
    expect(refs).toEqual(expected);
  });
});
