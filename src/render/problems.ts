/**
 * Manifest problems for people (`file:line:col: message`, the form editors and terminals link)
 * and for GitHub Actions (`::error file=…::` workflow commands, shown on the PR's diff).
 */
import type { ManifestProblem } from '../errors.js';
import { printable } from './printable.js';

/** GitHub shows at most 10 error annotations per step; the rest would be dropped silently. */
export const MAX_GITHUB_ANNOTATIONS = 10;

export function formatProblem(p: ManifestProblem): string {
  const { file, line, col } = p.location;
  return `${printable(file)}:${line}:${col}: ${printable(p.message, { keepNewlines: true })}`;
}

export function formatGithubAnnotation(p: ManifestProblem): string {
  const { file, line, col } = p.location;
  return `::error file=${escapeProperty(file)},line=${line},col=${col}::${escapeData(p.message)}`;
}

/**
 * One workflow command per problem, at most `max` in all: past that, `max - 1` problems and a
 * last one saying how many more there are, so that line is itself shown. Ends with a newline
 * (empty for no problems).
 */
export function renderGithubAnnotations(problems: readonly ManifestProblem[], max: number = MAX_GITHUB_ANNOTATIONS): string {
  const limit = Math.max(1, max);
  const shown = problems.length > limit ? problems.slice(0, limit - 1) : problems;
  const lines = shown.map(formatGithubAnnotation);
  const rest = problems.length - shown.length;
  if (rest > 0) lines.push(`::error::${escapeData(`… and ${rest} more problem${rest === 1 ? '' : 's'} (see the log)`)}`);
  return lines.map((line) => `${line}\n`).join('');
}

/** Message text: GitHub's own escaping, so a newline or `%` cannot end or forge the command. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Property values (file=…) also end at `,` and `::`. */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
