import { describe, expect, it } from 'vitest';
import { baseUrlFromEnv, credentialsFromEnv } from '../../src/biot/credentials.js';
import { BiotSubsError, CredentialsError } from '../../src/errors.js';

describe('credentialsFromEnv', () => {
  it('prefers the service user, then the user, then a token', () => {
    const all = {
      BIOT_SERVICE_USER_ID: 'svc',
      BIOT_SERVICE_USER_SECRET_KEY: 'svc-secret',
      BIOT_USERNAME: 'me@example.com',
      BIOT_PASSWORD: 'pw',
      BIOT_TOKEN: 'tok',
    };
    expect(credentialsFromEnv(all)).toEqual({ kind: 'service-user', id: 'svc', secretKey: 'svc-secret' });
    expect(credentialsFromEnv({ ...all, BIOT_SERVICE_USER_ID: '', BIOT_SERVICE_USER_SECRET_KEY: undefined })).toEqual({
      kind: 'user',
      username: 'me@example.com',
      password: 'pw',
    });
    expect(credentialsFromEnv({ BIOT_TOKEN: 'tok' })).toEqual({ kind: 'token', token: 'tok' });
  });

  it('drops the line break a token is often pasted with, and refuses any other space or control character', () => {
    expect(credentialsFromEnv({ BIOT_TOKEN: 'eyJ.abc-_.def\n' })).toEqual({ kind: 'token', token: 'eyJ.abc-_.def' });
    expect(credentialsFromEnv({ BIOT_TOKEN: '  tok\r\n' })).toEqual({ kind: 'token', token: 'tok' });
    for (const bad of ['to k', 'tok\nen', 'tok\u0000', 'tøk']) {
      expect(() => credentialsFromEnv({ BIOT_TOKEN: bad })).toThrow(
        new CredentialsError('BIOT_TOKEN holds spaces, control or non-ASCII characters: set it to the access token alone'),
      );
    }
    // Only whitespace: as unset.
    expect(() => credentialsFromEnv({ BIOT_TOKEN: ' \n' })).toThrow(/no BioT credentials in the environment/);
  });

  it('names every way to log in when none is set', () => {
    expect(() => credentialsFromEnv({})).toThrow(CredentialsError);
    expect(() => credentialsFromEnv({ BIOT_TOKEN: '' })).toThrow(
      'no BioT credentials in the environment: set BIOT_SERVICE_USER_ID and BIOT_SERVICE_USER_SECRET_KEY (a service user, preferred), or BIOT_USERNAME and BIOT_PASSWORD, or BIOT_TOKEN',
    );
  });

  it.each([
    [{ BIOT_SERVICE_USER_ID: 'svc' }, 'BIOT_SERVICE_USER_SECRET_KEY is not set but BIOT_SERVICE_USER_ID is'],
    [{ BIOT_SERVICE_USER_SECRET_KEY: 'hunter2-secret' }, 'BIOT_SERVICE_USER_ID is not set but BIOT_SERVICE_USER_SECRET_KEY is'],
    [{ BIOT_USERNAME: 'me', BIOT_TOKEN: 'tok' }, 'BIOT_PASSWORD is not set but BIOT_USERNAME is'],
    [{ BIOT_PASSWORD: 'hunter2-secret' }, 'BIOT_USERNAME is not set but BIOT_PASSWORD is'],
  ])('a half-set pair is an error naming the missing variable: %o', (env, message) => {
    const error = (() => {
      try {
        credentialsFromEnv(env);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('baseUrlFromEnv', () => {
  it.each([
    ['https://api.dev.example.biot-med.com', 'https://api.dev.example.biot-med.com'],
    ['https://api.dev.example.biot-med.com/', 'https://api.dev.example.biot-med.com'],
    ['HTTPS://API.example.com:443//', 'https://api.example.com'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['https://gw.example.com/biot/', 'https://gw.example.com/biot'],
  ])('normalizes %s', (raw, expected) => {
    expect(baseUrlFromEnv({ BIOT_BASE_URL: raw })).toBe(expected);
  });

  it.each([
    [undefined, /BIOT_BASE_URL is not set/],
    ['', /BIOT_BASE_URL is not set/],
    ['api.example.com', /BIOT_BASE_URL is not an absolute URL/],
    ['ftp://api.example.com', /BIOT_BASE_URL must be an http\(s\) URL/],
    ['https://user:hunter2-pw@api.example.com', /BIOT_BASE_URL must not hold credentials/],
    ['https://api.example.com/?key=x', /BIOT_BASE_URL must not have a query/],
  ])('refuses %s, naming the variable and never echoing a password', (raw, message) => {
    expect(() => baseUrlFromEnv({ BIOT_BASE_URL: raw })).toThrow(message);
    try {
      baseUrlFromEnv({ BIOT_BASE_URL: raw });
    } catch (error) {
      expect(error).toBeInstanceOf(BiotSubsError);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
