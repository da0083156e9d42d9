import type { BiotErrorDetail } from '../errors.js';

/**
 * BioT's error from an answer's JSON body ({code, message, traceId}), for the run's summary.
 * Text is cut short and passed through `redact`: a server may echo what it was sent.
 */
export function errorDetail(status: number, body: unknown, fallbackTraceId: string, redact: (text: string) => string): BiotErrorDetail {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = shortText(fields.code, 100);
  const message = shortText(fields.message, 500);
  const traceId = shortText(fields.traceId, 128);
  const safeTraceId = traceId === undefined ? undefined : redact(traceId);
  return {
    status,
    ...(code !== undefined ? { code: redact(code) } : {}),
    message: message !== undefined ? redact(message) : `BioT answered HTTP ${status}`,
    // A trace id is an identifier: anything else (or anything redacted) is replaced by ours.
    traceId: safeTraceId !== undefined && /^[\w.:-]+$/.test(safeTraceId) ? safeTraceId : fallbackTraceId,
  };
}

function shortText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
