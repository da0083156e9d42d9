import { BiotApiError, CredentialsError } from '../errors.js';
import { errorDetail } from './biot-error.js';
import { postJson } from './http.js';
import type { Redactor } from './redact.js';
import { retrying, type Attempt } from './retry-loop.js';
import { isRetryableStatus, type RetryTiming } from './retry-timing.js';
import { traceparent } from './trace.js';
import type { ClientEvent, Credentials } from './types.js';

export interface TokenSourceOptions {
  baseUrl: string;
  credentials: Credentials;
  timeoutMs: number;
  retries: number;
  timing: RetryTiming;
  traceId: string;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  redactor: Redactor;
  onEvent: (event: ClientEvent) => void;
  /** Counts each HTTP request and retry the logins make, for the client's stats. */
  onRequest: () => void;
  onRetry: () => void;
  /** Cuts the login in flight and its retry waits: the run is being interrupted. */
  signal?: AbortSignal;
}

interface Held {
  token: string;
  expiresAt: number;
  /** Renew this long before expiry: 10 s, or a quarter of a short lifetime. */
  marginMs: number;
  refresh: { token: string; expiresAt: number } | null;
}

type LoginResult = { kind: 'ok'; body: unknown } | { kind: 'refused' } | { kind: 'error'; error: BiotApiError };

/** When BioT's expiration cannot be used (absent, or already past by our clock): renew after this. */
const FALLBACK_LIFETIME_MS = 60_000;

const REFUSED: Record<Credentials['kind'], string> = {
  'service-user': 'BioT refused the service user credentials (BIOT_SERVICE_USER_ID / BIOT_SERVICE_USER_SECRET_KEY)',
  user: 'BioT refused the user credentials (BIOT_USERNAME / BIOT_PASSWORD)',
  token: 'BioT refused the access token (BIOT_TOKEN)',
};

export function refusedMessage(kind: Credentials['kind']): string {
  return REFUSED[kind];
}

/**
 * Access tokens for the dispatcher calls: logs in, renews before expiry (user: by refresh token,
 * falling back to a full login), and after a 401 on demand. Concurrent callers share one login
 * in flight. A refusal is kept: every later caller gets the same CredentialsError at once
 * rather than hammering the login endpoint.
 */
export class TokenSource {
  readonly #o: TokenSourceOptions;
  #held: Held | null = null;
  #pending: Promise<Held> | null = null;
  #refused: CredentialsError | null = null;

  constructor(options: TokenSourceOptions) {
    this.#o = options;
    const c = options.credentials;
    options.redactor.add(c.kind === 'service-user' ? c.secretKey : c.kind === 'user' ? c.password : c.token);
  }

  /** False for BIOT_TOKEN: there is nothing to renew it with. */
  get renewable(): boolean {
    return this.#o.credentials.kind !== 'token';
  }

  async token(signal?: AbortSignal): Promise<string> {
    if (this.#refused) throw this.#refused;
    const held = this.#held;
    if (held && this.#o.now() < held.expiresAt - held.marginMs) return held.token;
    this.#pending ??= this.#obtain().finally(() => (this.#pending = null));
    return (await abortable(this.#pending, signal)).token;
  }

  /** BioT answered 401 with this token: the next token() renews (unless another caller already did). */
  invalidate(token: string): void {
    // A ready BIOT_TOKEN cannot be renewed: once refused, every later call fails without a request
    // rather than collecting one 401 per operation.
    if (!this.renewable) this.#refused ??= new CredentialsError(REFUSED.token);
    else if (this.#held?.token === token) this.#held = { ...this.#held, expiresAt: Number.NEGATIVE_INFINITY };
  }

  async #obtain(): Promise<Held> {
    const c = this.#o.credentials;
    if (c.kind === 'token') return (this.#held = { token: c.token, expiresAt: Number.POSITIVE_INFINITY, marginMs: 0, refresh: null });
    const refresh = this.#held?.refresh;
    if (refresh && refresh.expiresAt > this.#o.now()) {
      const result = await this.#post('/ums/v2/users/token/refresh', { refreshToken: refresh.token });
      // A refused or failed refresh is not the end: a full login may still work.
      if (result.kind === 'ok') return this.#keep(this.#parse(result.body), 'refresh');
    }
    const result =
      c.kind === 'service-user'
        ? await this.#post('/ums/v2/services/accessToken', { id: c.id, secretKey: c.secretKey })
        : await this.#post('/ums/v2/users/login', { username: c.username, password: c.password });
    if (result.kind === 'refused') {
      this.#refused = new CredentialsError(REFUSED[c.kind]);
      throw this.#refused;
    }
    if (result.kind === 'error') throw result.error;
    return this.#keep(this.#parse(result.body), 'login');
  }

  #keep(held: Held, how: 'login' | 'refresh'): Held {
    this.#held = held;
    this.#o.redactor.add(held.token, held.refresh?.token ?? '');
    this.#o.onEvent({ kind: 'token', mode: this.#o.credentials.kind, how });
    return held;
  }

  /** Reads either login answer: {accessToken, accessTokenExpiration} or {accessJwt, refreshJwt}. */
  #parse(body: unknown): Held {
    const b = record(body);
    const accessJwt = record(b.accessJwt);
    const refreshJwt = record(b.refreshJwt);
    const token = str(b.accessToken) ?? str(accessJwt.token);
    if (token === undefined) {
      throw new BiotApiError({ message: 'BioT answered the login without an access token', traceId: this.#o.traceId });
    }
    const now = this.#o.now();
    const expiresAt = Date.parse(str(b.accessTokenExpiration) ?? str(accessJwt.expiration) ?? '');
    const lifetimeMs = Number.isFinite(expiresAt) && expiresAt > now ? expiresAt - now : FALLBACK_LIFETIME_MS;
    const refreshToken = str(refreshJwt.token);
    const refreshExpiresAt = Date.parse(str(refreshJwt.expiration) ?? '');
    return {
      token,
      expiresAt: now + lifetimeMs,
      marginMs: Math.min(10_000, lifetimeMs / 4),
      refresh: refreshToken === undefined ? null : { token: refreshToken, expiresAt: Number.isFinite(refreshExpiresAt) ? refreshExpiresAt : Number.POSITIVE_INFINITY },
    };
  }

  /** One login-type request with the client's retry policy; 401/403 mean refused. */
  #post(path: string, body: Record<string, string>): Promise<LoginResult> {
    const o = this.#o;
    return retrying<LoginResult>(
      async (): Promise<Attempt<LoginResult>> => {
        o.onRequest();
        const answer = await postJson(`${o.baseUrl}${path}`, body, {
          headers: { traceparent: traceparent(o.traceId) },
          timeoutMs: o.timeoutMs,
          ...(o.signal ? { signal: o.signal } : {}),
        });
        if (answer.kind === 'aborted') return { done: interruptedLogin(o.traceId) };
        if (answer.kind !== 'response') {
          const { reason } = answer;
          const cause = new Error(o.redactor.redact(answer.cause.message));
          const error = new BiotApiError({ message: `BioT login: no answer (${reason})`, traceId: o.traceId }, { cause });
          return { retry: reason, failure: { kind: 'error', error } };
        }
        if (answer.status >= 200 && answer.status < 300) return { done: { kind: 'ok', body: answer.body } };
        if (answer.status === 401 || answer.status === 403) return { done: { kind: 'refused' } };
        const detail = errorDetail(answer.status, answer.body, o.traceId, (t) => o.redactor.redact(t));
        const failure: LoginResult = { kind: 'error', error: new BiotApiError({ ...detail, message: `BioT login: ${detail.message}` }) };
        return isRetryableStatus(answer.status) ? { retry: `HTTP ${answer.status}`, retryAfter: answer.retryAfter, failure } : { done: failure };
      },
      {
        retries: o.retries,
        timing: o.timing,
        now: o.now,
        random: o.random,
        sleep: o.sleep,
        ...(o.signal ? { signal: o.signal } : {}),
        onRetry: (attempt, delayMs, reason) => {
          o.onRetry();
          o.onEvent({ kind: 'retry', attempt, delayMs, reason, call: 'login' });
        },
        interrupted: () => interruptedLogin(o.traceId),
      },
    );
  }
}

function interruptedLogin(traceId: string): LoginResult {
  return { kind: 'error', error: new BiotApiError({ message: 'BioT login interrupted', traceId }) };
}

/** Lets one caller stop waiting for a login shared with others, without cancelling it for them. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
