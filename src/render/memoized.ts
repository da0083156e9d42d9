/**
 * `render` computed once per distinct text. A plan of 100k operations names far fewer distinct
 * entities, actions and endpoints than it has lines, and renderers escape or mask each of them.
 */
export function memoized(render: (text: string) => string): (text: string) => string {
  const done = new Map<string, string>();
  return (text) => {
    let out = done.get(text);
    if (out === undefined) done.set(text, (out = render(text)));
    return out;
  };
}
