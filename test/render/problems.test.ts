import { describe, expect, it } from 'vitest';
import type { ManifestProblem } from '../../src/errors.js';
import { formatGithubAnnotation, formatProblem, renderGithubAnnotations } from '../../src/render/problems.js';

const problem = (message: string, file = 'subscriptions.yaml', line = 12, col = 7): ManifestProblem => ({
  location: { file, line, col },
  message,
});

describe('formatProblem', () => {
  it('prints file:line:col: message', () => {
    expect(formatProblem(problem("unknown entity 'patinet' (did you mean 'patient'?)"))).toBe(
      "subscriptions.yaml:12:7: unknown entity 'patinet' (did you mean 'patient'?)",
    );
  });

  it('shows control characters as escapes but keeps line breaks', () => {
    expect(formatProblem(problem('a\u001b[31m\nb'))).toBe('subscriptions.yaml:12:7: a\\u001b[31m\nb');
  });
});

describe('formatGithubAnnotation', () => {
  it.each([
    ['plain', problem("unknown action '_creat'"), "::error file=subscriptions.yaml,line=12,col=7::unknown action '_creat'"],
    ['% in the message', problem('100% wrong, 50%0A'), '::error file=subscriptions.yaml,line=12,col=7::100%25 wrong, 50%250A'],
    ['line breaks in the message', problem('first\r\nsecond\n::error::forged'), '::error file=subscriptions.yaml,line=12,col=7::first%0D%0Asecond%0A::error::forged'],
    [': and , in the file name', problem('m', 'C:/envs/dev,prod.yaml', 1, 2), '::error file=C%3A/envs/dev%2Cprod.yaml,line=1,col=2::m'],
    ['% and a newline in the file name', problem('m', 'a%b\nc.yaml'), '::error file=a%25b%0Ac.yaml,line=12,col=7::m'],
  ])('escapes %s', (_name, p, expected) => {
    expect(formatGithubAnnotation(p)).toBe(expected);
  });
});

describe('renderGithubAnnotations', () => {
  const problems = (n: number): ManifestProblem[] => Array.from({ length: n }, (_, i) => problem(`problem ${i + 1}`, 'subscriptions.yaml', i + 1, 1));

  it('prints one line per problem, each ending with a newline', () => {
    expect(renderGithubAnnotations(problems(2))).toMatchInlineSnapshot(`
      "::error file=subscriptions.yaml,line=1,col=1::problem 1
      ::error file=subscriptions.yaml,line=2,col=1::problem 2
      "
    `);
    expect(renderGithubAnnotations([])).toBe('');
  });

  it('prints at most 10 annotations, the last saying how many more there are', () => {
    expect(renderGithubAnnotations(problems(10)).trimEnd().split('\n')).toHaveLength(10);
    const lines = renderGithubAnnotations(problems(25)).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[8]).toBe('::error file=subscriptions.yaml,line=9,col=1::problem 9');
    expect(lines[9]).toBe('::error::… and 16 more problems (see the log)');
    expect(renderGithubAnnotations(problems(3), 2).trimEnd().split('\n')).toEqual([
      '::error file=subscriptions.yaml,line=1,col=1::problem 1',
      '::error::… and 2 more problems (see the log)',
    ]);
  });
});
