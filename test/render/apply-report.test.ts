import { describe, expect, it } from 'vitest';
import type { ApplyReport, OperationResult } from '../../src/apply/types.js';
import type { Operation } from '../../src/plan/types.js';
import { renderApplyReport, renderProgressCounter, renderProgressLine } from '../../src/render/apply-report.js';
import { showAnsi } from './ansi.js';
import { ref } from './plan-fixtures.js';

const sub = (action: string, endpoint = 'https://h.example.com/p?code=abc'): Operation => ({
  kind: 'subscribe',
  ref: ref('patient', action, endpoint),
  reason: 'new',
});
const unsub = (action: string): Operation => ({ kind: 'unsubscribe', ref: ref('device', action, '${BASE}/d'), reason: 'removed' });
const MAKE_BEFORE_BREAK = 'not attempted: a subscribe failed, and unsubscribes wait until every subscribe has succeeded';

const results: OperationResult[] = [
  { operation: sub('_create'), outcome: { kind: 'ok', status: 201 } },
  { operation: sub('_update'), outcome: { kind: 'converged', status: 409 } },
  {
    operation: sub('_delete', 'https://u:pw@h.example.com/x'),
    outcome: { kind: 'failed', changed: 'no', error: { status: 400, code: 'INVALID_ENDPOINT', message: 'endpoint is not reachable', traceId: 'abc123' } },
  },
  { operation: sub('_login'), outcome: { kind: 'failed', changed: 'unknown', error: { message: 'timed out after 15 s (5 retries)' } } },
  ...['_a', '_b', '_c'].map((action) => ({ operation: unsub(action), outcome: { kind: 'skipped' as const, reason: MAKE_BEFORE_BREAK } })),
];

describe('renderApplyReport', () => {
  it('counts outcomes and lists every failure with what BioT said', () => {
    expect(renderApplyReport({ results, interrupted: false, elapsedMs: 1234 }, { color: false })).toMatchInlineSnapshot(`
      "Reconcile finished after 1.2 s: 1 ok (1 subscribed, 0 unsubscribed), 1 converged (1 already subscribed, 0 not subscribed), 2 failed, 3 skipped.

      Failed (2):
        + subscribe patient _delete https://u:***@h.example.com/x
            HTTP 400 INVALID_ENDPOINT: endpoint is not reachable (trace id abc123)
        + subscribe patient _login https://h.example.com/p?code=***
            no response: timed out after 15 s (5 retries)
            BioT may have made the change: the state marks it uncertain and the next plan re-asserts it.

      Skipped (3):
        not attempted: a subscribe failed, and unsubscribes wait until every subscribe has succeeded (3):
          - unsubscribe device _a \${BASE}/d
          - unsubscribe device _b \${BASE}/d
          - unsubscribe device _c \${BASE}/d
      "
    `);
  });

  it('says when the run was interrupted, and colours failures', () => {
    const report: ApplyReport = {
      results: [
        { operation: sub('_create'), outcome: { kind: 'ok', status: 201 } },
        { operation: unsub('_x'), outcome: { kind: 'converged', status: 404 } },
        { operation: unsub('_y'), outcome: { kind: 'failed', changed: 'no', error: { status: 403, message: 'forbidden' } } },
        { operation: unsub('_z'), outcome: { kind: 'skipped', reason: 'interrupted before it started' } },
      ],
      interrupted: true,
      elapsedMs: 5_000,
    };
    expect(showAnsi(renderApplyReport(report, { color: true }))).toMatchInlineSnapshot(`
      "<bold>Reconcile interrupted after 5.0 s:</weight> 1 ok (1 subscribed, 0 unsubscribed), 1 converged (0 already subscribed, 1 not subscribed), <red><bold>1 failed</weight></color>, 1 skipped.
      <yellow>Interrupted: no new call was started; the state records the outcome of every call made.</color>

      <red><bold>Failed (1):</weight></color>
      <red>  - unsubscribe device _y \${BASE}/d</color>
            HTTP 403: forbidden

      <yellow>Skipped (1):</color>
        interrupted before it started (1):
          - unsubscribe device _z \${BASE}/d
      "
    `);
  });

  it('lists at most 10 skipped operations per reason', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ operation: unsub(`_${i}`), outcome: { kind: 'skipped' as const, reason: 'interrupted' } }));
    const text = renderApplyReport({ results: many, interrupted: true, elapsedMs: 0 }, { color: false });
    expect(text.split('\n').filter((line) => line.startsWith('    - unsubscribe'))).toHaveLength(10);
    expect(text).toContain('    … and 15 more\n');
  });

  it('never prints raw control characters from BioT or the manifest', () => {
    const report: ApplyReport = {
      results: [
        {
          operation: sub('_x\u001b[2J'),
          outcome: { kind: 'failed', changed: 'no', error: { status: 400, code: 'E\r', message: 'bad\n::error::forged', traceId: 't\u0007' } },
        },
      ],
      interrupted: false,
      elapsedMs: 1,
    };
    const text = renderApplyReport(report, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('HTTP 400 E\\u000d: bad\\u000a::error::forged (trace id t\\u0007)');
  });
});

describe('progress', () => {
  it('prints one line per finished operation', () => {
    expect(results.map((result, i) => renderProgressLine(result, i + 1, results.length)).join('\n')).toMatchInlineSnapshot(`
      "[1/7] + subscribe patient _create https://h.example.com/p?code=***: ok (HTTP 201)
      [2/7] + subscribe patient _update https://h.example.com/p?code=***: already subscribed (HTTP 409)
      [3/7] + subscribe patient _delete https://u:***@h.example.com/x: FAILED: HTTP 400 INVALID_ENDPOINT: endpoint is not reachable (trace id abc123)
      [4/7] + subscribe patient _login https://h.example.com/p?code=***: FAILED: no response: timed out after 15 s (5 retries)
      [5/7] - unsubscribe device _a \${BASE}/d: skipped: not attempted: a subscribe failed, and unsubscribes wait until every subscribe has succeeded
      [6/7] - unsubscribe device _b \${BASE}/d: skipped: not attempted: a subscribe failed, and unsubscribes wait until every subscribe has succeeded
      [7/7] - unsubscribe device _c \${BASE}/d: skipped: not attempted: a subscribe failed, and unsubscribes wait until every subscribe has succeeded"
    `);
    expect(renderProgressLine(results[0]!, 3, 120)).toMatch(/^\[  3\/120\] /);
  });

  it('draws a counter without a newline', () => {
    expect(renderProgressCounter(12, 40, 0)).toBe('Applying: 12/40 (30%)');
    expect(renderProgressCounter(40, 40, 2)).toBe('Applying: 40/40 (100%), 2 failed');
    expect(renderProgressCounter(0, 0, 0)).toBe('Applying: 0/0 (100%)');
  });
});
