import { describe, expect, it } from 'vitest';
import { isTraceId, newTraceId, traceparent } from '../../src/biot/trace.js';

describe('trace ids', () => {
  it('gives well-formed, distinct span ids across many draws from the random pool', () => {
    const traceId = newTraceId();
    expect(isTraceId(traceId)).toBe(true);
    // 3,000 span ids of 8 bytes span several 4 KiB draws, trace ids mixed in between.
    const spans = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const header = traceparent(traceId);
      expect(header).toMatch(/^00-[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
      spans.add(header.split('-')[2] ?? '');
      if (i % 500 === 0) expect(newTraceId()).not.toBe(traceId);
    }
    expect(spans.size).toBe(3000);
  });
});
