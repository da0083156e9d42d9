import { randomBytes } from 'node:crypto';

const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

/** A new W3C trace id: one per run, so every call of a run can be found in BioT's logs. */
export function newTraceId(): string {
  return nonZeroHex(16);
}

export function isTraceId(value: string): boolean {
  return TRACE_ID.test(value);
}

/** `traceparent` for one request: the run's trace id and a fresh span id, sampled. */
export function traceparent(traceId: string): string {
  return `00-${traceId}-${nonZeroHex(8)}-01`;
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}
