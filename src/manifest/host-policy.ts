/**
 * Host rules for endpoints: which hosts are loopback (where http:// is fine) and whether a host
 * matches `policy.allowedHosts`. Hosts are compared as the WHATWG URL parser normalises them
 * (lower case, IDN as punycode, IPv4 in dotted decimal, IPv6 in brackets).
 */

export interface HostPattern {
  /** As written in the manifest, for messages. */
  text: string;
  /** `*.example.com` → `.example.com` (subdomains only); otherwise the exact host. */
  suffix?: string;
  exact?: string;
}

function normaliseHost(host: string): string | undefined {
  // The URL parser would quietly drop a path or userinfo: a pattern is a host and nothing else.
  if (host === '' || /[/?#@\\\s]/.test(host)) return undefined;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  try {
    const url = new URL(`http://${bracketed}/`);
    if (url.port !== '' || url.username !== '' || url.password !== '') return undefined;
    return stripDot(url.hostname);
  } catch {
    return undefined;
  }
}

function stripDot(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/** Undefined when `text` is no host pattern (it has a port, a path, a misplaced `*`, ...). */
export function compileHostPattern(text: string): HostPattern | undefined {
  if (text.startsWith('*.')) {
    const base = text.slice(2);
    if (base.includes('*')) return undefined;
    const host = normaliseHost(base);
    return host ? { text, suffix: `.${host}` } : undefined;
  }
  if (text.includes('*')) return undefined;
  const host = normaliseHost(text);
  return host ? { text, exact: host } : undefined;
}

/** `hostname` as URL#hostname gives it. */
export function hostMatches(hostname: string, patterns: readonly HostPattern[]): boolean {
  const host = stripDot(hostname);
  return patterns.some((p) =>
    p.exact !== undefined ? host === p.exact : p.suffix !== undefined && host.length > p.suffix.length && host.endsWith(p.suffix),
  );
}

/** localhost, 127.0.0.0/8 and ::1: where a plain-http endpoint does not leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = stripDot(hostname);
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
