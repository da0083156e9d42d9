import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEndpoint } from '../../src/render/mask-endpoint.js';

describe('maskEndpoint', () => {
  it.each([
    // query values written literally
    ['https://h.example.com/x?code=abc&x=1', 'https://h.example.com/x?code=***&x=***'],
    ['https://h/x?a=1=2', 'https://h/x?a=***'],
    ['https://h/x?code=', 'https://h/x?code='],
    ['https://h/x?', 'https://h/x?'],
    ['https://h/x?a=1&&b=2', 'https://h/x?a=***&&b=***'],
    ['https://h/x?token', 'https://h/x?***'],
    // a value that is only references is not a secret in the manifest; a literal default is
    ['https://fn.azurewebsites.net/api/cmd?code=${HOOK_KEY}', 'https://fn.azurewebsites.net/api/cmd?code=${HOOK_KEY}'],
    ['https://h/x?k=${A}${B}', 'https://h/x?k=${A}${B}'],
    ['https://h/x?code=${HOOK_KEY:-abc}', 'https://h/x?code=${HOOK_KEY:-***}'],
    ['https://h/x?code=${HOOK_KEY:-}', 'https://h/x?code=${HOOK_KEY:-}'],
    ['https://h/x?code=pre${K}', 'https://h/x?code=***'],
    ['https://h/x?code=${K}post', 'https://h/x?code=***'],
    // userinfo password
    ['https://u:p@h', 'https://u:***@h'],
    ['https://u:p@h/x?y=1', 'https://u:***@h/x?y=***'],
    ['https://u:${PASS}@h', 'https://u:${PASS}@h'],
    ['https://u:p:q@h', 'https://u:***@h'],
    ['https://u:p@w@h', 'https://u:***@h'],
    ['https://u@h', 'https://u@h'],
    ['https://u:@h', 'https://u:@h'],
    ['https://h/p@th:x', 'https://h/p@th:x'],
    // fragment values
    ['https://h/x#access_token=abc&state=1', 'https://h/x#access_token=***&state=***'],
    ['https://h/x?code=abc#frag=1', 'https://h/x?code=***#frag=***'],
    // templates that are not URLs until resolved
    ['${PLUGIN_BASE_URL}/device', '${PLUGIN_BASE_URL}/device'],
    ['${PLUGIN_BASE_URL}/device?code=abc', '${PLUGIN_BASE_URL}/device?code=***'],
    ['${PROTO}://u:p@h/x', '${PROTO}://u:***@h/x'],
    ['https://${HOST:-h.example.com}/x?k=v', 'https://${HOST:-h.example.com}/x?k=***'],
    ['${HOOK_URL:-https://u:pw@h/x?code=abc}', '${HOOK_URL:-https://u:***@h/x?code=***}'],
    ['https://h/${P:-a?b=c}/x', 'https://h/${P:-a?b=***}/x'],
    // references whose text holds delimiters stay whole
    ['https://h/x?code=${K:-a&b=c}', 'https://h/x?code=${K:-***}'],
    // not a reference: literal text
    ['https://h/?code=${KEY', 'https://h/?code=***'],
    ['https://h/a=b/c', 'https://h/a=b/c'],
    ['', ''],
  ])('%s → %s', (template, masked) => {
    expect(maskEndpoint(template)).toBe(masked);
  });

  const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
  const secret = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/).map((s) => `SECRET${s}`);

  it('never shows a literal query value, fragment value or password', () => {
    fc.assert(
      fc.property(
        fc.record({
          password: fc.option(secret),
          host: fc.oneof(word.map((w) => `${w}.example.com`), fc.constant('${HOST}')),
          path: fc.array(word, { maxLength: 3 }),
          query: fc.array(fc.tuple(word, fc.oneof(secret, secret.map((s) => `\${V:-${s}}`))), { maxLength: 4 }),
          fragment: fc.option(fc.tuple(word, secret)),
        }),
        ({ password, host, path, query, fragment }) => {
          const template =
            `https://${password !== null ? `user:${password}@` : ''}${host}/${path.join('/')}` +
            (query.length > 0 ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '') +
            (fragment ? `#${fragment[0]}=${fragment[1]}` : '');
          const masked = maskEndpoint(template);
          expect(masked).not.toContain('SECRET');
          expect(masked.startsWith(`https://${password !== null ? 'user:***@' : ''}${host}/`)).toBe(true);
        },
      ),
    );
  });

  it('shows a template without a literal @, ? or # as it is: there is nothing to mask', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '_', '0', '$', '{', '}', ':', '-', '/', '&', '=', '.', '%', 'é', ' ') }), (text) => {
        expect(maskEndpoint(text)).toBe(text);
      }),
    );
    expect(maskEndpoint('https://${HOST:-h.example.com}/a/${PATH}')).toBe('https://${HOST:-h.example.com}/a/${PATH}');
    expect(maskEndpoint('https://h.example.com/${X:-a?code=1}')).toBe('https://h.example.com/${X:-a?code=***}');
  });

  it('is idempotent and total on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '$', '{', '}', ':', '-', '/', '?', '#', '&', '=', '@') }), (text) => {
        const once = maskEndpoint(text);
        expect(maskEndpoint(once)).toBe(once);
      }),
    );
  });
});
