import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation, Plan } from '../../src/plan/types.js';
import { PLAN_COMMENT_MARKER, renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import type { SubscriptionRef } from '../../src/subscription.js';
import { makePlan, ref, REFUSAL, samplePlan } from './plan-fixtures.js';

type Subscribe = Extract<Operation, { kind: 'subscribe' }>;

const OUR_TAGS = [PLAN_COMMENT_MARKER, '<code>', '</code>', '<details>', '</details>', '<summary>', '</summary>'];

/** Structural checks a PR comment must pass whatever was cut: GitHub would render it as meant. */
function expectWellFormed(md: string, maxChars: number): void {
  expect(md.length).toBeLessThanOrEqual(maxChars);
  expect(md.split('\n')[0]).toBe(PLAN_COMMENT_MARKER);
  expect(md.split(PLAN_COMMENT_MARKER)).toHaveLength(2);
  expect(md.split('<details>').length).toBe(md.split('</details>').length);
  expect(md.split('<code>').length).toBe(md.split('</code>').length);
  // The only HTML is ours: every other `<` came from the manifest and must be an entity.
  let rest = md;
  for (const tag of OUR_TAGS) rest = rest.replaceAll(tag, '');
  expect(rest).not.toContain('<');
  for (const line of md.split('\n').filter((l) => l.startsWith('|'))) {
    const pipes = line.split('|').length - 1;
    // A change row has 5 cells, an unchanged row 3: a row cut short or split would differ.
    expect([4, 6]).toContain(pipes);
    expect(line.endsWith(' |') || line.endsWith('---|')).toBe(true);
  }
}

function subscribes(n: number, endpoint = (i: number) => `https://hooks.example.com/biot/${i}?code=s${i}`): Subscribe[] {
  return Array.from({ length: n }, (_, i) => ({ kind: 'subscribe' as const, ref: ref('patient', `_action${i}`, endpoint(i)), reason: 'new' as const }));
}

function unchanged(n: number): SubscriptionRef[] {
  return Array.from({ length: n }, (_, i) => ref('device', `_action${i}`, `\${PLUGIN_BASE_URL}/device/${i}`));
}

describe('renderPlanMarkdown', () => {
  it('renders marker, summary, a table of changes and the unchanged ones collapsed', () => {
    expect(renderPlanMarkdown(samplePlan())).toMatchInlineSnapshot(`
      "<!-- biot-subs-plan -->
      ### biot-subs plan

      **Plan: 3 to subscribe, 2 to unsubscribe (1 blocked), 2 unchanged.**

      Target <code>https&#58;//api.dev.example.com</code>, state serial 7.

      | | entity | action | endpoint | reason |
      |---|---|---|---|---|
      | ➕ | <code>command</code> | <code>&#95;create</code> | <code>https&#58;//fn.azurewebsites.net/api/cmd?code=&#36;{HOOK&#95;KEY}</code> | new |
      | ➕ | <code>device</code> | <code>&#95;create</code> | <code>&#36;{PLUGIN&#95;BASE&#95;URL}/device</code> | resync |
      | ➕ | <code>patient</code> | <code>&#95;update</code> | <code>https&#58;//hooks.example.com/biot/patient?code=&#42;&#42;&#42;&#38;v=&#42;&#42;&#42;</code> | uncertain&#58; re-asserting |
      | ➖ | <code>patient</code> | <code>&#95;delete</code> | <code>https&#58;//user&#58;&#42;&#42;&#42;&#64;hooks.example.com/old</code> | removed |
      | ➖ | <code>device</code> | <code>&#95;delete</code> | <code>&#36;{OLD&#95;BASE}/device</code> | ⚠️ blocked, will fail&#58; cannot unsubscribe&#58; &#36;{OLD&#95;BASE} is not set |

      <details><summary>2 unchanged</summary>

      | entity | action | endpoint |
      |---|---|---|
      | <code>patient</code> | <code>&#95;create</code> | <code>https&#58;//hooks.example.com/biot/patient</code> |
      | <code>patient</code> | <code>&#95;delete</code> | <code>https&#58;//hooks.example.com/biot/patient</code> |

      </details>
      "
    `);
  });

  it('puts the refusal first, as a warning, and takes a title', () => {
    const plan = makePlan({
      unsubscribes: [{ kind: 'unsubscribe', ref: ref('patient', '_delete', 'https://h.example.com/a'), reason: 'uncertain' }],
      refusal: REFUSAL,
    });
    expect(renderPlanMarkdown(plan, { title: 'biot-subs plan: prod' })).toMatchInlineSnapshot(`
      "<!-- biot-subs-plan -->
      ### biot-subs plan&#58; prod

      **Plan: 0 to subscribe, 1 to unsubscribe, 0 unchanged.**

      Target <code>https&#58;//api.dev.example.com</code>, state serial 7.

      > [!WARNING]
      > **reconcile will refuse this plan &#40;mass delete&#41;**
      > the plan would unsubscribe 6 of 8 applied subscriptions &#40;75%&#41;, more than --max-delete-percent 25%; if that is intended, run again with --allow-mass-delete

      | | entity | action | endpoint | reason |
      |---|---|---|---|---|
      | ➖ | <code>patient</code> | <code>&#95;delete</code> | <code>https&#58;//h.example.com/a</code> | uncertain&#58; re-asserting |
      "
    `);
  });

  it('says so when there is nothing to change', () => {
    const plan = makePlan({ unchanged: unchanged(1), target: null, serial: null });
    expect(renderPlanMarkdown(plan)).toMatchInlineSnapshot(`
      "<!-- biot-subs-plan -->
      ### biot-subs plan

      **No changes. The state matches subscriptions.yaml (1 subscription).**

      No target yet, no state yet.

      <details><summary>1 unchanged</summary>

      | entity | action | endpoint |
      |---|---|---|
      | <code>device</code> | <code>&#95;action0</code> | <code>&#36;{PLUGIN&#95;BASE&#95;URL}/device/0</code> |

      </details>
      "
    `);
  });

  it('shows where it cut', () => {
    const plan = makePlan({ subscribes: subscribes(12), unchanged: unchanged(5) });
    expect(renderPlanMarkdown(plan, { maxChars: 1_500 })).toMatchInlineSnapshot(`
      "<!-- biot-subs-plan -->
      ### biot-subs plan

      **Plan: 12 to subscribe, 0 to unsubscribe, 5 unchanged.**

      Target <code>https&#58;//api.dev.example.com</code>, state serial 7.

      | | entity | action | endpoint | reason |
      |---|---|---|---|---|
      | ➕ | <code>patient</code> | <code>&#95;action0</code> | <code>https&#58;//hooks.example.com/biot/0?code=&#42;&#42;&#42;</code> | new |
      | ➕ | <code>patient</code> | <code>&#95;action1</code> | <code>https&#58;//hooks.example.com/biot/1?code=&#42;&#42;&#42;</code> | new |
      | ➕ | <code>patient</code> | <code>&#95;action2</code> | <code>https&#58;//hooks.example.com/biot/2?code=&#42;&#42;&#42;</code> | new |
      | ➕ | <code>patient</code> | <code>&#95;action3</code> | <code>https&#58;//hooks.example.com/biot/3?code=&#42;&#42;&#42;</code> | new |
      | ➕ | <code>patient</code> | <code>&#95;action4</code> | <code>https&#58;//hooks.example.com/biot/4?code=&#42;&#42;&#42;</code> | new |
      | ➕ | <code>patient</code> | <code>&#95;action5</code> | <code>https&#58;//hooks.example.com/biot/5?code=&#42;&#42;&#42;</code> | new |
      | ➕ | <code>patient</code> | <code>&#95;action6</code> | <code>https&#58;//hooks.example.com/biot/6?code=&#42;&#42;&#42;</code> | new |

      … and 5 more changes not shown (the full plan: \`biot-subs plan\` or the job log)

      <details><summary>5 unchanged</summary>

      … and 5 more unchanged not shown (the full plan: \`biot-subs plan\` or the job log)

      </details>
      "
    `);
  });

  it('cuts unchanged entries first and says how many are not shown', () => {
    const plan = makePlan({ subscribes: subscribes(3), unchanged: unchanged(100_000) });
    const md = renderPlanMarkdown(plan);
    expectWellFormed(md, 60_000);
    expect(md.split('\n').filter((l) => l.startsWith('| ➕'))).toHaveLength(3);
    expect(md).toContain('<details><summary>100000 unchanged</summary>');
    expect(md).toMatch(/\n… and \d+ more unchanged not shown \(the full plan: `biot-subs plan` or the job log\)\n\n<\/details>\n$/);
    expect(md.length).toBeGreaterThan(55_000); // cut near the cap, not far before it
  });

  it('then cuts changes, and never exceeds the cap, for 100k entries', () => {
    const plan = makePlan({ subscribes: subscribes(100_000), unchanged: unchanged(100_000) });
    const md = renderPlanMarkdown(plan);
    expectWellFormed(md, 60_000);
    const shown = md.split('\n').filter((l) => l.startsWith('| ➕')).length;
    expect(shown).toBeGreaterThan(100);
    expect(md).toContain(`\n… and ${100_000 - shown} more changes not shown (the full plan: \`biot-subs plan\` or the job log)\n`);
    expect(md).not.toContain('| entity | action | endpoint |\n'); // no unchanged rows while changes are cut
    expect(md).toContain('… and 100000 more unchanged not shown');
    expect(md.endsWith('</details>\n')).toBe(true);
  });

  it('stays within any cap and well formed, whatever the sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1_000, max: 20_000 }),
        fc.boolean(),
        (changes, same, maxChars, refused) => {
          const plan = makePlan({ subscribes: subscribes(changes), unchanged: unchanged(same), refusal: refused ? REFUSAL : null });
          expectWellFormed(renderPlanMarkdown(plan, { maxChars }), maxChars);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('falls back to marker and summary when even the heading does not fit', () => {
    const md = renderPlanMarkdown(makePlan({ subscribes: subscribes(2) }), { maxChars: 1_000, title: 'x'.repeat(2_000) });
    expect(md).toMatchInlineSnapshot(`
      "<!-- biot-subs-plan -->
      **Plan: 2 to subscribe, 0 to unsubscribe, 0 unchanged.**

      The plan is too large to show here (the full plan: \`biot-subs plan\` or the job log).
      "
    `);
    expect(() => renderPlanMarkdown(makePlan({}), { maxChars: 999 })).toThrow(RangeError);
  });

  it('lets no manifest text inject markup, whatever it holds', () => {
    const hostile = [
      '</details><!-- biot-subs-plan -->',
      '`x` | y | <img src=x onerror=alert(1)>',
      '@octocat [link](https://evil.example) ![img](https://evil.example/p.png)',
      'line\n# Heading\n| a | b |',
      '*bold* _it_ ~~s~~ <script>alert(1)</script> &amp; \\| www.evil.example',
    ];
    const plan: Plan = makePlan({
      subscribes: hostile.map((text) => ({ kind: 'subscribe' as const, ref: ref(text, text, `https://h.example.com/${text}?q=${text}`), reason: 'new' as const })),
      unsubscribes: [
        {
          kind: 'unsubscribe',
          ref: ref('patient', '_delete', '${X}/x'),
          reason: 'removed',
          blocked: { variables: ['X'], message: hostile.join(' ') },
        },
      ],
      unchanged: hostile.map((text) => ref(text, text, text)),
      target: 'https://api.example.com/<!-- biot-subs-plan -->',
    });
    const md = renderPlanMarkdown(plan, { title: hostile.join(' '), manifest: '</details>.yaml' });
    expectWellFormed(md, 60_000);
    expect(md).not.toContain('`x`');
    expect(md).not.toContain('](');
    expect(md).not.toContain('@octocat');
    expect(md.split('\n').filter((line) => line.startsWith('#'))).toHaveLength(1); // our heading only
    expect(md).not.toContain('*bold*');
    expect(md).toContain('<code>&#96;x&#96; &#124; y &#124; &#60;img src=x onerror=alert&#40;1&#41;&#62;</code>');
    expect(md).toContain('&#64;&#8203;octocat'); // plain text: no mention
    expect(md).not.toMatch(/www\.evil/i); // no autolink
  });
});
