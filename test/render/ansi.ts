/** Shows SGR escape codes as readable tags, so coloured output reads well in a snapshot. */
const NAMES: Record<string, string> = { '1': 'bold', '2': 'dim', '22': '/weight', '31': 'red', '32': 'green', '33': 'yellow', '39': '/color' };

export function showAnsi(text: string): string {
  return text.replace(/\u001b\[(\d+)m/g, (_match, code: string) => `<${NAMES[code] ?? code}>`);
}
