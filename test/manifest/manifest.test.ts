import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load-manifest.js';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { variableNames } from '../../src/manifest/variables.js';
import { sha256Hex } from '../../src/sha256.js';
import { FILE, manifestOf, problemsOf, yaml } from './helpers.js';

describe('parseManifest', () => {
  it('reports every problem at once, in file order', () => {
    const text = yaml(
      'version: 1',
      'policy:',
      '  allowedHosts: ["*.example.com"]',
      'subscriptions:',
      '  - entityTypeName: devise',
      '    actionName: _create',
      '    endpoint: https://a.example.com/x',
      '  - entityTypeName: patient',
      '    actionNames: [_create, _Delete]',
      '    endpoint: https://other.example.org/x',
      '  - entityTypeName: patient',
      '    actionName: _create',
      '    endpoint: ${HOOK}',
      '  - entityTypeName: patient',
      '    actionName: _create',
      '    endpont: https://a.example.com/x',
    );
    expect(problemsOf(text)).toEqual([
      '5:21: unknown entity type `devise` (did you mean `device`?)',
      '9:28: unknown action `_Delete` for `patient` (did you mean `_delete`?)',
      '10:15: endpoint `https://other.example.org/x`: host `other.example.org` is not in `policy.allowedHosts` (`*.example.com`)',
      '13:15: endpoint `${HOOK}` uses ${HOOK}, which is not set or empty (set it, or give a default: `${NAME:-default}`)',
      '14:5: subscription #4 has no `endpoint`',
      '16:5: unknown key `endpont` (did you mean `endpoint`?)',
    ]);
  });

  it('returns the manifest: policy, extraActions, hash and triples in file order', () => {
    const text = yaml(
      'version: 1',
      'policy: { allowedHosts: [h.example], allowHttp: true }',
      'extraActions: { device: [_ping] }',
      'subscriptions:',
      '  - { entityTypeName: device, actionNames: [_ping, _create], endpoint: "${BASE:-http://h.example}/d" }',
    );
    const m = manifestOf(text);
    expect(m).toMatchObject({
      file: FILE,
      sha256: sha256Hex(text),
      policy: { allowedHosts: ['h.example'], allowHttp: true },
      extraActions: { device: ['_ping'] },
    });
    expect(m.subscriptions.map((s, i) => [s.actionName, m.locations[i]?.col, s.endpointSha256])).toEqual([
      ['_ping', 45, sha256Hex('http://h.example/d')],
      ['_create', 52, sha256Hex('http://h.example/d')],
    ]);
  });

  it('accepts an empty subscriptions list and leaves the policy open by default', () => {
    expect(manifestOf(yaml('version: 1', 'subscriptions: []'))).toMatchObject({
      policy: { allowHttp: false },
      extraActions: {},
      subscriptions: [],
    });
  });
});

describe('the example subscriptions.yaml', () => {
  it('validates with no variable set', async () => {
    const result = await loadManifest('subscriptions.yaml', {});
    if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
    const { manifest } = result;
    expect(manifest.subscriptions.length).toBeGreaterThanOrEqual(35);
    expect(manifest.subscriptions.length).toBeLessThanOrEqual(50);
    expect(manifest.policy).toEqual({ allowedHosts: ['*.acme-cardio.example', 'acme-cardio-commands.azurewebsites.net'], allowHttp: false });
  });

  it('starts with the schema modeline and uses every form', () => {
    const text = readFileSync('subscriptions.yaml', 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/subscriptions.schema.json');
    for (const form of ['actionName: ', 'actionNames: [', 'actionNames: ["*"]', ':-https://', 'extraActions:', 'allowedHosts:']) {
      expect(text).toContain(form);
    }
    const m = parseManifest(text, 'subscriptions.yaml', {});
    expect(m.ok && m.manifest.subscriptions.some((s) => variableNames(s.endpoint).length > 0)).toBe(true);
  });

  it('takes values from the environment when they are set', () => {
    const text = readFileSync('subscriptions.yaml', 'utf8');
    const m = manifestOf(text, { EHR_SYNC_URL: 'https://ehr.acme-cardio.example/v2' });
    expect(m.resolvedEndpoints.get(m.subscriptions[0]?.endpointSha256 ?? '')).toBe('https://ehr.acme-cardio.example/v2/patient');
  });
});

describe('endpointSha256', () => {
  it('is the hex SHA-256 of the UTF-8 resolved URL', async () => {
    const { createHash } = await import('node:crypto');
    const url = 'https://h.example/é?x=ü';
    expect(sha256Hex(url)).toBe(createHash('sha256').update(Buffer.from(url, 'utf8')).digest('hex'));
  });
});
