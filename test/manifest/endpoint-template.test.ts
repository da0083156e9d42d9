import { describe, expect, it } from 'vitest';
import { literalPasswordSpan, withPasswordVariable } from '../../src/manifest/endpoint-template.js';
import { compileHostPattern, hostMatches, isLoopbackHost } from '../../src/manifest/host-policy.js';

describe('endpoint templates', () => {
  it('finds a password written literally, not one from a variable', () => {
    expect(literalPasswordSpan('https://user:pass@h.example/x')).toEqual({ start: 13, end: 17 });
    expect(literalPasswordSpan('https://user:${P}@h.example/x')).toBeUndefined();
    expect(literalPasswordSpan('https://${U}:${P}@h.example')).toBeUndefined();
    expect(literalPasswordSpan('https://user@h.example:8443/x')).toBeUndefined();
    expect(literalPasswordSpan('https://h.example/a:b@c')).toBeUndefined();
    expect(literalPasswordSpan('${BASE}/x')).toBeUndefined();
    expect(literalPasswordSpan('https://user:pa${P}@h.example')).toEqual({ start: 13, end: 19 });
  });

  it('suggests the template with the password as a variable', () => {
    expect(withPasswordVariable('https://user:pass@h.example/x')).toBe('https://user:${HOOK_PASSWORD}@h.example/x');
  });
});

describe('host policy', () => {
  it('knows loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.9.8.7', '[::1]', 'localhost.']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['example.com', '128.0.0.1', '[::2]', 'localhost.example.com']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('matches exact names exactly and *. patterns on subdomains only, ignoring case', () => {
    const patterns = ['Hooks.Example.com', '*.azurewebsites.net'].map((p) => compileHostPattern(p)).filter((p) => p !== undefined);
    expect(hostMatches('hooks.example.com', patterns)).toBe(true);
    expect(hostMatches('x.hooks.example.com', patterns)).toBe(false);
    expect(hostMatches('fn.azurewebsites.net', patterns)).toBe(true);
    expect(hostMatches('a.b.azurewebsites.net', patterns)).toBe(true);
    expect(hostMatches('azurewebsites.net', patterns)).toBe(false);
    expect(hostMatches('evilazurewebsites.net', patterns)).toBe(false);
  });

  it('rejects patterns that are not hosts', () => {
    for (const bad of ['h.example:8080', 'a*.example', '*.', '*.*.example', 'h.example/x', '']) {
      expect(compileHostPattern(bad)).toBeUndefined();
    }
    expect(compileHostPattern('::1')).toEqual({ text: '::1', exact: '[::1]' });
  });
});
