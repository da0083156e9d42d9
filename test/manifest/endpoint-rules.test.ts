import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { sha256Hex } from '../../src/sha256.js';
import { FILE, manifestOf, problemsOf, withEndpoint, yaml } from './helpers.js';

const HOSTS = ['policy:', '  allowedHosts: ["hooks.example.com", "*.azurewebsites.net"]'];

describe('endpoints', () => {
  it('must be absolute http(s) URLs once resolved', () => {
    expect(problemsOf(withEndpoint('${BASE:-h.example}/x'))).toEqual([
      '5:15: endpoint `${BASE:-h.example}/x` once ${BASE} is resolved: it is not an absolute http(s) URL (such as `https://hooks.example.com/biot`)',
    ]);
    expect(problemsOf(withEndpoint('h.example/x'))).toEqual([
      '5:15: `endpoint` must be an absolute http(s) URL, such as `https://hooks.example.com/biot`, or start with a `${VARIABLE}`',
    ]);
    expect(problemsOf(withEndpoint('"https://h.example/a b"'))).toEqual([
      '5:15: endpoint `https://h.example/a b`: it contains spaces or control characters',
    ]);
    expect(problemsOf(withEndpoint('https://'))).toEqual(['5:15: endpoint `https://`: it is not a valid URL']);
  });

  it('may use http:// only on loopback hosts unless policy.allowHttp', () => {
    expect(problemsOf(withEndpoint('http://h.example/x'))).toEqual([
      '5:15: endpoint `http://h.example/x`: http:// is only allowed for loopback hosts (localhost, 127.0.0.0/8, ::1): use https://, or set `policy.allowHttp: true`',
    ]);
    for (const ok of ['http://localhost:8080/x', 'http://127.0.0.2/x', 'http://[::1]:3000/x', 'HTTP://LOCALHOST/x']) {
      expect(problemsOf(withEndpoint(ok))).toEqual([]);
    }
    expect(problemsOf(withEndpoint('http://h.example/x', ['policy:', '  allowHttp: true']))).toEqual([]);
  });

  it('must match policy.allowedHosts when it is set', () => {
    expect(problemsOf(withEndpoint('https://evil.example/x', HOSTS))).toEqual([
      '7:15: endpoint `https://evil.example/x`: host `evil.example` is not in `policy.allowedHosts` (`hooks.example.com`, `*.azurewebsites.net`)',
    ]);
    for (const ok of ['https://HOOKS.example.com/x', 'https://fn.azurewebsites.net/api', 'https://hooks.example.com:8443/x']) {
      expect(problemsOf(withEndpoint(ok, HOSTS))).toEqual([]);
    }
    for (const bad of ['https://azurewebsites.net/x', 'https://x.hooks.example.com/x', 'https://hooks.example.com.evil.example/x']) {
      expect(problemsOf(withEndpoint(bad, HOSTS))).toHaveLength(1);
    }
  });

  it('does not show a host that comes from a variable', () => {
    expect(problemsOf(withEndpoint('${HOOK_BASE}/x', HOSTS), { HOOK_BASE: 'https://internal-secret.example' })).toEqual([
      '7:15: endpoint `${HOOK_BASE}/x` once ${HOOK_BASE} is resolved: its host is not in `policy.allowedHosts` (`hooks.example.com`, `*.azurewebsites.net`)',
    ]);
  });

  it('rejects a password written literally, and shows how to use a variable', () => {
    const problems = problemsOf(withEndpoint('https://bot:s3cr3t@hooks.example.com/x?code=k3y'));
    expect(problems).toEqual([
      '5:15: endpoint `https://bot:***@hooks.example.com/x?code=***` has a password written in the manifest, which would land in git, the state and plans: take it from a variable, e.g. `https://bot:${HOOK_PASSWORD}@hooks.example.com/x?code=***`',
    ]);
    expect(problems.join('\n')).not.toMatch(/s3cr3t|k3y/);
  });

  it('accepts a password that comes from a variable', () => {
    const m = manifestOf(withEndpoint('https://bot:${HOOK_PASSWORD}@hooks.example.com/x'), { HOOK_PASSWORD: 'pw' });
    expect(m.resolvedEndpoints.get(m.subscriptions[0]?.endpointSha256 ?? '')).toBe('https://bot:pw@hooks.example.com/x');
  });
});

describe('variables in endpoints', () => {
  it('names an unset variable without default', () => {
    expect(problemsOf(withEndpoint('${PLUGIN_BASE_URL}/device'))).toEqual([
      '5:15: endpoint `${PLUGIN_BASE_URL}/device` uses ${PLUGIN_BASE_URL}, which is not set or empty (set it, or give a default: `${NAME:-default}`)',
    ]);
    expect(problemsOf(withEndpoint('${A}${B}/x'))[0]).toContain('uses ${A} and ${B}, which are not set or empty');
  });

  it('rejects an unterminated ${', () => {
    expect(problemsOf(withEndpoint('https://h.example/${A'))).toEqual([
      '5:15: endpoint `https://h.example/${A`: unterminated `${` (a variable is written `${NAME}`)',
    ]);
  });

  it('uses defaults when unset or empty, and records the template, hash and resolved URL', () => {
    const text = withEndpoint('${BASE:-https://d.example}/p${SUFFIX:-}');
    for (const env of [{}, { BASE: '' }]) {
      const m = manifestOf(text, env);
      expect(m.subscriptions).toEqual([
        {
          entityTypeName: 'patient',
          actionName: '_create',
          endpoint: '${BASE:-https://d.example}/p${SUFFIX:-}',
          endpointSha256: sha256Hex('https://d.example/p'),
        },
      ]);
      expect(m.locations).toEqual([{ file: FILE, line: 4, col: 17 }]);
      expect([...m.resolvedEndpoints]).toEqual([[sha256Hex('https://d.example/p'), 'https://d.example/p']]);
    }
    expect([...manifestOf(text, { BASE: 'https://b.example' }).resolvedEndpoints.values()]).toEqual(['https://b.example/p']);
  });

  it('never puts a resolved value in a message', () => {
    const secret = 'tok-9f8e7d6c5b4a';
    const env = { KEY: secret, BASE: `https://${secret}.evil.example`, PLAIN: `http://${secret}.example` };
    const text = yaml(
      'version: 1',
      ...HOSTS,
      'subscriptions:',
      '  - entityTypeName: patient',
      '    actionName: _create',
      '    endpoint: ${BASE}/x?code=${KEY}',
      '  - entityTypeName: patient',
      '    actionName: _create',
      '    endpoint: ${PLAIN}',
      '  - entityTypeName: device',
      '    actionNames: [_create, _create]',
      '    endpoint: https://hooks.example.com/x?code=${KEY}',
      '  - entityTypeName: device',
      '    actionName: _delete',
      '    endpoint: ${KEY}',
    );
    const result = parseManifest(text, FILE, env);
    expect(result.ok).toBe(false);
    const all = JSON.stringify(result);
    expect(all).not.toContain(secret);
    expect(result.ok ? 0 : result.problems.length).toBe(4);
  });
});
