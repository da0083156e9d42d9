/**
 * Collects manifest problems with their place, from byte offsets into the text, and hands them
 * back sorted by position so a user reads them top to bottom.
 */
import { LineCounter } from 'yaml';
import type { ManifestProblem, SourceLocation } from '../errors.js';

export class ProblemCollector {
  private readonly problems: ManifestProblem[] = [];

  constructor(
    readonly file: string,
    /** Filled by the YAML parser as it reads, so offsets can become line:col. */
    readonly lineCounter: LineCounter = new LineCounter(),
  ) {}

  get count(): number {
    return this.problems.length;
  }

  /** The 1-based line and column of a character offset into the manifest text. */
  locate(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  add(location: SourceLocation, message: string): void {
    this.problems.push({ location, message });
  }

  addAt(offset: number, message: string): void {
    this.add(this.locate(offset), message);
  }

  /** Sorted by line then column (stable), without exact repeats. */
  sorted(): ManifestProblem[] {
    const seen = new Set<string>();
    const unique = this.problems.filter((p) => {
      const key = `${p.location.line}:${p.location.col}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return unique.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
  }
}
