/**
 * How every benchmark reports: one line per check with its figure, its target and PASS/FAIL,
 * plus a machine-readable `BENCH_RESULT {json}` line that bench/run.js collects for its table.
 */

/** @typedef {{ bench: string, check: string, measured: string, target: string, pass: boolean, note?: string }} Check */

/** @param {Check} check */
export function reportCheck(check) {
  const verdict = check.pass ? 'PASS' : 'FAIL';
  console.log(`${verdict}  ${check.bench}: ${check.check}: ${check.measured} (target ${check.target})${check.note ? `; ${check.note}` : ''}`);
  console.log(`BENCH_RESULT ${JSON.stringify(check)}`);
  if (!check.pass) process.exitCode = 1;
}

/** @param {readonly number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Fixed decimals for a table, without trailing noise. */
export function fmt(value, digits = 2) {
  return Number(value).toFixed(digits);
}

/** A line of progress on stderr, so stdout stays the results. */
export function say(text) {
  process.stderr.write(`  ${text}\n`);
}
