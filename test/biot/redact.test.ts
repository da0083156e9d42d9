import { describe, expect, it } from 'vitest';
import { errorDetail } from '../../src/biot/biot-error.js';
import { endpointSecrets, Redactor } from '../../src/biot/redact.js';

describe('Redactor', () => {
  it('masks every secret it knows, longest first', () => {
    const r = new Redactor();
    r.add('abc-secret', 'abc-secret-longer');
    expect(r.redact('x abc-secret-longer y abc-secret z')).toBe('x *** y *** z');
  });

  it('masks the query values and password of an endpoint, not short harmless values', () => {
    const endpoint = 'https://u:p%40ssword@fn.example.net/api/cmd?code=AbCdEf123&v=1';
    const secrets = endpointSecrets(endpoint);
    const r = new Redactor();
    const text = r.redact(`bad endpoint ${endpoint}`, secrets);
    expect(text).not.toContain('AbCdEf123');
    expect(text).not.toContain('p%40ssword');
    expect(text).toContain('fn.example.net/api/cmd');
    expect(endpointSecrets('not a url at all')).toEqual(['not a url at all']);
  });
});

describe('errorDetail', () => {
  const same = (t: string): string => t;

  it("takes BioT's code, message and trace id", () => {
    expect(errorDetail(400, { code: 'VALIDATION_ERROR', message: 'bad', traceId: 'abc123' }, 'ours', same)).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'bad',
      traceId: 'abc123',
    });
  });

  it('falls back to the status and our trace id for a body that is not BioT JSON', () => {
    expect(errorDetail(502, null, 'ours', same)).toEqual({ status: 502, message: 'BioT answered HTTP 502', traceId: 'ours' });
    expect(errorDetail(500, { message: 'x'.repeat(2_000), traceId: '<script>' }, 'ours', same)).toMatchObject({ traceId: 'ours' });
    expect(errorDetail(500, { message: 'x'.repeat(2_000) }, 'ours', same).message.length).toBeLessThanOrEqual(501);
  });

  it('never passes on a secret as a trace id', () => {
    const redact = (t: string): string => t.replace('tok_SECRET', '***');
    expect(errorDetail(401, { code: 'UNAUTHORIZED', message: 'no', traceId: 'tok_SECRET' }, 'ours', redact).traceId).toBe('ours');
  });

  it('redacts what BioT echoes', () => {
    expect(errorDetail(400, { message: 'endpoint https://x?code=SECRET1 refused' }, 'ours', (t) => t.replace('SECRET1', '***')).message).toBe(
      'endpoint https://x?code=*** refused',
    );
  });
});
