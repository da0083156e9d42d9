/**
 * THE decision point for "BioT already is as wanted". BioT does not document what subscribe
 * answers for a triple it already holds, nor unsubscribe for one it does not hold; the emulator
 * answers 409 and 404. When BioT's real answers are known, correct them here and only here.
 *
 * The answer must also carry BioT's JSON error (an object with a string `code`): a 404 page from
 * a proxy or a wrong path must not pass for "not subscribed", or a run would forget
 * subscriptions that still exist.
 */
export function isConvergedAnswer(kind: 'subscribe' | 'unsubscribe', status: number, body: unknown): boolean {
  const expected = kind === 'subscribe' ? 409 : 404;
  return status === expected && isBiotError(body);
}

function isBiotError(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}
