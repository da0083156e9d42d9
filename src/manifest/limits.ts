/** Bounds that keep a hostile or broken manifest from costing much time or memory. */

/** Larger manifests are rejected before they are read whole or parsed. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The problem of a manifest over MAX_MANIFEST_BYTES. */
export function tooLarge(size: number): string {
  return `the manifest is ${size} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes (1 MiB)`;
}

/**
 * Deepest nesting of YAML collections. A valid manifest needs 4; the YAML composer recurses per
 * level and can exhaust the stack (or crash V8 outright) on deeper input, so it is checked first.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * Most YAML nodes that aliases may stand for, counted with what they contain. Bounds "billion
 * laughs" style alias bombs while leaving room for `endpoint: *hooks` on every entry.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/**
 * Most YAML errors reported (the first on each line). A broken line or an unclosed quote makes
 * the parser report one error per token or line after it; the first few are the ones to fix.
 */
export const MAX_YAML_ERRORS = 10;
