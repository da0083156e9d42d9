import type { EmulatorContext, EmulatorRequest } from './context.js';
import { errorBody, parseObject, sendJson } from './http-io.js';

const SERVICE = 'ums';

/** POST /ums/v2/services/accessToken {id, secretKey} → {accessToken, accessTokenExpiration}. */
export function serviceAccessToken(ctx: EmulatorContext, r: EmulatorRequest): void {
  const body = stringFields(r, ['id', 'secretKey']);
  if (!body) return;
  if (!holds(ctx.options.serviceUsers, body.id, body.secretKey)) return refuse(ctx, r, 'invalid service user id or secret key');
  ctx.stats.logins += 1;
  const access = ctx.tokens.issueAccess(ctx.now());
  sendJson(r.res, 200, { accessToken: access.token, accessTokenExpiration: new Date(access.expiresAt).toISOString() });
}

/** POST /ums/v2/users/login {username, password} → {accessJwt, refreshJwt}. */
export function userLogin(ctx: EmulatorContext, r: EmulatorRequest): void {
  const body = stringFields(r, ['username', 'password']);
  if (!body) return;
  if (!holds(ctx.options.users, body.username, body.password)) return refuse(ctx, r, 'invalid username or password');
  ctx.stats.logins += 1;
  sendJson(r.res, 200, jwtPair(ctx, body.username));
}

/** POST /ums/v2/users/token/refresh {refreshToken} → a new {accessJwt, refreshJwt}. */
export function refreshToken(ctx: EmulatorContext, r: EmulatorRequest): void {
  const body = stringFields(r, ['refreshToken']);
  if (!body) return;
  if (!ctx.tokens.consumeRefresh(body.refreshToken, ctx.now())) return refuse(ctx, r, 'refresh token is invalid or expired');
  ctx.stats.refreshes += 1;
  sendJson(r.res, 200, jwtPair(ctx, 'refreshed'));
}

function jwtPair(ctx: EmulatorContext, userId: string): unknown {
  const now = ctx.now();
  const access = ctx.tokens.issueAccess(now);
  const refresh = ctx.tokens.issueRefresh(now);
  return {
    userId,
    accessJwt: { token: access.token, expiration: new Date(access.expiresAt).toISOString() },
    refreshJwt: { token: refresh.token, expiration: new Date(refresh.expiresAt).toISOString() },
  };
}

/** The named string fields of a JSON object body, or null after answering 400. */
function stringFields<K extends string>(r: EmulatorRequest, names: readonly K[]): Record<K, string> | null {
  const body = parseObject(r.body);
  const fields: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = body?.[name];
    if (typeof value !== 'string' || value === '') break;
    fields[name] = value;
  }
  if (names.every((name) => fields[name] !== undefined)) return fields as Record<K, string>;
  sendJson(r.res, 400, errorBody(SERVICE, 'VALIDATION_ERROR', `body must be a JSON object with non-empty string fields: ${names.join(', ')}`, r.traceId));
  return null;
}

function holds(map: Record<string, string>, name: string, secret: string): boolean {
  return Object.hasOwn(map, name) && map[name] === secret;
}

function refuse(ctx: EmulatorContext, r: EmulatorRequest, message: string): void {
  ctx.stats.unauthorized += 1;
  sendJson(r.res, 401, errorBody(SERVICE, 'UNAUTHORIZED', message, r.traceId));
}
