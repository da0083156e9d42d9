import { describe, expect, it } from 'vitest';
import { renderPlanText, shouldColor } from '../../src/render/plan-text.js';
import { showAnsi } from './ansi.js';
import { makePlan, ref, REFUSAL, samplePlan } from './plan-fixtures.js';

describe('renderPlanText', () => {
  it('lists changes with reasons, masked endpoints and blocked messages, then the summary', () => {
    expect(renderPlanText(samplePlan(), { color: false })).toMatchInlineSnapshot(`
      "biot-subs plan (target https://api.dev.example.com, state serial 7)

        + subscribe    command  _create  https://fn.azurewebsites.net/api/cmd?code=\${HOOK_KEY}
        + subscribe    device   _create  \${PLUGIN_BASE_URL}/device  (resync)
        + subscribe    patient  _update  https://hooks.example.com/biot/patient?code=***&v=***  (uncertain: re-asserting)
        - unsubscribe  patient  _delete  https://user:***@hooks.example.com/old
        - unsubscribe  device   _delete  \${OLD_BASE}/device
            blocked, will fail: cannot unsubscribe: \${OLD_BASE} is not set

      Plan: 3 to subscribe, 2 to unsubscribe (1 blocked), 2 unchanged.
      "
    `);
  });

  it('starts each line from its own kind, entity and action when neighbours share some of them', () => {
    const subscribe = (entity: string, action: string, url: string) => ({ kind: 'subscribe' as const, ref: ref(entity, action, url), reason: 'new' as const });
    const plan = makePlan({
      subscribes: [
        subscribe('patient', '_create', 'https://h.example.com/a'),
        subscribe('patient', '_create', 'https://h.example.com/b'),
        subscribe('patient', '_update', 'https://h.example.com/a'),
        subscribe('device', '_update', 'https://h.example.com/a'),
      ],
      unsubscribes: [{ kind: 'unsubscribe', ref: ref('device', '_update', 'https://h.example.com/c'), reason: 'removed' }],
    });
    expect(renderPlanText(plan, { color: false }).split('\n').slice(2, 7)).toEqual([
      '  + subscribe    patient  _create  https://h.example.com/a',
      '  + subscribe    patient  _create  https://h.example.com/b',
      '  + subscribe    patient  _update  https://h.example.com/a',
      '  + subscribe    device   _update  https://h.example.com/a',
      '  - unsubscribe  device   _update  https://h.example.com/c',
    ]);
  });

  it('puts the refusal at the top', () => {
    const plan = makePlan({
      unsubscribes: [{ kind: 'unsubscribe', ref: ref('patient', '_delete', 'https://h.example.com/a'), reason: 'removed' }],
      refusal: REFUSAL,
    });
    expect(renderPlanText(plan, { color: false })).toMatchInlineSnapshot(`
      "biot-subs plan (target https://api.dev.example.com, state serial 7)

      ! reconcile will refuse this plan (mass delete)
        the plan would unsubscribe 6 of 8 applied subscriptions (75%), more than --max-delete-percent 25%; if that is intended, run again with --allow-mass-delete

        - unsubscribe  patient  _delete  https://h.example.com/a

      Plan: 0 to subscribe, 1 to unsubscribe, 0 unchanged.
      "
    `);
  });

  it('says so when there is nothing to change', () => {
    const plan = makePlan({ unchanged: [ref('patient', '_create', 'https://h.example.com/a')], target: null, serial: null });
    expect(renderPlanText(plan, { color: false })).toMatchInlineSnapshot(`
      "biot-subs plan (no target yet, no state yet)

      No changes. The state matches subscriptions.yaml (1 subscription).
      "
    `);
    expect(renderPlanText(makePlan({}), { color: false, manifest: 'envs/dev.yaml' })).toContain(
      'No changes. The state matches envs/dev.yaml (0 subscriptions).',
    );
  });

  it('colours subscribes green, unsubscribes red and the refusal red and bold', () => {
    const plan = makePlan({
      subscribes: [{ kind: 'subscribe', ref: ref('patient', '_create', 'https://h.example.com/a'), reason: 'resync' }],
      unsubscribes: [{ kind: 'unsubscribe', ref: ref('patient', '_delete', 'https://h.example.com/a'), reason: 'removed' }],
      refusal: REFUSAL,
    });
    expect(showAnsi(renderPlanText(plan, { color: true }))).toMatchInlineSnapshot(`
      "<bold>biot-subs plan (target https://api.dev.example.com, state serial 7)</weight>

      <red><bold>! reconcile will refuse this plan (mass delete)</weight></color>
      <red>  the plan would unsubscribe 6 of 8 applied subscriptions (75%), more than --max-delete-percent 25%; if that is intended, run again with --allow-mass-delete</color>

      <green>  + subscribe    patient  _create  https://h.example.com/a</color>  <dim>(resync)</weight>
      <red>  - unsubscribe  patient  _delete  https://h.example.com/a</color>

      <bold>Plan: 1 to subscribe, 1 to unsubscribe, 0 unchanged.</weight>
      "
    `);
  });

  it('shows control characters from the manifest as escapes, never raw', () => {
    const plan = makePlan({
      subscribes: [{ kind: 'subscribe', ref: ref('pat\u001b[2Kient', '_cre\nate', 'https://h.example.com/\u202eevil'), reason: 'new' }],
    });
    const text = renderPlanText(plan, { color: false });
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(text).toContain('pat\\u001b[2Kient  _cre\\u000aate  https://h.example.com/\\u202eevil');
  });
});

describe('shouldColor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it.each([
    [tty, {}, true],
    [pipe, {}, false],
    [{}, {}, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true],
    [tty, { TERM: 'dumb' }, false],
    [pipe, { FORCE_COLOR: '1' }, true],
    [pipe, { FORCE_COLOR: '' }, true],
    [tty, { FORCE_COLOR: '0' }, false],
    [tty, { FORCE_COLOR: 'false' }, false],
    [pipe, { FORCE_COLOR: '3', NO_COLOR: '1' }, true],
  ])('%o with %o → %s', (stream, env, expected) => {
    expect(shouldColor(stream, env)).toBe(expected);
  });
});

describe('a template whose variables now resolve differently', () => {
  it('says so on both lines, since the masked template alone looks unchanged', () => {
    const before = { ...ref('patient', '_create', '${EHR}/patient'), endpointSha256: 'a'.repeat(64) };
    const after = { ...ref('patient', '_create', '${EHR}/patient'), endpointSha256: 'b'.repeat(64) };
    const plan = makePlan({
      subscribes: [{ kind: 'subscribe', ref: after, reason: 'new' }],
      unsubscribes: [{ kind: 'unsubscribe', ref: before, reason: 'removed' }],
    });
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('${EHR}/patient  (variables now resolve to a new URL)');
    expect(text).toContain('${EHR}/patient  (the URL its variables resolved to before)');
  });
});
