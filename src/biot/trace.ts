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

// Random bytes are drawn 4 KiB at a time: a draw is a system call, and one per request was
// ~17 µs of the ~0.45 ms of the main thread's time an apply's call costs (docs/benchmarks.md).
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

function nonZeroHex(bytes: number): string {
  for (;;) {
    if (used + bytes > pool.length) {
      pool = randomBytes(POOL_BYTES);
      used = 0;
    }
    const hex = pool.toString('hex', used, used + bytes);
    used += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}
