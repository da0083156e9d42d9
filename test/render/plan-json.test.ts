import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../src/errors.js';
import type { Plan } from '../../src/plan/types.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import { parseSavedPlan, renderPlanJson } from '../../src/render/plan-json.js';
import { sha256Hex } from '../../src/sha256.js';
import type { State } from '../../src/state/types.js';
import type { SubscriptionRef } from '../../src/subscription.js';
import { makePlan, ref, REFUSAL, samplePlan } from './plan-fixtures.js';

/** The real planner over `desired` and `state`, its flags at their defaults. */
function planOf(desired: SubscriptionRef[], state: State | null): Plan {
  return planChanges({
    desired,
    state,
    manifestSha256: sha256Hex('manifest'),
    env: {},
    target: null,
    resync: false,
    maxDeletePercent: 25,
    allowMassDelete: false,
  });
}

/** A plan from the real planner, so the schema follows the Plan type as it grows. */
function plannedPlan() {
  const want = (entityTypeName: string, actionName: string, endpoint: string, resolvedEndpoint: string): SubscriptionRef => ({
    ...ref(entityTypeName, actionName, endpoint),
    endpointSha256: sha256Hex(resolvedEndpoint),
  });
  const kept = want('patient', '_create', 'https://h.example.com/p?code=abc', 'https://h.example.com/p?code=abc');
  return planOf([kept, want('device', '_create', 'https://h.example.com/d', 'https://h.example.com/d')], {
    version: 1,
    lineage: '3f0c7a52-8d7e-4b0e-9a59-1c2d3e4f5a6b',
    serial: 3,
    target: 'https://api.dev.example.com',
    subscriptions: [
      { ...kept, appliedAt: '2026-11-28T10:00:00.000Z' },
      { ...ref('command', '_delete', '${GONE}/c'), appliedAt: '2026-11-28T10:00:00.000Z', uncertain: true },
    ],
  });
}

const schema = JSON.parse(readFileSync(new URL('../../schema/plan.schema.json', import.meta.url), 'utf8')) as object;

function schemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('renderPlanJson', () => {
  it('prints the plan with endpoints masked, pretty, with a final newline', () => {
    const plan = makePlan({
      subscribes: [{ kind: 'subscribe', ref: ref('patient', '_create', 'https://u:pw@h.example.com/x?code=abc'), reason: 'new' }],
      unsubscribes: [
        {
          kind: 'unsubscribe',
          ref: ref('device', '_delete', '${OLD}/d?k=${KEY}'),
          reason: 'removed',
          blocked: { variables: ['OLD'], message: 'cannot unsubscribe: ${OLD} is not set' },
        },
      ],
      unchanged: [ref('patient', '_delete', 'https://h.example.com/x?code=secret')],
      refusal: REFUSAL,
    });
    expect(renderPlanJson(plan)).toMatchInlineSnapshot(`
      "{
        "version": 1,
        "lineage": "3f0c7a52-8d7e-4b0e-9a59-1c2d3e4f5a6b",
        "serial": 7,
        "target": "https://api.dev.example.com",
        "manifestSha256": "05b3abf2579a5eb66403cd78be557fd860633a1fe2103c7642030defe32c657f",
        "resync": false,
        "maxDeletePercent": 25,
        "subscribes": [
          {
            "kind": "subscribe",
            "ref": {
              "entityTypeName": "patient",
              "actionName": "_create",
              "endpoint": "https://u:***@h.example.com/x?code=***",
              "endpointSha256": "078e09f2749c5c3d3f50b33eb4740d1c0c7c3e1ff69c189e6056b2c75d40a87d"
            },
            "reason": "new"
          }
        ],
        "unsubscribes": [
          {
            "kind": "unsubscribe",
            "ref": {
              "entityTypeName": "device",
              "actionName": "_delete",
              "endpoint": "\${OLD}/d?k=\${KEY}",
              "endpointSha256": "82c73d2d20f1147f53e363ba59fb9e84aefc2b7aa6cc58ffe3e6a99fc4f83142"
            },
            "reason": "removed",
            "blocked": {
              "variables": [
                "OLD"
              ],
              "message": "cannot unsubscribe: \${OLD} is not set"
            }
          }
        ],
        "unchanged": [
          {
            "entityTypeName": "patient",
            "actionName": "_delete",
            "endpoint": "https://h.example.com/x?code=***",
            "endpointSha256": "2e298e774a0bb738030740cfdefb8e0a16e7102a885b904cedfd57d97eb74f37"
          }
        ],
        "refusal": {
          "reason": "the plan would unsubscribe 6 of 8 applied subscriptions (75%), more than --max-delete-percent 25%; if that is intended, run again with --allow-mass-delete",
          "unsubscribes": 6,
          "applied": 8,
          "maxDeletePercent": 25
        },
        "summary": {
          "subscribe": 1,
          "unsubscribe": 1,
          "unchanged": 1,
          "resync": 0,
          "uncertain": 0,
          "blocked": 1
        }
      }
      "
    `);
  });

  it.each([
    ['the sample plan', samplePlan()],
    ['an empty plan with no state', makePlan({ target: null, serial: null })],
    ['a refused plan', makePlan({ unsubscribes: samplePlan().unsubscribes, refusal: REFUSAL })],
    ["the planner's own plan", plannedPlan()],
  ])('validates against schema/plan.schema.json: %s', (_name, plan) => {
    const validate = schemaValidator();
    expect(validate(JSON.parse(renderPlanJson(plan))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('writes only the four fields of a ref, whatever else the object given to the planner held', () => {
    // planChanges puts the refs it is given into the plan as they are.
    const url = 'https://h.example.com/p?code=s3cret';
    const carrying = { ...ref('patient', '_create', url), endpointSha256: sha256Hex(url), resolvedEndpoint: url, variables: ['KEY'] };
    const plan = planOf([carrying], null);
    expect(plan.subscribes[0]?.ref).toBe(carrying);
    const text = renderPlanJson(plan);
    expect(text).not.toMatch(/s3cret|resolvedEndpoint|variables/);
    expect(JSON.parse(text).subscribes[0].ref).toEqual({ ...ref('patient', '_create', 'https://h.example.com/p?code=***'), endpointSha256: sha256Hex(url) });
  });

  it('does not change the plan it is given', () => {
    const plan = samplePlan();
    const before = structuredClone(plan);
    renderPlanJson(plan);
    expect(plan).toEqual(before);
  });
});

describe('parseSavedPlan', () => {
  it('reads back what renderPlanJson wrote, endpoints masked and identities kept', () => {
    expect(parseSavedPlan(renderPlanJson(plannedPlan()), 'plan.json').unsubscribes[0]?.blocked?.variables).toEqual(['GONE']);
    const plan = samplePlan();
    const saved = parseSavedPlan(renderPlanJson(plan), 'plan.json');
    expect(saved.subscribes.map((op) => op.ref.endpointSha256)).toEqual(plan.subscribes.map((op) => op.ref.endpointSha256));
    expect(saved.subscribes[2]?.ref.endpoint).toBe('https://hooks.example.com/biot/patient?code=***&v=***');
    expect({ ...saved, subscribes: [], unsubscribes: [], unchanged: [] }).toEqual({ ...plan, subscribes: [], unsubscribes: [], unchanged: [] });
  });

  const good = (): Record<string, unknown> => JSON.parse(renderPlanJson(samplePlan())) as Record<string, unknown>;
  const edited = (edit: (plan: Record<string, unknown>) => void): string => {
    const plan = good();
    edit(plan);
    return JSON.stringify(plan);
  };

  it.each([
    ['not JSON', '{"version": 1,', /^plan\.json: not a saved plan: not valid JSON/],
    ['an array', '[]', /^plan\.json: not a saved plan \(expected a JSON object\)$/],
    ['a state file', JSON.stringify({ version: 1, lineage: 'x', serial: 1, target: null, subscriptions: [] }), /not a saved plan \(write one with 'biot-subs plan --out plan\.json'\)/],
    ['another version', edited((p) => (p['version'] = 2)), /plan version 2 is not supported by this biot-subs \(expects 1\)/],
    ['a missing field', edited((p) => delete p['manifestSha256']), /not a valid saved plan: the top level: must have required property 'manifestSha256'/],
    ['an unknown field', edited((p) => (p['extra'] = true)), /the top level: unknown property "extra"/],
    ['a bad hash', edited((p) => (p['manifestSha256'] = 'abc')), /\/manifestSha256: must match pattern/],
    ['an unsubscribe among subscribes', edited((p) => ((p['subscribes'] as { kind: string }[])[0]!.kind = 'unsubscribe')), /\/subscribes\/0\/kind: must be "subscribe"/],
    ['a wrong reason', edited((p) => ((p['subscribes'] as { reason: string }[])[0]!.reason = 'because')), /\/subscribes\/0\/reason: must be equal to one of the allowed values/],
    ['counts that disagree', edited((p) => ((p['summary'] as { subscribe: number }).subscribe = 9)), /\/summary\/subscribe is 9 but 3 are listed/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseSavedPlan(text, 'plan.json')).toThrow(RefusedError);
    expect(() => parseSavedPlan(text, 'plan.json')).toThrow(message);
  });
});

describe('renderPlanJson and invisible characters', () => {
  it('writes C1 and bidi characters as \\u escapes: the same JSON, nothing that steers a terminal', () => {
    const odd = makePlan({ subscribes: [{ kind: 'subscribe', ref: ref('a\u202eb\u0085', '_x', 'https://h.example.com/x'), reason: 'new' }] });
    const text = renderPlanJson(odd);
    expect(text).not.toMatch(/[\u0085\u202e]/);
    expect(text).toContain('"a\\u202eb\\u0085"');
    expect((JSON.parse(text) as Plan).subscribes[0]?.ref.entityTypeName).toBe('a\u202eb\u0085');
  });
});

describe('the saved-plan validator', () => {
  it('is the one the schema generates now (precompiled: no ajv at run time)', () => {
    const run = spawnSync(process.execPath, ['scripts/build-schema-validators.mjs', '--check', 'plan'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
