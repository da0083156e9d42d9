/**
 * What can be told about an endpoint template without resolving it: where its authority, literal
 * password and query values are. Works on a copy of the template in which each `${...}` is
 * blanked out (same length, so offsets match), which keeps variable contents opaque.
 */

import { maskEndpoint } from '../render/mask-endpoint.js';

const BLANK = '\u0000';

function blankVariables(template: string): string {
  return template.replace(/\$\{[^}]*\}/g, (ref) => BLANK.repeat(ref.length));
}

function isAllVariables(blanked: string): boolean {
  for (const ch of blanked) if (ch !== BLANK) return false;
  return true;
}

interface Span {
  start: number;
  end: number;
}

/** The `host[:port]` part with its userinfo, when the template writes `scheme://` literally. */
function authoritySpan(blanked: string): Span | undefined {
  const scheme = blanked.indexOf('://');
  if (scheme < 0) return undefined;
  const start = scheme + 3;
  let end = start;
  while (end < blanked.length && !'/?#'.includes(blanked.charAt(end))) end++;
  return { start, end };
}

/** Where a password written literally in the URL's userinfo stands (`https://u:PASS@host`). */
export function literalPasswordSpan(template: string): Span | undefined {
  const blanked = blankVariables(template);
  const authority = authoritySpan(blanked);
  if (!authority) return undefined;
  const at = blanked.lastIndexOf('@', authority.end - 1);
  if (at < authority.start) return undefined;
  const colon = blanked.indexOf(':', authority.start);
  if (colon < 0 || colon > at) return undefined;
  const span = { start: colon + 1, end: at };
  const password = blanked.slice(span.start, span.end);
  return password.length > 0 && !isAllVariables(password) ? span : undefined;
}

/** The host written literally in the template (for messages), or undefined when a variable gives it. */
export function literalHostText(template: string): string | undefined {
  const blanked = blankVariables(template);
  const authority = authoritySpan(blanked);
  if (!authority) return undefined;
  const text = blanked.slice(authority.start, authority.end);
  return text.includes(BLANK) ? undefined : text.slice(text.lastIndexOf('@') + 1);
}

/** The advice for a literal password: the same template with it replaced by a variable. */
export function withPasswordVariable(template: string, name = 'HOOK_PASSWORD'): string {
  const span = literalPasswordSpan(template);
  if (!span) return template;
  return maskEndpoint(`${template.slice(0, span.start)}\${${name}}${template.slice(span.end)}`);
}
