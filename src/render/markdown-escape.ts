/**
 * Escaping for text from the manifest (entity, action, endpoint, messages) printed into a PR
 * comment. A manifest must not be able to add markup there: close a `<details>`, fake the
 * `<!-- biot-subs-plan -->` marker, break a table row, add links or images, mention people.
 *
 * Every ASCII punctuation character markdown, GitHub or HTML may read as markup becomes a numeric
 * character reference (`:` and `www.` too, which would start autolinks; `$`, which starts math): GitHub shows it as the character but never reads it as markup (CommonMark treats
 * references as literal text, and `|` as a reference does not split table cells). Control and
 * bidi characters are shown as visible `\uXXXX` escapes, so no text spans lines.
 */
import { printable } from './printable.js';

// Inert characters (`.` `/` `-` `,` `=` `?` `%` `+` `;` `'` `"` `{` `}`) stay as they are, so an
// endpoint stays readable in the raw text and long plans fit more rows under the size cap.
const PUNCTUATION = /[!#$&()*:<>@[\\\]^_`|~]/g;

/** For text in a table cell, heading or blockquote. `@` gets a zero-width space: no mentions. */
export function escapeMarkdownText(text: string): string {
  return escapeAll(text).replaceAll('&#64;', '&#64;&#8203;');
}

/**
 * Monospace text. `<code>` rather than backticks: its content is escaped like any text, so no
 * run of backticks or pipes can end it early. GitHub does not link mentions inside `<code>`.
 */
export function markdownCode(text: string): string {
  return `<code>${escapeAll(text)}</code>`;
}

function escapeAll(text: string): string {
  return printable(text)
    .replace(PUNCTUATION, (char) => `&#${char.charCodeAt(0)};`)
    .replace(/www\./gi, (www) => `${www.slice(0, 3)}&#46;`);
}
