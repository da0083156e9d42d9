/**
 * Colour decisions live here: renderers take `color: boolean` and stay pure, the CLI asks
 * `shouldColor` once per stream.
 */
import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];

/**
 * FORCE_COLOR wins (as in Node itself: CI logs that render ANSI opt in with it), then NO_COLOR
 * (any non-empty value, per no-color.org) and TERM=dumb turn colour off, else a TTY gets it.
 */
export function shouldColor(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR']) return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/** Returns a styler that is the identity when colour is off. */
export function styler(color: boolean): (style: Style, text: string) => string {
  // validateStream: false — the caller already decided; Node >= 22 would otherwise check stdout.
  return color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}
