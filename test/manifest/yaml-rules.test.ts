import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES } from '../../src/manifest/limits.js';
import { manifestOf, problemsOf, subscriptionsYaml, yaml } from './helpers.js';

describe('YAML', () => {
  it('reports a syntax error at its line and column', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionName: "_create', '    endpoint: https://h.example/x')),
    ).toEqual(['6:1: YAML syntax error: Missing closing "quote']);
    expect(problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionName: _create: x'))).toEqual([
      '4:17: YAML syntax error: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('reports the first YAML error of a line, not the follow-on errors after it on that line', () => {
    const long = 'y'.repeat(500);
    // One error at `]`, one for the scalar after it.
    expect(problemsOf(yaml('version: 1', 'subscriptions: []', `] ${long}`))).toEqual([
      '3:1: YAML syntax error: Unexpected flow-seq-end token in YAML stream: "]"',
      '3:3: 1 more YAML error not shown: they often follow from the ones above, so fix those first',
    ]);
  });

  it('reports at most 10 YAML errors, then how many more there are', () => {
    const lines = Array.from({ length: 15 }, (_, i) => `k${i}: a: b`);
    const problems = problemsOf(yaml('version: 1', 'subscriptions: []', ...lines));
    expect(problems).toHaveLength(11);
    expect(problems.slice(0, 10).every((p) => p.includes('YAML syntax error: Nested mappings are not allowed'))).toBe(true);
    expect(problems[9]).toMatch(/^12:5: /);
    expect(problems[10]).toBe('17:6: 5 more YAML errors not shown: they often follow from the ones above, so fix those first');
  });

  it('cuts a YAML error quoting a long token', () => {
    const long = 'y'.repeat(5000);
    const problems = problemsOf(yaml('version: 1', 'subscriptions: []', ']', long));
    expect(problems[0]).toBe('3:1: YAML syntax error: Unexpected flow-seq-end token in YAML stream: "]"');
    expect(problems[1]).toMatch(/^4:1: YAML syntax error: Unexpected scalar token in YAML stream: "y+…$/);
    expect(problems[1]?.length).toBeLessThan(250);
  });

  it('rejects a duplicate key at the second one, naming the first', () => {
    expect(
      problemsOf(
        subscriptionsYaml(
          '  - entityTypeName: patient',
          '    actionName: _create',
          '    endpoint: https://h.example/a',
          '    endpoint: https://h.example/b',
        ),
      ),
    ).toEqual(['6:5: duplicate key `endpoint` (first at line 5:5)']);
    expect(problemsOf(yaml('version: 1', 'version: 1', 'subscriptions: []'))).toEqual(['2:1: duplicate key `version` (first at line 1:1)']);
  });

  it('rejects more than one document', () => {
    expect(problemsOf(yaml('version: 1', 'subscriptions: []', '---', 'version: 1'))).toEqual([
      '3:1: the manifest must be a single YAML document (remove this `---` and what follows)',
    ]);
  });

  it('rejects tags it does not resolve', () => {
    expect(problemsOf(yaml('version: 1', 'subscriptions: !!set {}'))).toEqual([
      '2:16: YAML: Unresolved tag: tag:yaml.org,2002:set',
      '2:22: `subscriptions` must be a list, not a mapping',
    ]);
  });

  it('resolves aliases, reporting each where it is used', () => {
    const entries = Array.from({ length: 150 }, (_, i) => [
      '  - entityTypeName: patient',
      `    actionName: ${i === 0 ? '&create _create' : '*create'}`,
      `    endpoint: ${i === 0 ? '&hook https://h.example/' : '*hook'}`,
    ]).flat();
    // 150 uses of one anchor: more than yaml's own maxAliasCount default allows.
    const text = yaml('version: 1', 'subscriptions:', ...entries);
    const problems = problemsOf(text);
    expect(problems).toHaveLength(149);
    // The anchored node starts after its anchor; each alias is reported where it stands.
    expect(problems[0]).toBe('7:17: `patient` `_create` → `https://h.example/` is listed twice (duplicate of line 4:25)');
  });

  it('resolves an aliased list of actions', () => {
    const m = manifestOf(
      subscriptionsYaml(
        '  - entityTypeName: patient',
        '    actionNames: &crud [_create, _update]',
        '    endpoint: https://h.example/p',
        '  - entityTypeName: caregiver',
        '    actionNames: *crud',
        '    endpoint: https://h.example/c',
      ),
    );
    expect(m.subscriptions.map((s, i) => `${s.entityTypeName} ${s.actionName} ${m.locations[i]?.line}:${m.locations[i]?.col}`)).toEqual([
      'patient _create 4:25',
      'patient _update 4:34',
      'caregiver _create 7:18',
      'caregiver _update 7:18',
    ]);
  });

  it('rejects an alias without anchor', () => {
    expect(problemsOf(yaml('version: 1', 'subscriptions: *nope'))[0]).toBe('2:16: unknown alias `*nope` (no anchor `&nope` before it)');
  });

  it('rejects an alias bomb quickly', () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`);
    }
    // Unbounded, the expansion would never end: the test's timeout is the check, not a clock.
    const problems = problemsOf(yaml('version: 1', ...levels, 'subscriptions: []'));
    // Reported at the alias (the 8th on the `e` line) where the expansion passes the bound.
    expect(problems).toEqual(['6:36: aliases expand to more than 100000 YAML nodes (an alias bomb?); write the manifest out instead']);
  });

  it('rejects nesting deeper than 64 levels without recursing into it', () => {
    expect(problemsOf(yaml('version: 1', `subscriptions: ${'['.repeat(100)}${']'.repeat(100)}`))).toEqual([
      '2:80: the YAML is nested more than 64 levels deep',
    ]);
    // Deep enough to overflow the stack of a recursive composer.
    const deep = problemsOf(`version: 1\nsubscriptions: ${'['.repeat(200_000)}`);
    expect(deep[0]).toContain('nested more than 64 levels deep');
  });

  it('counts block nesting the same way, at the first mapping past 64 levels', () => {
    const nested = (levels: number): string =>
      yaml('version: 1', 'subscriptions: []', ...Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`), `${' '.repeat(levels)}leaf`);
    // 65 mappings: the document's own and 64 nested in it.
    expect(problemsOf(nested(65))[0]).toMatch(/^3:1: unknown key `k0`/);
    expect(problemsOf(nested(66))).toEqual(['68:66: the YAML is nested more than 64 levels deep']);
    // A scalar in the deepest mapping allowed is not a level of its own.
    expect(problemsOf(yaml('version: 1', 'subscriptions: []', 'x:', `${'- '.repeat(64)}a`))[0]).toMatch(/^3:1: unknown key `x`/);
    expect(problemsOf(yaml('version: 1', 'subscriptions: []', 'x:', `${'- '.repeat(65)}a`))).toEqual(['4:129: the YAML is nested more than 64 levels deep']);
    // Nor is a quoted one.
    expect(problemsOf(yaml('version: 1', 'subscriptions: []', `x: ${'['.repeat(64)}"a"${']'.repeat(64)}`))[0]).toMatch(/^3:1: unknown key `x`/);
    // A collection written as a key is wrapped in a mapping after it is read: that level goes
    // uncounted, and the key is refused anyway.
    expect(problemsOf(`${nested(64).trimEnd().replace(/leaf$/, '[a]: leaf')}\n`)).toEqual([
      '3:1: unknown key `k0` (expected `version`, `policy`, `extraActions`, `subscriptions`)',
      '67:65: keys must be plain names, not collections, aliases or tagged values',
    ]);
  });

  it('handles large mappings of unknown and duplicate keys in linear time', () => {
    // yaml's own uniqueKeys check needs about a minute here (it compares each key with all before
    // it), past the test's timeout.
    const keys = Array.from({ length: 30_000 }, (_, i) => `k${i}: 1`);
    const problems = problemsOf(yaml('version: 1', ...keys, ...keys, 'subscriptions: []'));
    expect(problems).toHaveLength(60_000);
    expect(problems[30_000]).toBe('30002:1: duplicate key `k0` (first at line 2:1)');
  });
});

describe('size', () => {
  it('rejects text over 1 MiB before parsing it', () => {
    // Parsed, this text would also be nested too deep: the size is the only problem reported.
    expect(problemsOf(`${'['.repeat(MAX_MANIFEST_BYTES)}x`)).toEqual([
      '1:1: the manifest is 1048577 bytes; the limit is 1048576 bytes (1 MiB)',
    ]);
  });

  it('counts bytes, not characters', () => {
    expect(problemsOf(`# ${'é'.repeat(MAX_MANIFEST_BYTES / 2)}\n`)[0]).toContain('the limit is 1048576 bytes');
  });
});

describe('anchors on keys', () => {
  it('lets an alias stand for an anchored key', () => {
    const m = manifestOf(
      yaml(
        'version: 1',
        'extraActions:',
        '  &p patient: [_consent]',
        'subscriptions:',
        '  - entityTypeName: *p',
        '    actionName: _consent',
        '    endpoint: https://h.example/x',
      ),
    );
    expect(m.subscriptions.map((s) => `${s.entityTypeName} ${s.actionName}`)).toEqual(['patient _consent']);
  });
});
