import { describe, expect, it } from 'vitest';
import { problemsOf, subscriptionsYaml, yaml } from './helpers.js';

describe('shape problems (schema), each at its node', () => {
  it('names an unknown key at the key, with the closest valid ones', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionname: _create', '    endpoint: https://h.example/x')),
    ).toEqual([
      '3:5: give `actionName` (one action) or `actionNames` (a list of actions)',
      '4:5: unknown key `actionname` (did you mean `actionName` or `actionNames`?)',
    ]);
    expect(problemsOf(yaml('version: 1', 'polcy: {}', 'subscriptions: []'))).toEqual(['2:1: unknown key `polcy` (did you mean `policy`?)']);
    expect(problemsOf(yaml('version: 1', 'policy:', '  allowHTTP: true', 'subscriptions: []'))).toEqual([
      '3:3: unknown key `allowHTTP` (did you mean `allowHttp`?)',
    ]);
  });

  it('lists the valid keys when no name is close, and explains merge keys', () => {
    expect(problemsOf(yaml('version: 1', 'zzz: 1', 'subscriptions: []'))).toEqual([
      '2:1: unknown key `zzz` (expected `version`, `policy`, `extraActions`, `subscriptions`)',
    ]);
    expect(problemsOf(yaml('version: 1', '<<: {}', 'subscriptions: []'))).toEqual([
      '2:1: unknown key `<<` (YAML merge keys are not supported: write the keys out)',
    ]);
  });

  it('says which type a value must have, at the value', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionName: [_create]', '    endpoint: https://h.example/x')),
    ).toEqual(['4:17: `actionName` must be a string, not a list (for several actions use `actionNames`)']);
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: 42', '    actionName: _create', '    endpoint: https://h.example/x')),
    ).toEqual(['3:21: `entityTypeName` must be a string, not a number (quote it to make it a string)']);
    expect(problemsOf(yaml('version: 1', 'policy:', '  allowHttp: "yes"', 'subscriptions: []'))).toEqual([
      '3:14: `allowHttp` must be true or false, not a string',
    ]);
    expect(problemsOf(subscriptionsYaml('  - 5'))).toEqual(['3:5: subscription #1 must be a mapping, not a number']);
    expect(problemsOf(subscriptionsYaml('  patient: x'))).toEqual(['3:3: `subscriptions` must be a list, not a mapping']);
  });

  it('shows an empty value at its key', () => {
    expect(problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionName: _create', '    endpoint:'))).toEqual([
      '5:5: `endpoint` must be a string, not empty',
    ]);
  });

  it('rejects actionName together with actionNames, at the second', () => {
    expect(
      problemsOf(
        subscriptionsYaml(
          '  - entityTypeName: patient',
          '    actionName: _create',
          '    actionNames: [_update]',
          '    endpoint: https://h.example/x',
        ),
      ),
    ).toEqual(['5:5: give `actionName` or `actionNames`, not both']);
  });

  it('points a missing key at the mapping that lacks it', () => {
    expect(problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionName: _create'))).toEqual([
      '3:5: subscription #1 has no `endpoint`',
    ]);
    expect(problemsOf(yaml('subscriptions: []'))).toEqual(['1:1: the manifest has no `version` (add `version: 1`)']);
  });

  it('requires version 1', () => {
    expect(problemsOf(yaml('version: 2', 'subscriptions: []'))).toEqual(['1:10: `version` must be 1']);
  });

  it('requires at least one action in actionNames', () => {
    expect(
      problemsOf(subscriptionsYaml('  - entityTypeName: patient', '    actionNames: []', '    endpoint: https://h.example/x')),
    ).toEqual(['4:18: `actionNames` must list at least one action']);
  });

  it('rejects malformed action names, entity names and host patterns', () => {
    expect(
      problemsOf(
        yaml(
          'version: 1',
          'policy:',
          '  allowedHosts: ["h.example/x", "h.example:8443"]',
          'extraActions:',
          '  patient: ["*"]',
          '  "lab result": [_x]',
          'subscriptions:',
          '  - entityTypeName: patient',
          '    actionNames: [_create, "_up date"]',
          '    endpoint: https://h.example/x',
        ),
      ),
    ).toEqual([
      '3:18: `h.example/x` is not a host pattern: write a host name such as `hooks.example.com`, or `*.example.com` for its subdomains',
      '3:33: `h.example:8443` is not a host pattern: write a host name such as `hooks.example.com` (no port), or `*.example.com` for its subdomains',
      '5:13: `*` is not an action name (such as `_create`)',
      '6:3: `lab result` is not an entity type name (such as `patient`)',
      '9:28: `_up date` is not an action name (such as `_create`, or `*` for all)',
    ]);
  });

  it('requires a mapping at the top', () => {
    expect(problemsOf(yaml('- a'))).toEqual(['1:1: the manifest must be a mapping with `version: 1` and `subscriptions`, not a list']);
    expect(problemsOf('')).toEqual(['1:1: the manifest must be a mapping with `version: 1` and `subscriptions`, not empty']);
  });
});
