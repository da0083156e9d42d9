import { describe, expect, it } from 'vitest';
import { parseTemplate, resolveTemplate, variableNames } from '../../src/manifest/variables.js';

describe('resolveTemplate', () => {
  it('leaves a template without variables as it is', () => {
    expect(resolveTemplate('https://h.example/x?a=$b', {})).toEqual({ ok: true, value: 'https://h.example/x?a=$b', variables: [] });
  });

  it('substitutes ${NAME}', () => {
    expect(resolveTemplate('${BASE}/p/${ID}', { BASE: 'https://h.example', ID: '7' })).toEqual({
      ok: true,
      value: 'https://h.example/p/7',
      variables: ['BASE', 'ID'],
    });
  });

  it('uses the default when the variable is unset or empty, as the shell does', () => {
    expect(resolveTemplate('${A:-https://d.example}/x', {})).toMatchObject({ ok: true, value: 'https://d.example/x' });
    expect(resolveTemplate('${A:-https://d.example}/x', { A: '' })).toMatchObject({ ok: true, value: 'https://d.example/x' });
    expect(resolveTemplate('${A:-https://d.example}/x', { A: 'https://a.example' })).toMatchObject({
      ok: true,
      value: 'https://a.example/x',
    });
  });

  it('accepts an empty default', () => {
    expect(resolveTemplate('https://h.example/x${SUFFIX:-}', {})).toEqual({
      ok: true,
      value: 'https://h.example/x',
      variables: ['SUFFIX'],
    });
  });

  it('treats a set but empty variable without default as missing (a secret not configured in CI)', () => {
    expect(resolveTemplate('https://h.example/${A}x', { A: '' })).toMatchObject({ ok: false, missing: ['A'] });
    expect(resolveTemplate('https://h.example/${A:-}x', { A: '' })).toMatchObject({ ok: true, value: 'https://h.example/x' });
  });

  it('names every unset variable without default, once', () => {
    expect(resolveTemplate('${A}/${B:-b}/${C}/${A}', {})).toEqual({ ok: false, missing: ['A', 'C'], variables: ['A', 'B', 'C'] });
  });

  it('does not find names on Object.prototype', () => {
    expect(resolveTemplate('${constructor}', {})).toMatchObject({ ok: false, missing: ['constructor'] });
  });

  it('rejects an unterminated ${', () => {
    const r = resolveTemplate('https://h.example/${A', { A: 'x' });
    expect(r).toMatchObject({ ok: false, missing: [] });
    expect(r.ok ? '' : r.syntaxError).toContain('unterminated `${`');
  });

  it('rejects a malformed name and a nested default', () => {
    const bad = resolveTemplate('${A-x}', {});
    expect(bad.ok ? '' : bad.syntaxError).toContain('`${A-x}` is not a variable reference');
    const nested = resolveTemplate('${A:-${B}}', {});
    expect(nested.ok ? '' : nested.syntaxError).toContain('cannot hold another variable');
    expect(resolveTemplate('${}', {}).ok).toBe(false);
  });

  it('takes the default up to the first }', () => {
    expect(resolveTemplate('${A:-x}y}', {})).toMatchObject({ ok: true, value: 'xy}' });
  });
});

describe('variableNames / parseTemplate', () => {
  it('lists names in order of first appearance', () => {
    expect(variableNames('${B}${A:-a}${B}')).toEqual(['B', 'A']);
    expect(variableNames('https://h.example')).toEqual([]);
  });

  it('splits a template into parts', () => {
    expect(parseTemplate('a${B:-c}d')).toEqual({
      ok: true,
      parts: [{ literal: 'a' }, { name: 'B', default: 'c' }, { literal: 'd' }],
      variables: ['B'],
    });
  });
});
