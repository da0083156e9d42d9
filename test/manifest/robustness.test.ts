import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/catalog/catalog.js';
import { checkManifestText } from '../../src/manifest/check-manifest-text.js';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { sha256Hex } from '../../src/sha256.js';
import type { SubscriptionRef } from '../../src/subscription.js';
import { yamlish } from './helpers.js';

describe('parseManifest on any input', () => {
  it('never throws on arbitrary strings, and always explains a rejection', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), yamlish), fc.dictionary(fc.constantFrom('A', 'B'), fc.string()), (text, env) => {
        const result = parseManifest(text, 'fuzz.yaml', env);
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const p of result.problems) {
            expect(p.location.line).toBeGreaterThanOrEqual(1);
            expect(p.location.col).toBeGreaterThanOrEqual(1);
            expect(p.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with `validate`'s check (which never hashes) on problems and on the count", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), yamlish), fc.dictionary(fc.constantFrom('A', 'B'), fc.string()), (text, env) => {
        const result = parseManifest(text, 'fuzz.yaml', env);
        let count = 0;
        const checked = checkManifestText(text, 'fuzz.yaml', env, (_entity, actionNames) => (count += actionNames.length));
        expect(checked.ok).toBe(result.ok);
        if (!result.ok && !checked.ok) expect(checked.problems).toEqual(result.problems);
        if (result.ok) expect(count).toBe(result.manifest.subscriptions.length);
      }),
      { numRuns: 300 },
    );
  });

  it('expands generated manifests to exactly their distinct triples, or names the duplicates', () => {
    const entities = [...CATALOG.keys()];
    const entry = fc.record({
      entity: fc.constantFrom(...entities),
      pick: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      endpoint: fc.nat(2),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        const lines = ['version: 1', entries.length === 0 ? 'subscriptions: []' : 'subscriptions:'];
        const expected: string[] = [];
        for (const e of entries) {
          const actions = CATALOG.get(e.entity) ?? [];
          const names = e.pick.map((i) => actions[i % actions.length] ?? '_create');
          lines.push(`  - entityTypeName: ${e.entity}`, `    actionNames: [${names.join(', ')}]`, `    endpoint: https://h.example/${e.endpoint}`);
          for (const n of names) expected.push(`${e.entity} ${n} https://h.example/${e.endpoint}`);
        }
        const result = parseManifest(`${lines.join('\n')}\n`, 'gen.yaml', {});
        const distinct = new Set(expected);
        if (distinct.size === expected.length) {
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const { subscriptions, resolvedEndpoints } = result.manifest;
          const url = (s: SubscriptionRef): string => resolvedEndpoints.get(s.endpointSha256) ?? 'none';
          expect(subscriptions.map((s) => `${s.entityTypeName} ${s.actionName} ${url(s)}`)).toEqual(expected);
          // Hashed once per URL, however the entries sharing one are interleaved.
          for (const s of subscriptions) expect(s.endpointSha256).toBe(sha256Hex(url(s)));
          // Refs only: a plan takes them as they are, so nothing else may ride along.
          for (const s of subscriptions) expect(Object.keys(s)).toEqual(['entityTypeName', 'actionName', 'endpoint', 'endpointSha256']);
          expect(result.manifest.locations).toHaveLength(subscriptions.length);
        } else {
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(result.problems).toHaveLength(expected.length - distinct.size);
            for (const p of result.problems) expect(p.message).toMatch(/is listed twice \(duplicate of line \d+:\d+\)$/);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
