/**
 * Reads a manifest file as bytes and UTF-8 text. The size is checked on the open file before
 * anything is read, and never more than the limit (plus one byte) is read, so a huge or growing
 * file costs nothing. A file that cannot be read at all throws a BiotSubsError (it is not a
 * problem *in* the manifest); a too large or non-UTF-8 one is returned as a problem.
 *
 * Synchronous: a manifest is a local file of at most 1 MiB, read once at the start of a command,
 * as Node reads the modules it loads. Read asynchronously, it started libuv's thread pool and made
 * a round trip to it per call (five): ~4.7 ms of `biot-subs validate`'s ~45 ms, side by side
 * (docs/benchmarks.md, start-up). The event loop waits for the read, on a slow network mount too.
 */
import * as fs from 'node:fs';
import { BiotSubsError } from '../errors.js';
import { MAX_MANIFEST_BYTES, tooLarge } from './limits.js';
import type { ManifestProblems } from './types.js';

export function readManifestFile(path: string): { ok: true; bytes: Buffer; text: string } | ManifestProblems {
  const at = { file: path, line: 1, col: 1 };
  let bytes: Buffer;
  try {
    // Checked on the path first: opening a FIFO or device for reading could block. Opened
    // non-blocking where the platform can, so one swapped in after the check cannot either.
    if (!fs.statSync(path).isFile()) throw new BiotSubsError(`cannot read the manifest ${path}: not a regular file`);
    const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new BiotSubsError(`cannot read the manifest ${path}: not a regular file`);
      if (stat.size > MAX_MANIFEST_BYTES) return { ok: false, problems: [{ location: at, message: tooLarge(stat.size) }] };
      bytes = readAtMost(fd, MAX_MANIFEST_BYTES + 1);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if (error instanceof BiotSubsError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new BiotSubsError(`cannot read the manifest ${path}: ${reason}`, { cause: error });
  }
  if (bytes.length > MAX_MANIFEST_BYTES) {
    // It grew between the size check and the read.
    return { ok: false, problems: [{ location: at, message: tooLarge(bytes.length) }] };
  }

  try {
    return { ok: true, bytes, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problems: [{ location: at, message: 'the manifest is not valid UTF-8 text' }] };
  }
}

function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.allocUnsafe(limit);
  let filled = 0;
  while (filled < limit) {
    const bytesRead = fs.readSync(fd, buffer, filled, limit - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
