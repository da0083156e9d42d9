import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainHttpUrl } from '../../src/manifest/endpoint-check.js';
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

describe('plainHttpUrl', () => {
  const piece = fc.constantFrom(
    'a', 'z', 'hooks', 'example', 'com', '0', '9', '127', '0x', '0x7f', 'xn--', 'xn--nxasmq6b', '-', '.', '..', 'A', 'é', '_', '%41', '@', ':', '[', ']',
  );
  const url = fc.tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://', 'Http://', 'https:/', 'https:///', 'ftp://'),
    fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
    fc.constantFrom('', '/', '/x/y', '?q=1', '#f', ':', ':8080/', ':99999/', '\\x', '.', './', '@h/', '/a b', '/é?%zz#\\'),
  ).map(([scheme, host, tail]) => `${scheme}${host}${tail}`);

  it('gives what new URL gives, whenever it gives anything', () => {
    fc.assert(
      fc.property(url, (value) => {
        const plain = plainHttpUrl(value);
        if (plain === undefined) return;
        const parsed = new URL(value);
        expect(plain).toEqual({ protocol: parsed.protocol, hostname: parsed.hostname });
      }),
      { numRuns: 3000 },
    );
  });

  it('reads ordinary endpoints and leaves the rest to the URL parser', () => {
    expect(plainHttpUrl('https://hooks.example.com/e/1?x=1#y')).toEqual({ protocol: 'https:', hostname: 'hooks.example.com' });
    expect(plainHttpUrl('http://localhost')).toEqual({ protocol: 'http:', hostname: 'localhost' });
    expect(plainHttpUrl(`https://${'a'.repeat(100)}.example/`)).toEqual({ protocol: 'https:', hostname: `${'a'.repeat(100)}.example` });
    for (const other of ['https://HOOKS.example.com/', 'https://127.0.0.1/', 'https://a.0x7f/', 'https://xn--nxasmq6b.com/', 'https://h.example:8443/', 'https://u@h.example/', 'https://h.example./', 'https://h.example\\x']) {
      expect(plainHttpUrl(other)).toBeUndefined();
    }
  });
});
