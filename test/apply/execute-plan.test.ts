import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { executePlan, type OperationRecorder, type SubscriptionCalls } from '../../src/apply/execute-plan.js';
import type { CallOutcome } from '../../src/biot/types.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import { readState } from '../../src/state/state-file.js';
import type { State } from '../../src/state/types.js';
import { subscriptionKey, type SubscriptionRef, type SubscriptionTriple } from '../../src/subscription.js';
import { sha256Hex } from '../../src/sha256.js';
import { testdir } from '../support/testdir.js';

/** A triple whose endpoint is a plain URL: it resolves to itself. */
function want(entity: string, action: string, url: string): SubscriptionRef {
  return { entityTypeName: entity, actionName: action, endpoint: url, endpointSha256: sha256Hex(url) };
}

function stateOf(items: SubscriptionRef[]): State {
  return {
    version: 1,
    lineage: '6f1d2c1e-1111-4222-8333-444455556666',
    serial: 1,
    target: 'http://127.0.0.1:1',
    subscriptions: items.map(({ entityTypeName, actionName, endpoint, endpointSha256 }) => ({
      entityTypeName,
      actionName,
      endpoint,
      endpointSha256,
      appliedAt: '2026-11-28T10:00:00.000Z',
    })),
  };
}

/** An in-memory BioT stand-in for the executor's ordering rules (the HTTP path has its own tests). */
function fakeBiot(answer: (kind: string, t: SubscriptionTriple) => CallOutcome | Error = () => ({ kind: 'ok', status: 200 })) {
  const calls: string[] = [];
  const api: SubscriptionCalls = {
    async subscribe(t) {
      calls.push(`+${t.actionName}@${t.endpoint}`);
      await new Promise((r) => setTimeout(r, 2));
      const a = answer('subscribe', t);
      if (a instanceof Error) throw a;
      return a;
    },
    async unsubscribe(t) {
      calls.push(`-${t.actionName}@${t.endpoint}`);
      const a = answer('unsubscribe', t);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { api, calls };
}

const recorder: OperationRecorder = { intent: async () => 1, outcome: async () => undefined };
const never = new AbortController().signal;

function planOf(desired: SubscriptionRef[], applied: SubscriptionRef[]) {
  return planChanges({
    desired,
    state: stateOf(applied),
    manifestSha256: 'x',
    env: {},
    target: null,
    resync: false,
    maxDeletePercent: 100,
    allowMassDelete: true,
  });
}

function run(desired: SubscriptionRef[], applied: SubscriptionRef[], calls: SubscriptionCalls, stop = never) {
  const plan = planOf(desired, applied);
  const endpoints = new Map([...desired, ...applied].map((d) => [subscriptionKey(d), d.endpoint]));
  return executePlan({ plan, endpoints, calls, recorder, concurrency: 3, now: () => new Date(0), stop, cancel: never });
}

const oldHook = want('patient', '_create', 'https://old.example.com/h');
const newHooks = ['_create', '_update', '_delete'].map((a) => want('patient', a, 'https://new.example.com/h'));

describe('executePlan', () => {
  it('sends every subscribe before any unsubscribe (make before break)', async () => {
    const { api, calls } = fakeBiot();
    const report = await run(newHooks, [oldHook], api);
    expect(calls.slice(0, 3).every((c) => c.startsWith('+'))).toBe(true);
    expect(calls[3]).toBe('-_create@https://old.example.com/h');
    expect(report.results.map((r) => r.outcome.kind)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(report.interrupted).toBe(false);
  });

  it('sends no unsubscribe when a subscribe failed, and still runs the other subscribes', async () => {
    const { api, calls } = fakeBiot((kind, t) =>
      kind === 'subscribe' && t.actionName === '_update'
        ? { kind: 'failed', changed: 'no', error: { status: 400, code: 'VALIDATION_ERROR', message: 'bad', traceId: 't1' } }
        : { kind: 'ok', status: 200 },
    );
    const report = await run(newHooks, [oldHook], api);
    expect(calls.filter((c) => c.startsWith('+'))).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith('-'))).toHaveLength(0);
    const skipped = report.results.find((r) => r.operation.kind === 'unsubscribe');
    expect(skipped?.outcome).toMatchObject({ kind: 'skipped' });
  });

  it('starts no call after stop, and reports the run as interrupted', async () => {
    const stop = new AbortController();
    const { api, calls } = fakeBiot(() => {
      stop.abort();
      return { kind: 'ok', status: 200 };
    });
    const many = Array.from({ length: 20 }, (_, i) => want('device', '_create', `https://h.example.com/${i}`));
    const report = await run(many, [], api, stop.signal);
    expect(report.interrupted).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(3); // only those already started (concurrency 3)
    expect(report.results.filter((r) => r.outcome.kind === 'skipped').length).toBe(20 - calls.length);
  });

  it('refuses a plan with an operation it has no endpoint for before journaling or calling anything', async () => {
    const plan = planOf(newHooks, [oldHook]);
    const { api, calls } = fakeBiot();
    const intents: string[] = [];
    const journal: OperationRecorder = {
      intent: async (op) => intents.push(`${op.kind} ${op.ref.actionName}`),
      outcome: async () => undefined,
    };
    const complete = new Map([...newHooks, oldHook].map((d) => [subscriptionKey(d), d.endpoint]));
    for (const gap of [newHooks[2], oldHook]) {
      const endpoints = new Map(complete);
      endpoints.delete(subscriptionKey(gap as SubscriptionRef));
      const kind = gap === oldHook ? 'unsubscribe' : 'subscribe';
      await expect(
        executePlan({ plan, endpoints, calls: api, recorder: journal, concurrency: 3, now: () => new Date(0), stop: never, cancel: never }),
      ).rejects.toThrow(`no resolved endpoint for ${kind} patient ${gap?.actionName}`);
    }
    expect(intents).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('turns a client that throws into an outcome of unknown effect', async () => {
    const { api } = fakeBiot(() => new Error('socket hang up with secret-token-123'));
    const report = await run([want('device', '_create', 'https://h.example.com/x')], [], api);
    expect(report.results[0]?.outcome).toEqual({
      kind: 'failed',
      changed: 'unknown',
      error: { message: 'unexpected error in the BioT client' },
    });
  });
});

describe('applyPlan', () => {
  it('writes the state the outcomes imply and removes the journal', async () => {
    const dir = await testdir();
    const statePath = join(dir, 's.state.json');
    const a = want('patient', '_create', 'https://a.example.com/h');
    const b = want('patient', '_update', 'https://a.example.com/h');
    const c = want('patient', '_delete', 'https://a.example.com/h');
    const { api } = fakeBiot((_kind, t) =>
      t.actionName === '_update'
        ? { kind: 'failed', changed: 'unknown', error: { message: 'timeout' } }
        : t.actionName === '_delete'
          ? { kind: 'failed', changed: 'no', error: { status: 403, message: 'forbidden' } }
          : { kind: 'converged', status: 409 },
    );
    const plan = planChanges({
      desired: [a, b, c],
      state: null,
      manifestSha256: 'x',
      env: {},
      target: 'http://127.0.0.1:9',
      resync: false,
      maxDeletePercent: 25,
      allowMassDelete: false,
    });
    const endpoints = new Map([a, b, c].map((d) => [subscriptionKey(d), d.endpoint]));
    const { state } = await applyPlan({
      plan,
      state: null,
      statePath,
      target: 'http://127.0.0.1:9',
      endpoints,
      calls: api,
      concurrency: 2,
      stop: never,
      cancel: never,
    });
    const onDisk = await readState(statePath);
    expect(onDisk).toEqual(state);
    expect(onDisk?.target).toBe('http://127.0.0.1:9');
    // converged → applied; unknown → kept as uncertain; refused → absent.
    expect(onDisk?.subscriptions.map((e) => [e.actionName, e.uncertain ?? false])).toEqual([
      ['_create', false],
      ['_update', true],
    ]);
    expect(existsSync(`${statePath}.journal`)).toBe(false);
  });
});

describe('applyPlan with --resync', () => {
  it('keeps appliedAt of entries it only confirms, so the state file does not change', async () => {
    const dir = await testdir();
    const statePath = join(dir, 's.state.json');
    const a = want('patient', '_create', 'https://a.example.com/h');
    const before = stateOf([a]);
    const plan = planChanges({
      desired: [a],
      state: before,
      manifestSha256: 'x',
      env: {},
      target: null,
      resync: true,
      maxDeletePercent: 25,
      allowMassDelete: false,
    });
    expect(plan.subscribes).toHaveLength(1);
    const { api } = fakeBiot(() => ({ kind: 'converged', status: 409 }));
    const { state } = await applyPlan({
      plan,
      state: before,
      statePath,
      target: 'http://127.0.0.1:1',
      endpoints: new Map([[subscriptionKey(a), a.endpoint]]),
      calls: api,
      concurrency: 1,
      stop: never,
      cancel: never,
      now: () => new Date('2026-12-01T00:00:00.000Z'),
    });
    expect(state).toEqual(before);
    expect(existsSync(statePath)).toBe(false); // unchanged content: nothing written
  });
});
