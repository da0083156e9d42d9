/** Public demo identities the emulator accepts unless told otherwise; documented in DESIGN.md. */
export const DEMO_SERVICE_USER = { id: 'demo', secretKey: 'demo-secret' } as const;
export const DEMO_USER = { username: 'demo@example.com', password: 'demo-password' } as const;

/**
 * A fault the emulator can be told to answer the next dispatcher call with (see
 * `RunningEmulator.queueFaults`), or that `failRate` / `lostResponseRate` pick at random.
 * - `http-500`, `http-503`, `http-429`: answered at once, nothing changed (429 carries Retry-After).
 * - `drop`: the socket is destroyed without an answer, nothing changed.
 * - `lost-drop`, `lost-502`, `lost-504`: the change IS made, then the answer is lost.
 * - `slow:<ms>`: the call waits that long before being handled normally.
 */
export type Fault =
  | 'http-500'
  | 'http-503'
  | 'http-429'
  | 'drop'
  | 'lost-drop'
  | 'lost-502'
  | 'lost-504'
  | `slow:${number}`;

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the emulator is for local use and never listens publicly by accident. */
  host?: string;
  /** Added to every dispatcher call. */
  latencyMs?: number;
  /** 0..1: share of dispatcher calls answered with a random fault (500, 503, 429, drop). */
  failRate?: number;
  /** 0..1: share of changes made whose answer is then lost (drop, 502, 504). */
  lostResponseRate?: number;
  /**
   * Dispatcher calls accepted per second, counted over a sliding second (or refilling a token
   * bucket, with `rateLimitBurst`); the excess gets 429 with Retry-After.
   */
  rateLimit?: number;
  /**
   * With `rateLimit`: limit by a token bucket instead, refilled at `rateLimit` calls a second and
   * holding at most this many (a burst). BioT does not document how it counts; this is the other
   * common way.
   */
  rateLimitBurst?: number;
  /** Seed of every random choice the emulator makes, so a failing run can be replayed. */
  seed?: number;
  /** Lifetime of access tokens; default 300. */
  tokenTtlSeconds?: number;
  /** Lifetime of user refresh tokens; default 3600. */
  refreshTtlSeconds?: number;
  /** Retry-After sent with injected (not rate-limit) 429s; default 1. */
  retryAfterSeconds?: number;
  /** Service users: id → secret key. Default: the demo service user. */
  serviceUsers?: Record<string, string>;
  /** Users: username → password. Default: the demo user. */
  users?: Record<string, string>;
  /** Request bodies above this are answered 413; default 64 KiB. */
  maxBodyBytes?: number;
}

export type ResolvedEmulatorOptions = Required<Omit<EmulatorOptions, 'rateLimit' | 'rateLimitBurst'>> & {
  rateLimit: number | null;
  rateLimitBurst: number | null;
};

/** Checks and fills in defaults; a bad value is a programming or flag error, so it throws. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const resolved: ResolvedEmulatorOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    latencyMs: options.latencyMs ?? 0,
    failRate: options.failRate ?? 0,
    lostResponseRate: options.lostResponseRate ?? 0,
    rateLimit: options.rateLimit ?? null,
    rateLimitBurst: options.rateLimitBurst ?? null,
    seed: options.seed ?? 1,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
    refreshTtlSeconds: options.refreshTtlSeconds ?? 3600,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    serviceUsers: options.serviceUsers ?? { [DEMO_SERVICE_USER.id]: DEMO_SERVICE_USER.secretKey },
    users: options.users ?? { [DEMO_USER.username]: DEMO_USER.password },
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
  };
  check(Number.isInteger(resolved.port) && resolved.port >= 0 && resolved.port <= 65535, 'port must be an integer 0..65535');
  check(isNonNegative(resolved.latencyMs), 'latencyMs must be >= 0');
  check(isFraction(resolved.failRate), 'failRate must be between 0 and 1');
  check(isFraction(resolved.lostResponseRate), 'lostResponseRate must be between 0 and 1');
  check(resolved.rateLimit === null || (Number.isFinite(resolved.rateLimit) && resolved.rateLimit > 0), 'rateLimit must be > 0');
  check(
    resolved.rateLimitBurst === null || (resolved.rateLimit !== null && Number.isInteger(resolved.rateLimitBurst) && resolved.rateLimitBurst >= 1),
    'rateLimitBurst must be an integer >= 1, with rateLimit',
  );
  check(Number.isInteger(resolved.seed), 'seed must be an integer');
  check(resolved.tokenTtlSeconds > 0 && resolved.refreshTtlSeconds > 0, 'token lifetimes must be > 0');
  check(isNonNegative(resolved.retryAfterSeconds), 'retryAfterSeconds must be >= 0');
  check(Number.isInteger(resolved.maxBodyBytes) && resolved.maxBodyBytes > 0, 'maxBodyBytes must be a positive integer');
  return resolved;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`emulator: ${message}`);
}

function isNonNegative(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}

function isFraction(n: number): boolean {
  return Number.isFinite(n) && n >= 0 && n <= 1;
}
