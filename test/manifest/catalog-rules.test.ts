import { describe, expect, it } from 'vitest';
import { actionsOf } from '../../src/catalog/catalog.js';
import { checkManifestText } from '../../src/manifest/check-manifest-text.js';
import { FILE, manifestOf, problemsOf, subscriptionsYaml, yaml } from './helpers.js';

const triples = (text: string): string[] => manifestOf(text).subscriptions.map((s) => `${s.entityTypeName} ${s.actionName}`);

describe('entities and actions', () => {
  it('rejects an unknown entity at its name, with the closest ones', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: pateint', '    actionName: _create', '    endpoint: https://h.example/x')),
    ).toEqual(['3:21: unknown entity type `pateint` (did you mean `patient`?)']);
  });

  it('points to extraActions when no entity is close', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: firmware', '    actionName: _create', '    endpoint: https://h.example/x')),
    ).toEqual(['3:21: unknown entity type `firmware` (see `biot-subs catalog`; a newer one can be declared under `extraActions`)']);
  });

  it('rejects unknown actions at each action, with the closest ones', () => {
    expect(
      problemsOf(
        subscriptionsYaml(
          '  - entityTypeName: patient',
          '    actionNames: [_create, create, _saveMeasurment, _fooBar]',
          '    endpoint: https://h.example/x',
        ),
      ),
    ).toEqual([
      '4:28: unknown action `create` for `patient` (did you mean `_create`?)',
      '4:36: unknown action `_saveMeasurment` for `patient` (did you mean `_saveMeasurement`?)',
      '4:53: unknown action `_fooBar` for `patient` (a newer action can be declared under `extraActions.patient`)',
    ]);
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: device', '    actionName: _Create', '    endpoint: https://h.example/x')),
    ).toEqual(['4:17: unknown action `_Create` for `device` (did you mean `_create`?)']);
  });

  it('accepts extraActions for catalog entities and for new entities', () => {
    const text = yaml(
      'version: 1',
      'extraActions:',
      '  patient: [_consent]',
      '  lab-result: [_create, _approve]',
      'subscriptions:',
      '  - entityTypeName: patient',
      '    actionName: _consent',
      '    endpoint: https://h.example/p',
      '  - entityTypeName: lab-result',
      '    actionNames: ["*"]',
      '    endpoint: https://h.example/l',
    );
    expect(triples(text)).toEqual(['patient _consent', 'lab-result _create', 'lab-result _approve']);
    expect(manifestOf(text).extraActions).toEqual({ patient: ['_consent'], 'lab-result': ['_create', '_approve'] });
  });

  it('expands "*" to the catalog actions plus the extra ones, at the * node', () => {
    const m = manifestOf(
      yaml(
        'version: 1',
        'extraActions:',
        '  command: [_retry]',
        'subscriptions:',
        '  - entityTypeName: command',
        '    actionNames: ["*"]',
        '    endpoint: https://h.example/c',
      ),
    );
    expect(m.subscriptions.map((s) => s.actionName)).toEqual(['_create', '_update', '_start', '_stop', '_delete', '_retry']);
    expect(m.locations).toHaveLength(6);
    for (const location of m.locations) expect(location).toEqual({ file: 'subs.yaml', line: 6, col: 19 });
  });

  it('rejects "*" for an entity without actions', () => {
    expect(
      problemsOf(
        yaml('version: 1', 'extraActions:', '  lab-result: []', 'subscriptions:', '  - entityTypeName: lab-result', '    actionName: "*"', '    endpoint: https://h.example/l'),
      ),
    ).toEqual(['6:17: `*` stands for no action here: `lab-result` has none']);
  });
});

describe('duplicates', () => {
  const twice = (second: string): string =>
    subscriptionsYaml(
      '  - entityTypeName: patient',
      '    actionNames: [_create, _update]',
      '    endpoint: https://h.example/p',
      '  - entityTypeName: patient',
      '    actionName: _update',
      `    endpoint: ${second}`,
    );

  it('rejects a triple listed twice, naming both places', () => {
    expect(problemsOf(twice('https://h.example/p'))).toEqual([
      '7:17: `patient` `_update` → `https://h.example/p` is listed twice (duplicate of line 4:28)',
    ]);
  });

  it('compares endpoints once resolved', () => {
    expect(problemsOf(twice('${BASE:-https://h.example}/p'))).toEqual([
      '7:17: `patient` `_update` → `${BASE:-https://h.example}/p` is listed twice (duplicate of line 4:28)',
    ]);
    expect(problemsOf(twice('${BASE:-https://h.example}/p'), { BASE: 'https://other.example' })).toEqual([]);
    // The template first and the literal URL second: counted as one URL all the same.
    const templateFirst = subscriptionsYaml(
      '  - entityTypeName: patient',
      '    actionName: _update',
      '    endpoint: ${BASE:-https://h.example}/p',
      '  - entityTypeName: patient',
      '    actionName: _update',
      '    endpoint: https://h.example/p',
    );
    expect(problemsOf(templateFirst)).toEqual(['7:17: `patient` `_update` → `https://h.example/p` is listed twice (duplicate of line 4:17)']);
  });

  it('catches a duplicate inside one entry, "*" included', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: command', '    actionNames: ["*", _stop]', '    endpoint: https://h.example/c')),
    ).toEqual(['4:24: `command` `_stop` → `https://h.example/c` is listed twice (duplicate of line 4:19)']);
  });

  it('passes on the actions of "*" that are not repeats, and only those', () => {
    const text = subscriptionsYaml('  - entityTypeName: command', '    actionNames: [_stop, "*"]', '    endpoint: https://h.example/c');
    const given: string[][] = [];
    const checked = checkManifestText(text, FILE, {}, (_entity, actionNames) => given.push([...actionNames]));
    expect(checked.ok).toBe(false);
    expect(given).toEqual([['_stop'], actionsOf('command').filter((action) => action !== '_stop')]);
  });
});
