import { setTimeout as delay } from 'node:timers/promises';
import { BiotApiError, BiotSubsError, type BiotErrorDetail } from '../errors.js';
import type { SubscriptionTriple } from '../subscription.js';
import { refusedMessage, TokenSource } from './auth.js';
import { errorDetail } from './biot-error.js';
import { isConvergedAnswer } from './converged.js';
import { postJson, type HttpAnswer } from './http.js';
import { AdaptiveLimiter, type Permit } from './limiter.js';
import type { PacingResult } from './rate-control.js';
import { endpointSecrets, Redactor } from './redact.js';
import { relaySignal } from './signal-relay.js';
import { retrying, type Attempt } from './retry-loop.js';
import { DEFAULT_RETRY_TIMING, isRetryableStatus, type RetryTiming } from './retry-timing.js';
import { isTraceId, newTraceId, traceparent } from './trace.js';
import type { BiotClientStats, CallOutcome, ClientEvent, Credentials } from './types.js';

export interface BiotClientOptions {
  /** From baseUrlFromEnv: absolute, without trailing slash. */
  baseUrl: string;
  credentials: Credentials;
  /** Further attempts after the first, for retryable failures. Default 5. */
  retries?: number;
  /** Per request, reading the answer included. Default 15000. */
  timeoutMs?: number;
  /** --rate: at most this many requests per second across all workers. */
  rate?: number;
  /** Calls in flight at most; give it the executor's --concurrency. Default 4. */
  maxInFlight?: number;
  /** The run's W3C trace id (32 hex); one is made when absent. */
  traceId?: string;
  onEvent?: (event: ClientEvent) => void;
  /**
   * Cuts logins in flight and their retry waits (an interrupted run: pass its cancel signal).
   * Calls take their own signal; a login has none and could otherwise hold the run for minutes.
   */
  signal?: AbortSignal;
  /** Injectable for tests: retry waits and pacing. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Backoff jitter only. */
  random?: () => number;
  /** Backoff base, cap and Retry-After cap; tests make them small. */
  retryTiming?: Partial<RetryTiming>;
}

export interface BiotClient {
  /** Never rejects: every failure is a `failed` outcome saying whether the change may have happened. */
  subscribe(triple: SubscriptionTriple, signal?: AbortSignal): Promise<CallOutcome>;
  unsubscribe(triple: SubscriptionTriple, signal?: AbortSignal): Promise<CallOutcome>;
  /** Logs in now, so bad credentials fail once (CredentialsError) before any dispatcher call. */
  authenticate(): Promise<void>;
  stats(): BiotClientStats;
  readonly traceId: string;
}

type CallKind = 'subscribe' | 'unsubscribe';

const PATHS: Record<CallKind, string> = {
  subscribe: '/dispatcher/v1/hooks/notifications/subscribe',
  unsubscribe: '/dispatcher/v1/hooks/notifications/unsubscribe',
};

/** One attempt's answer, with the token it was sent with (to invalidate it after a 401). */
type Sent = (HttpAnswer & { token?: string }) | { kind: 'no-token'; error: BiotErrorDetail };

export function createBiotClient(options: BiotClientOptions): BiotClient {
  const traceId = options.traceId ?? newTraceId();
  if (!isTraceId(traceId)) throw new TypeError('traceId must be 32 lowercase hex digits, not all zero');
  if (options.rate !== undefined && !(options.rate > 0)) throw new RangeError('rate must be > 0');
  const retries = options.retries ?? 5;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const timing: RetryTiming = { ...DEFAULT_RETRY_TIMING, ...options.retryTiming };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const counters = { requests: 0, retries: 0, throttled: 0, logins: 0, refreshes: 0 };
  const emit = (event: ClientEvent): void => {
    if (event.kind === 'token') counters[event.how === 'login' ? 'logins' : 'refreshes'] += 1;
    options.onEvent?.(event);
  };

  const redactor = new Redactor();
  const tokens = new TokenSource({
    baseUrl: options.baseUrl,
    credentials: options.credentials,
    timeoutMs,
    retries,
    timing,
    traceId,
    now,
    random,
    sleep,
    redactor,
    onEvent: emit,
    ...(options.signal ? { signal: options.signal } : {}),
    onRequest: () => (counters.requests += 1),
    onRetry: () => (counters.retries += 1),
  });
  const limiter = new AdaptiveLimiter(
    { maxInFlight: options.maxInFlight ?? 4, ...(options.rate !== undefined ? { maxRate: options.rate } : {}) },
    { now, sleep: (ms) => sleep(ms), onCut: (s) => emit({ kind: 'throttled', rate: s.rate, inFlight: s.inFlightLimit }) },
  );

  async function call(kind: CallKind, triple: SubscriptionTriple, callerSignal?: AbortSignal): Promise<CallOutcome> {
    const signal = relaySignal(callerSignal);
    // Exactly BioT's three fields, whatever else the caller's object carries.
    const body = { entityTypeName: triple.entityTypeName, actionName: triple.actionName, endpoint: triple.endpoint };
    const hidden = endpointSecrets(triple.endpoint);
    const redact = (text: string): string => redactor.redact(text, hidden);
    let sent = false;
    let maybeChanged = false;
    let renewed = false;
    const changed = (): 'no' | 'unknown' => (maybeChanged ? 'unknown' : 'no');
    const interrupted = (): CallOutcome => ({ kind: 'failed', changed: sent ? 'unknown' : 'no', error: { message: 'interrupted', traceId } });

    const sendOnce = async (): Promise<Sent> => {
      let token: string;
      try {
        token = await tokens.token(signal);
      } catch (error) {
        if (signal?.aborted) return { kind: 'aborted' };
        return { kind: 'no-token', error: loginFailure(error, traceId) };
      }
      let permit: Permit | undefined;
      try {
        permit = await limiter.acquire(signal);
        // The wait for a permit can outlast a short-lived token: take it again (at once when
        // still fresh). Taking it first too means no permit is held through the first login.
        token = await tokens.token(signal);
      } catch (error) {
        permit?.release('failed');
        if (signal?.aborted) return { kind: 'aborted' };
        return { kind: 'no-token', error: loginFailure(error, traceId) };
      }
      counters.requests += 1;
      sent = true;
      const answer = await postJson(`${options.baseUrl}${PATHS[kind]}`, body, {
        headers: { authorization: `Bearer ${token}`, traceparent: traceparent(traceId) },
        timeoutMs,
        ...(signal ? { signal } : {}),
      });
      permit.release(pacing(answer));
      if (answer.kind === 'response' && answer.status === 429) counters.throttled += 1;
      return { ...answer, token };
    };

    const attempt = async (n: number): Promise<Attempt<CallOutcome>> => {
      let answer = await sendOnce();
      if (answer.kind === 'response' && answer.status === 401 && !renewed && tokens.renewable) {
        // An expired or revoked token: renew it once and send again, without counting a retry.
        renewed = true;
        if (answer.token !== undefined) tokens.invalidate(answer.token);
        answer = await sendOnce();
      }
      switch (answer.kind) {
        case 'aborted':
          return { done: interrupted() };
        case 'no-token':
          return { done: { kind: 'failed', changed: changed(), error: answer.error } };
        case 'no-response': {
          maybeChanged = true;
          const reason = answer.reason === 'timeout' ? `timeout after ${timeoutMs} ms` : `connection failed: ${redact(answer.cause.message)}`;
          const message = `no answer from BioT after ${n} attempt${n === 1 ? '' : 's'} (${reason})`;
          return { retry: reason, failure: { kind: 'failed', changed: 'unknown', error: { message, traceId } } };
        }
      }
      const { status } = answer;
      if (status >= 200 && status < 300) return { done: { kind: 'ok', status } };
      if (isConvergedAnswer(kind, status, answer.body)) return { done: { kind: 'converged', status } };
      // A 5xx (or 408) may come after the change was made: from here on, the outcome is unknown.
      if (status >= 500 || status === 408) maybeChanged = true;
      const detail = errorDetail(status, answer.body, traceId, redact);
      if (status === 401 && !tokens.renewable) {
        detail.message = `${refusedMessage('token')}: ${detail.message}`;
        tokens.invalidate(answer.token ?? '');
      }
      const failure: CallOutcome = { kind: 'failed', changed: changed(), error: detail };
      if (!isRetryableStatus(status)) return { done: failure };
      return { retry: `HTTP ${status}${detail.code ? ` ${detail.code}` : ''}`, retryAfter: answer.retryAfter, failure };
    };

    if (signal?.aborted) return interrupted();
    return retrying(attempt, {
      retries,
      timing,
      now,
      random,
      sleep,
      ...(signal ? { signal } : {}),
      interrupted,
      onRetry: (n, delayMs, reason) => {
        counters.retries += 1;
        emit({ kind: 'retry', attempt: n, delayMs, reason, call: kind });
      },
    });
  }

  return {
    traceId,
    subscribe: (triple, signal) => call('subscribe', triple, signal),
    unsubscribe: (triple, signal) => call('unsubscribe', triple, signal),
    authenticate: async () => {
      await tokens.token();
    },
    stats: () => {
      const { rate, inFlightLimit, limitCounting } = limiter.snapshot();
      return { ...counters, rate, inFlightLimit, limitCounting };
    },
  };
}

/** How an answer bears on pacing: only a 429 slows down; a 5xx or no answer is not a rate signal. */
function pacing(answer: HttpAnswer): PacingResult {
  if (answer.kind !== 'response') return 'failed';
  if (answer.status === 429) return 'throttled';
  return answer.status < 500 ? 'ok' : 'failed';
}

/** Why no token could be had, from our own errors (built without secrets); anything else is not shown. */
function loginFailure(error: unknown, traceId: string): BiotErrorDetail {
  if (error instanceof BiotApiError) return { ...error.detail, message: error.message };
  if (error instanceof BiotSubsError) return { message: error.message, traceId };
  return { message: 'could not obtain a BioT access token', traceId };
}
