/** Small helpers for writing problem messages. */

const MAX_SHOWN = 200;

/**
 * A name or value from the manifest as `code`: control characters escaped and long text cut,
 * so a hostile manifest cannot forge extra lines or flood the output.
 */
export function code(text: string): string {
  const escaped = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text) ? JSON.stringify(text).slice(1, -1) : text;
  const shown = escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN)}…` : escaped;
  return `\`${shown}\``;
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** `${A}`, `${A} and ${B}`: how a message names variables (never their values). */
export function variableList(names: readonly string[]): string {
  return listing(names.map((n) => `\${${n}}`));
}
