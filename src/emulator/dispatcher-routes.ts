import type { SubscriptionTriple } from '../subscription.js';
import type { EmulatorContext, EmulatorRequest, RecordedCall } from './context.js';
import { isLostFault, slowMs, type LostFault } from './faults.js';
import { dropConnection, errorBody, isJsonContentType, parseObject, sendJson } from './http-io.js';

const SERVICE = 'dispatcher';
const FIELDS = ['entityTypeName', 'actionName', 'endpoint'] as const;
const MAX_RECORDED = 1000;

export type DispatcherKind = 'subscribe' | 'unsubscribe';

/**
 * POST /dispatcher/v1/hooks/notifications/{subscribe,unsubscribe}. Order of checks: latency,
 * rate limit and injected faults first (as a gateway in front of the service would), then the
 * token, then the body, then the change.
 * Answers: 200 (made, empty body); 409 SUBSCRIPTION_ALREADY_EXISTS; 404 SUBSCRIPTION_NOT_FOUND;
 * 400 VALIDATION_ERROR; 401 UNAUTHORIZED; 415 UNSUPPORTED_MEDIA_TYPE; 429 TOO_MANY_REQUESTS.
 */
export function dispatcherRoute(kind: DispatcherKind) {
  return async (ctx: EmulatorContext, r: EmulatorRequest): Promise<void> => {
    if (kind === 'subscribe') ctx.stats.subscribeCalls += 1;
    else ctx.stats.unsubscribeCalls += 1;
    record(ctx.calls, r);

    if (ctx.options.latencyMs > 0 && !(await ctx.sleep(ctx.options.latencyMs))) return;

    const waitSeconds = ctx.rateLimit?.take(ctx.now()) ?? null;
    if (waitSeconds !== null) {
      ctx.stats.rateLimited += 1;
      return tooManyRequests(r, waitSeconds, 'rate limit exceeded');
    }

    const fault = ctx.faults.next();
    let lost: LostFault | null = null;
    if (fault !== null) {
      const delay = slowMs(fault);
      if (delay !== null) {
        if (!(await ctx.sleep(delay))) return;
      } else if (isLostFault(fault)) {
        lost = fault;
      } else {
        ctx.stats.injectedFaults += 1;
        return answerFault(ctx, r, fault);
      }
    }

    const triple = checkRequest(ctx, r);
    if (!triple) return;

    const changed = kind === 'subscribe' ? ctx.store.add(triple) : ctx.store.remove(triple);
    if (changed) {
      ctx.stats.changes += 1;
      lost ??= ctx.faults.lostAfterChange();
    }
    if (lost !== null) {
      ctx.stats.lostResponses += 1;
      return answerLost(r, lost);
    }
    if (changed) return sendJson(r.res, 200, undefined);
    if (kind === 'subscribe') {
      return sendJson(r.res, 409, errorBody(SERVICE, 'SUBSCRIPTION_ALREADY_EXISTS', `a subscription to ${triple.entityTypeName} ${triple.actionName} with this endpoint already exists`, r.traceId));
    }
    sendJson(r.res, 404, errorBody(SERVICE, 'SUBSCRIPTION_NOT_FOUND', `no subscription to ${triple.entityTypeName} ${triple.actionName} with this endpoint`, r.traceId));
  };
}

function record(calls: RecordedCall[], r: EmulatorRequest): void {
  const header = (name: string): string | null => {
    const value = r.req.headers[name];
    return typeof value === 'string' ? value : null;
  };
  let body: unknown = r.body;
  try {
    body = JSON.parse(r.body);
  } catch {
    // Kept as text: a malformed body is worth seeing too.
  }
  calls.push({ path: r.path, contentType: header('content-type'), traceparent: header('traceparent'), body });
  if (calls.length > MAX_RECORDED) calls.shift();
}

/** Token, content type and body; answers the error and returns null when one is wrong. */
function checkRequest(ctx: EmulatorContext, r: EmulatorRequest): SubscriptionTriple | null {
  const auth = r.req.headers.authorization;
  const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
  if (!token || !ctx.tokens.isAccessValid(token, ctx.now())) {
    ctx.stats.unauthorized += 1;
    sendJson(r.res, 401, errorBody(SERVICE, 'UNAUTHORIZED', token ? 'the access token is invalid or expired' : 'missing bearer token', r.traceId));
    return null;
  }
  if (!isJsonContentType(r.req)) {
    sendJson(r.res, 415, errorBody(SERVICE, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json', r.traceId));
    return null;
  }
  const parsed = parseTriple(parseObject(r.body));
  if (typeof parsed === 'string') {
    sendJson(r.res, 400, errorBody(SERVICE, 'VALIDATION_ERROR', parsed, r.traceId));
    return null;
  }
  return parsed;
}

/** The triple of a body that is exactly {entityTypeName, actionName, endpoint}, else what is wrong. */
export function parseTriple(body: Record<string, unknown> | null): SubscriptionTriple | string {
  if (body === null) return 'body must be a JSON object';
  const extra = Object.keys(body).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) return `unexpected field(s): ${extra.map((k) => k.slice(0, 40)).join(', ')}`;
  const entityTypeName = filled(body.entityTypeName);
  const actionName = filled(body.actionName);
  const endpoint = filled(body.endpoint);
  if (entityTypeName === null) return 'entityTypeName must be a non-empty string';
  if (actionName === null) return 'actionName must be a non-empty string';
  if (endpoint === null) return 'endpoint must be a non-empty string';
  return isHttpUrl(endpoint) ? { entityTypeName, actionName, endpoint } : 'endpoint must be a valid absolute http(s) URI';
}

function filled(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function tooManyRequests(r: EmulatorRequest, retryAfterSeconds: number, message: string): void {
  sendJson(r.res, 429, errorBody(SERVICE, 'TOO_MANY_REQUESTS', message, r.traceId), { 'retry-after': String(retryAfterSeconds) });
}

function answerFault(ctx: EmulatorContext, r: EmulatorRequest, fault: 'http-500' | 'http-503' | 'http-429' | 'drop' | `slow:${number}`): void {
  switch (fault) {
    case 'http-500':
      return sendJson(r.res, 500, errorBody(SERVICE, 'INTERNAL_SERVER_ERROR', 'injected fault', r.traceId));
    case 'http-503':
      return sendJson(r.res, 503, errorBody(SERVICE, 'SERVICE_UNAVAILABLE', 'injected fault', r.traceId));
    case 'http-429':
      return tooManyRequests(r, ctx.options.retryAfterSeconds, 'injected fault');
    default:
      return dropConnection(r.req);
  }
}

function answerLost(r: EmulatorRequest, lost: LostFault): void {
  if (lost === 'lost-drop') return dropConnection(r.req);
  const status = lost === 'lost-502' ? 502 : 504;
  sendJson(r.res, status, errorBody('gateway', status === 502 ? 'BAD_GATEWAY' : 'GATEWAY_TIMEOUT', 'the answer was lost on the way back', r.traceId));
}
