import { describe, expect, it } from 'vitest';
import { savedPlanMismatch } from '../../src/plan/saved-plan.js';
import type { Plan } from '../../src/plan/types.js';

const ref = { entityTypeName: 'patient', actionName: '_create', endpoint: 'https://h.example.com/x', endpointSha256: 'a'.repeat(64) };

const plan: Plan = {
  version: 1,
  lineage: 'l1',
  serial: 4,
  target: 'https://api.example.com',
  manifestSha256: 'm1',
  resync: false,
  maxDeletePercent: 25,
  subscribes: [{ kind: 'subscribe', ref, reason: 'new' }],
  unsubscribes: [],
  unchanged: [],
  refusal: null,
  summary: { subscribe: 1, unsubscribe: 0, unchanged: 0, resync: 0, uncertain: 0, blocked: 0 },
};

describe('savedPlanMismatch', () => {
  it('accepts the same plan, even when the saved one shows endpoints masked', () => {
    const saved = structuredClone(plan);
    saved.subscribes[0]!.ref.endpoint = 'https://h.example.com/x?code=***';
    expect(savedPlanMismatch(saved, plan)).toBeNull();
  });

  it.each([
    ['lineage', { lineage: 'l2' }, 'lineage'],
    ['serial', { serial: 5 }, 'serial 5, now 4'],
    ['target', { target: 'https://other.example.com' }, 'another BioT environment'],
    ['manifest', { manifestSha256: 'm2' }, 'manifest changed'],
    ['resync', { resync: true }, '--resync'],
    ['operations', { subscribes: [{ kind: 'subscribe' as const, ref: { ...ref, endpointSha256: 'b'.repeat(64) }, reason: 'new' as const }] }, 'variable'],
  ])('names what moved: %s', (_name, change, words) => {
    expect(savedPlanMismatch({ ...plan, ...change }, plan)).toContain(words);
  });
});
