/**
 * Shows an endpoint template without the secrets written literally in it: every query-string
 * and fragment value and the userinfo password become `***`. Templates hold `${VAR}` references
 * (so they are not URLs `new URL` would take, and a reference may hide a whole origin): the
 * template is tokenized first, with each reference kept whole, and only literal characters
 * count as URL delimiters.
 */

type Token =
  | { kind: 'literal'; char: string }
  /** `${NAME}` or `${NAME:-default}`; anything else inside `${…}` is treated as literal text. */
  | { kind: 'variable'; name: string; fallback: string | null };

const MASK = '***';

export function maskEndpoint(template: string): string {
  // Nothing to mask without a literal `@`, `?` or `#` anywhere (a reference's default included):
  // most endpoints, and the tokenizing below costs plans of 100k operations ~0.2 s.
  if (!/[@?#]/.test(template)) return template;
  const tokens = tokenize(template);
  let out = '';
  let at = 0;

  const schemeEnd = findSchemeSeparator(tokens);
  if (schemeEnd >= 0) {
    const authorityStart = schemeEnd + 3;
    const authorityEnd = findLiteral(tokens, authorityStart, tokens.length, '/?#');
    out += renderStructural(tokens.slice(0, authorityStart));
    out += maskAuthority(tokens.slice(authorityStart, authorityEnd));
    at = authorityEnd;
  }

  const pathEnd = findLiteral(tokens, at, tokens.length, '?#');
  out += renderStructural(tokens.slice(at, pathEnd));
  at = pathEnd;

  if (isLiteral(tokens[at], '?')) {
    const queryEnd = findLiteral(tokens, at + 1, tokens.length, '#');
    out += '?' + maskParameters(tokens.slice(at + 1, queryEnd));
    at = queryEnd;
  }
  if (isLiteral(tokens[at], '#')) {
    // Fragments sometimes carry tokens (`#access_token=…`): masked like a query string.
    out += '#' + maskParameters(tokens.slice(at + 1));
  }
  return out;
}

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('${', i)) {
      const close = findClosingBrace(template, i + 2);
      if (close >= 0) {
        const inner = template.slice(i + 2, close);
        const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/.exec(inner);
        if (match) {
          tokens.push({ kind: 'variable', name: match[1] ?? '', fallback: match[2] ?? null });
        } else {
          for (const char of template.slice(i, close + 1)) tokens.push({ kind: 'literal', char });
        }
        i = close + 1;
        continue;
      }
    }
    const char = String.fromCodePoint(template.codePointAt(i) ?? 0);
    tokens.push({ kind: 'literal', char });
    i += char.length;
  }
  return tokens;
}

/** Index of the `}` closing a reference opened before `from`, allowing nested braces; -1 if none. */
function findClosingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `:` of a literal `://` standing before any other delimiter, or -1. */
function findSchemeSeparator(tokens: readonly Token[]): number {
  for (let i = 0; i < tokens.length; i++) {
    if (isLiteral(tokens[i], ':') && isLiteral(tokens[i + 1], '/') && isLiteral(tokens[i + 2], '/')) return i;
    if (isLiteral(tokens[i], '/?#@')) return -1;
  }
  return -1;
}

/** `user:password@host`: the password is masked; the rest is shown. */
function maskAuthority(tokens: readonly Token[]): string {
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (isLiteral(tokens[i], '@')) {
      at = i;
      break;
    }
  }
  if (at < 0) return renderStructural(tokens);
  const colon = findLiteral(tokens, 0, at, ':');
  const host = renderStructural(tokens.slice(at + 1));
  if (colon === at) return renderStructural(tokens.slice(0, at)) + '@' + host;
  return renderStructural(tokens.slice(0, colon)) + ':' + maskValue(tokens.slice(colon + 1, at)) + '@' + host;
}

/** `a=1&b=2` → `a=***&b=***`; a bare item (`?abc`) may be a token and is masked too. */
function maskParameters(tokens: readonly Token[]): string {
  const parts: string[] = [];
  let start = 0;
  for (;;) {
    const end = findLiteral(tokens, start, tokens.length, '&');
    const item = tokens.slice(start, end);
    const eq = findLiteral(item, 0, item.length, '=');
    parts.push(
      eq < item.length ? renderStructural(item.slice(0, eq)) + '=' + maskValue(item.slice(eq + 1)) : maskValue(item),
    );
    if (end >= tokens.length) break;
    start = end + 1;
  }
  return parts.join('&');
}

/**
 * A value made only of references is no secret in the manifest and is shown (a literal default
 * is, so it is masked); any literal text makes the whole value `***`.
 */
function maskValue(tokens: readonly Token[]): string {
  if (tokens.length === 0) return '';
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') return MASK;
    out += token.fallback ? `\${${token.name}:-${MASK}}` : renderToken(token);
  }
  return out;
}

/**
 * Outside values text is shown, but a reference's default may itself be (part of) a URL with
 * secrets, `${HOOK_URL:-https://h/x?code=abc}`: it is masked as an endpoint of its own.
 */
function renderStructural(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    out += token.kind === 'variable' && token.fallback ? `\${${token.name}:-${maskEndpoint(token.fallback)}}` : renderToken(token);
  }
  return out;
}

function renderToken(token: Token): string {
  if (token.kind === 'literal') return token.char;
  return token.fallback === null ? `\${${token.name}}` : `\${${token.name}:-${token.fallback}}`;
}

function isLiteral(token: Token | undefined, chars: string): boolean {
  return token?.kind === 'literal' && chars.includes(token.char);
}

/** First index in [from, to) of a literal among `chars`, else `to`. */
function findLiteral(tokens: readonly Token[], from: number, to: number, chars: string): number {
  for (let i = from; i < to; i++) if (isLiteral(tokens[i], chars)) return i;
  return to;
}
