import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPicker } from './faults.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { SubscriptionStore } from './store.js';
import type { TokenStore } from './tokens.js';

/** Counters tests and benchmarks read to see what the client really did. */
export interface EmulatorStats {
  /** Every request received, any path. */
  requests: number;
  byPath: Record<string, number>;
  /** Dispatcher calls answered 429 by the rate limit (not injected 429s). */
  rateLimited: number;
  /** Dispatcher calls answered with an injected fault (queued or from failRate). */
  injectedFaults: number;
  /** Changes made whose answer was then lost. */
  lostResponses: number;
  /** Requests to the subscribe / unsubscribe paths, whatever their answer. */
  subscribeCalls: number;
  unsubscribeCalls: number;
  /** Subscriptions added or removed. */
  changes: number;
  /** Successful logins (service user or user) and refreshes. */
  logins: number;
  refreshes: number;
  /** Requests answered 401 (bad credentials or missing/expired token). */
  unauthorized: number;
}

export function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byPath: {},
    rateLimited: 0,
    injectedFaults: 0,
    lostResponses: 0,
    subscribeCalls: 0,
    unsubscribeCalls: 0,
    changes: 0,
    logins: 0,
    refreshes: 0,
    unauthorized: 0,
  };
}

/** A dispatcher call as received, without its Authorization header: what a client really sent. */
export interface RecordedCall {
  path: string;
  contentType: string | null;
  traceparent: string | null;
  /** The body as sent: parsed JSON when it parses, else the raw text. */
  body: unknown;
}

/** A rate limit (a sliding window or a token bucket). */
export interface RateLimit {
  /** Null when a call arriving at `now` may pass (and counts it), else the whole seconds to wait. */
  take(now: number): number | null;
  reset(): void;
}

/** What every route handler shares: the emulated BioT's memory and its knobs. */
export interface EmulatorContext {
  options: ResolvedEmulatorOptions;
  tokens: TokenStore;
  store: SubscriptionStore;
  faults: FaultPicker;
  rateLimit: RateLimit | null;
  stats: EmulatorStats;
  /** The most recent dispatcher calls, oldest first (bounded). */
  calls: RecordedCall[];
  now(): number;
  /** Resolves false instead of waiting when the emulator is closing. */
  sleep(ms: number): Promise<boolean>;
}

/** One request, its body already read. */
export interface EmulatorRequest {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  traceId: string;
  body: string;
}

export type RouteHandler = (ctx: EmulatorContext, request: EmulatorRequest) => Promise<void> | void;
