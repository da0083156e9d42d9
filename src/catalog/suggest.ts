/**
 * "Did you mean": the closest known names to a misspelt one. Names are compared in a normalised
 * form (lower case, without `_` and `-`), so `_Create`, `create` and `CREATE` all find `_create`
 * and `usage_session` finds `usage-session`; then by edit distance with transpositions
 * (`pateint` → `patient`), and by prefix (`saveMeas` → `_saveMeasurement`).
 */

const MAX_SUGGESTIONS = 3;

/** Lower case without separators: what a name "is", independent of how it was typed. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein restricted to adjacent transpositions),
 * stopping early once every cell of a row exceeds `limit`: names are short, inputs may not be.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prevPrev[j - 2] ?? 0) + 1);
      }
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** Lower is closer; undefined when `candidate` is not a plausible meaning of `input`. */
function score(input: string, candidate: string): number | undefined {
  const a = normalise(input);
  const b = normalise(candidate);
  if (a.length === 0 || b.length === 0) return undefined;
  if (a === b) return 0;
  // Roughly one typo per three characters, at least one, at most three.
  const limit = Math.min(3, Math.max(1, Math.floor(Math.max(a.length, b.length) / 3)));
  const distance = editDistance(a, b, limit);
  const byDistance = distance <= limit ? distance : undefined;
  // A prefix of at least 3 characters ranks just after one typo, shorter completions first.
  const byPrefix = a.length >= 3 && b.startsWith(a) ? 1 + (b.length - a.length) / 1000 : undefined;
  if (byDistance === undefined) return byPrefix;
  if (byPrefix === undefined) return byDistance;
  return Math.min(byDistance, byPrefix);
}

/** Up to three known names closest to `input`, closest first (ties in name order). */
export function suggest(input: string, candidates: Iterable<string>, max = MAX_SUGGESTIONS): string[] {
  const scored: { name: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    if (name === input || seen.has(name)) continue;
    seen.add(name);
    const s = score(input, name);
    if (s !== undefined) scored.push({ name, score: s });
  }
  scored.sort((x, y) => x.score - y.score || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

/** ` (did you mean `a`, `b` or `c`?)`, or '' when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const names = suggest(input, candidates).map((n) => `\`${n}\``);
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
