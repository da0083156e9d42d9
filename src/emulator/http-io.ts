import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads the whole body, but stores no more than `maxBytes`: a larger body is drained and
 * reported, so the client still gets its 413 rather than a reset connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? { kind: 'too-large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('aborted', () => resolve({ kind: 'aborted' }));
  });
}

/** The trace id of the caller's W3C traceparent, so errors can be matched to the call; else a new one. */
export function traceIdOf(req: IncomingMessage): string {
  const header = req.headers.traceparent;
  const match = typeof header === 'string' ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(header.trim()) : null;
  const id = match?.[1];
  return id !== undefined && !/^0+$/.test(id) ? id : randomBytes(16).toString('hex');
}

/** BioT's error shape: a stable code, a human message, the service and the trace id. */
export interface BiotStyleError {
  code: string;
  message: string;
  serviceName: string;
  traceId: string;
  environment: 'emulator';
  details: Record<string, unknown>;
}

export function errorBody(serviceName: string, code: string, message: string, traceId: string, details: Record<string, unknown> = {}): BiotStyleError {
  return { code, message, serviceName, traceId, environment: 'emulator', details };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json' } : {}),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Ends the connection without any answer: what a crashed proxy or a reset looks like. */
export function dropConnection(req: IncomingMessage): void {
  req.socket.destroy();
}

/** Parses JSON text into a plain object, or null for anything else (malformed, array, scalar). */
export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function isJsonContentType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
