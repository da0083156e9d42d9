import type { RunningEmulator } from './server.js';
import type { ResolvedEmulatorOptions } from './options.js';

/**
 * What `biot-subs emulator` prints: where it listens and the environment a client needs. The
 * credentials printed are the emulator's own (public demo values unless flags changed them),
 * never a real BioT's.
 */
export function describeEmulator(running: Pick<RunningEmulator, 'url' | 'options'>): string {
  const { options, url } = running;
  const [serviceId, serviceSecret] = Object.entries(options.serviceUsers)[0] ?? [];
  const [username, password] = Object.entries(options.users)[0] ?? [];
  const lines = [`BioT emulator listening on ${url}`, '', 'Use it with:', `  export BIOT_BASE_URL=${url}`];
  if (serviceId !== undefined && serviceSecret !== undefined) {
    lines.push(`  export BIOT_SERVICE_USER_ID=${shellQuote(serviceId)}`, `  export BIOT_SERVICE_USER_SECRET_KEY=${shellQuote(serviceSecret)}`);
  }
  if (username !== undefined && password !== undefined) {
    lines.push(`  # or a user login: BIOT_USERNAME=${shellQuote(username)} BIOT_PASSWORD=${shellQuote(password)}`);
  }
  lines.push(
    '',
    `Faults: latency ${options.latencyMs} ms, fail rate ${options.failRate}, lost-response rate ${options.lostResponseRate}, ` +
      `rate limit ${rateLimitText(options)}, seed ${options.seed}; tokens live ${options.tokenTtlSeconds} s`,
    `Held subscriptions: GET ${url}/_emulator/subscriptions`,
    'Stop with Ctrl-C.',
  );
  return lines.join('\n');
}

function rateLimitText(options: ResolvedEmulatorOptions): string {
  if (options.rateLimit === null) return 'none';
  return options.rateLimitBurst === null ? `${options.rateLimit}/s` : `${options.rateLimit}/s (token bucket, burst ${options.rateLimitBurst})`;
}

/** Quotes for a POSIX shell only when needed, so the common demo values stay readable. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
