import { BiotSubsError, CredentialsError } from '../errors.js';
import type { Credentials } from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

const CHOICES =
  'set BIOT_SERVICE_USER_ID and BIOT_SERVICE_USER_SECRET_KEY (a service user, preferred), or BIOT_USERNAME and BIOT_PASSWORD, or BIOT_TOKEN';

/**
 * The BioT identity from the environment: a service user (preferred), a user, or a ready token.
 * A half-set pair is an error naming the missing variable, never a silent fall-through to
 * another identity. Messages name variables, never values.
 */
export function credentialsFromEnv(env: Env): Credentials {
  const service = pair(env, 'BIOT_SERVICE_USER_ID', 'BIOT_SERVICE_USER_SECRET_KEY', 'a service-user login');
  const user = pair(env, 'BIOT_USERNAME', 'BIOT_PASSWORD', 'a user login');
  if (service) return { kind: 'service-user', id: service[0], secretKey: service[1] };
  if (user) return { kind: 'user', username: user[0], password: user[1] };
  const token = bearerToken(value(env, 'BIOT_TOKEN'));
  if (token !== undefined) return { kind: 'token', token };
  throw new CredentialsError(`no BioT credentials in the environment: ${CHOICES}`);
}

/** BIOT_BASE_URL as an absolute http(s) URL without trailing slash (how the state records its target). */
export function baseUrlFromEnv(env: Env): string {
  const raw = value(env, 'BIOT_BASE_URL');
  if (raw === undefined) throw new BiotSubsError('BIOT_BASE_URL is not set: set it to the BioT environment API URL, e.g. https://api.dev.example.biot-med.com');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value is not echoed: it may hold a password.
    throw new BiotSubsError('BIOT_BASE_URL is not an absolute URL: set it to e.g. https://api.dev.example.biot-med.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BiotSubsError(`BIOT_BASE_URL must be an http(s) URL, not ${url.protocol}`);
  if (url.username || url.password) throw new BiotSubsError('BIOT_BASE_URL must not hold credentials: use BIOT_SERVICE_USER_ID and BIOT_SERVICE_USER_SECRET_KEY');
  if (url.search || url.hash) throw new BiotSubsError('BIOT_BASE_URL must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * BIOT_TOKEN goes into an HTTP header as it is: the line break a secret is often pasted with is
 * dropped, and any other space or control character is an error here, before any call, rather
 * than a request Node refuses to send.
 */
function bearerToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const token = raw.trim();
  if (token === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CredentialsError('BIOT_TOKEN holds spaces, control or non-ASCII characters: set it to the access token alone');
  }
  return token;
}

/** Both variables of a pair, null when neither is set; one without the other is an error. */
function pair(env: Env, first: string, second: string, what: string): [string, string] | null {
  const a = value(env, first);
  const b = value(env, second);
  if (a === undefined && b === undefined) return null;
  if (a === undefined) throw new CredentialsError(`${first} is not set but ${second} is: set both for ${what}`);
  if (b === undefined) throw new CredentialsError(`${second} is not set but ${first} is: set both for ${what}`);
  return [a, b];
}

/** An empty variable counts as unset, as in most CI systems' secret handling. */
function value(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}
