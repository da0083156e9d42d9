/**
 * Text from the manifest reaches terminals and CI logs. Control characters could move the
 * cursor, rewrite earlier lines or end a GitHub workflow command, and bidi overrides can make
 * text read differently from what it is: they are shown as visible `\uXXXX` escapes instead.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_KEEP_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? UNPRINTABLE_KEEP_LINES : UNPRINTABLE, escapeChar);
}

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
