/**
 * `${NAME}` and `${NAME:-default}` in endpoint templates. Shared by the manifest loader and by the
 * state and planner, which resolve a state's templates again at unsubscribe time.
 *
 * Rules (as in the shell): the default applies when NAME is unset or empty; an unset NAME without
 * default is an error, a set but empty one is empty; `$` not followed by
 * `{` is literal; there is no escape and no nesting; the default is the text up to the first `}`.
 */
import type { Environment } from './types.js';

export type TemplatePart = { literal: string } | { name: string; default?: string };

export type ParsedTemplate =
  | { ok: true; parts: TemplatePart[]; variables: string[] }
  | { ok: false; error: string; offset: number; variables: string[] };

export type TemplateResolution =
  | { ok: true; value: string; variables: string[] }
  | {
      ok: false;
      /** Variables that are unset or empty and have no default. */
      missing: string[];
      variables: string[];
      /** Set when the template itself is malformed (then `missing` is empty). */
      syntaxError?: string;
    };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a template into literal text and variable references, or says what is malformed. */
export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const variables: string[] = [];
  let from = 0;
  for (;;) {
    const start = template.indexOf('${', from);
    if (start < 0) break;
    if (start > from) parts.push({ literal: template.slice(from, start) });
    const end = template.indexOf('}', start + 2);
    if (end < 0) {
      return { ok: false, error: 'unterminated `${` (a variable is written `${NAME}`)', offset: start, variables };
    }
    const body = template.slice(start + 2, end);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    const fallback = sep < 0 ? undefined : body.slice(sep + 2);
    if (!NAME.test(name)) {
      return {
        ok: false,
        error: `\`\${${shorten(body)}}\` is not a variable reference: write \`\${NAME}\` or \`\${NAME:-default}\`, NAME made of letters, digits and _`,
        offset: start,
        variables,
      };
    }
    if (fallback !== undefined && fallback.includes('${')) {
      return { ok: false, error: `the default of \${${name}} cannot hold another variable`, offset: start, variables };
    }
    parts.push(fallback === undefined ? { name } : { name, default: fallback });
    if (!variables.includes(name)) variables.push(name);
    from = end + 1;
  }
  if (from < template.length) parts.push({ literal: template.slice(from) });
  return { ok: true, parts, variables };
}

/** Names of the variables a template refers to, in order of first appearance. */
export function variableNames(template: string): string[] {
  return parseTemplate(template).variables;
}

/** Resolves a template against the environment; never throws. */
export function resolveTemplate(template: string, env: Environment): TemplateResolution {
  // Fast path: most endpoints are literal URLs.
  if (!template.includes('${')) return { ok: true, value: template, variables: [] };
  const parsed = parseTemplate(template);
  if (!parsed.ok) return { ok: false, missing: [], variables: parsed.variables, syntaxError: parsed.error };
  let value = '';
  const missing: string[] = [];
  for (const part of parsed.parts) {
    if ('literal' in part) {
      value += part.literal;
      continue;
    }
    // Own properties only: `${constructor}` must not find Object.prototype.constructor.
    const set = Object.hasOwn(env, part.name) ? env[part.name] : undefined;
    if (set !== undefined && set !== '') value += set;
    else if (part.default !== undefined) value += part.default;
    // Set but empty without a default counts as missing: in CI a secret not configured for an
    // environment arrives as "", which would subscribe `?code=` silently. `${NAME:-}` allows it.
    else if (!missing.includes(part.name)) missing.push(part.name);
  }
  if (missing.length > 0) return { ok: false, missing, variables: parsed.variables };
  return { ok: true, value, variables: parsed.variables };
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
