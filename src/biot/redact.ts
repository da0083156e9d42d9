const MASK = '***';

/**
 * Masks known secrets in any text that leaves the client (error messages from BioT, causes of
 * network errors). Messages are built without secrets in the first place; this is the second
 * line, for what a server or a library may echo back.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Credential values and tokens: masked wherever they appear, whatever their length. */
  add(...secrets: readonly string[]): void {
    for (const secret of secrets) if (secret) this.#secrets.add(secret);
  }

  redact(text: string, extra: readonly string[] = []): string {
    // Longest first, so a secret containing another is masked whole.
    const all = [...this.#secrets, ...extra].filter(Boolean).sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of all) out = out.split(secret).join(MASK);
    return out;
  }
}

/**
 * What in an endpoint URL may be a secret: its password and its query values (an Azure
 * Functions `?code=` key, a token). Very short values are left alone: masking "1" would mangle
 * every message and hide nothing.
 */
export function endpointSecrets(endpoint: string): string[] {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    // Not a URL: BioT will refuse it, and its message may quote it whole.
    return [endpoint];
  }
  const secrets = [url.password, decodeSafe(url.password), url.search.slice(1)];
  for (const [, value] of url.searchParams) secrets.push(value, encodeURIComponent(value));
  return secrets.filter((s) => s.length >= 4);
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
