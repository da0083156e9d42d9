import { describe, expect, it } from 'vitest';
import { isConvergedAnswer } from '../../src/biot/converged.js';

describe('isConvergedAnswer', () => {
  const biot = { code: 'SUBSCRIPTION_ALREADY_EXISTS', message: 'exists' };

  it('409 on subscribe and 404 on unsubscribe, in BioT error shape, are converged', () => {
    expect(isConvergedAnswer('subscribe', 409, biot)).toBe(true);
    expect(isConvergedAnswer('unsubscribe', 404, { code: 'SUBSCRIPTION_NOT_FOUND' })).toBe(true);
  });

  it('not the other way round, and not other statuses', () => {
    expect(isConvergedAnswer('subscribe', 404, biot)).toBe(false);
    expect(isConvergedAnswer('unsubscribe', 409, biot)).toBe(false);
    expect(isConvergedAnswer('subscribe', 200, biot)).toBe(false);
    expect(isConvergedAnswer('subscribe', 400, biot)).toBe(false);
  });

  it('a 404 page without BioT error JSON (a proxy, a wrong path) is not converged', () => {
    expect(isConvergedAnswer('unsubscribe', 404, null)).toBe(false);
    expect(isConvergedAnswer('unsubscribe', 404, { timestamp: 1, status: 404, error: 'Not Found' })).toBe(false);
  });
});
