/**
 * Reads a manifest file as bytes and UTF-8 text. The size is checked on the open file before
 * anything is read, and never more than the limit (plus one byte) is read, so a huge or growing
 * file costs nothing. A file that cannot be read at all throws a BiotSubsError (it is not a
 * problem *in* the manifest); a too large or non-UTF-8 one is returned as a problem.
 *
 * node:fs's callbacks rather than node:fs/promises: loading that module (and the stream and
 * readline modules it brings) is ~2 ms of `biot-subs validate`'s start.
 */
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { BiotSubsError } from '../errors.js';
import { tooLarge } from './check-manifest-text.js';
import { MAX_MANIFEST_BYTES } from './limits.js';
import type { ManifestProblems } from './types.js';

export async function readManifestFile(path: string): Promise<{ ok: true; bytes: Buffer; text: string } | ManifestProblems> {
  const at = { file: path, line: 1, col: 1 };
  let bytes: Buffer;
  try {
    // Checked on the path first too: opening a FIFO or device for reading could block.
    if (!(await stat(path)).isFile()) throw new BiotSubsError(`cannot read the manifest ${path}: not a regular file`);
    const fd = await open(path, 'r');
    try {
      const stat = await fstat(fd);
      if (!stat.isFile()) throw new BiotSubsError(`cannot read the manifest ${path}: not a regular file`);
      if (stat.size > MAX_MANIFEST_BYTES) return { ok: false, problems: [{ location: at, message: tooLarge(stat.size) }] };
      bytes = await readAtMost(fd, MAX_MANIFEST_BYTES + 1);
    } finally {
      await close(fd);
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

const stat = promisify(fs.stat);
const open = promisify(fs.open);
const fstat = promisify(fs.fstat);
const read = promisify(fs.read);
const close = promisify(fs.close);

async function readAtMost(fd: number, limit: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(limit);
  let filled = 0;
  while (filled < limit) {
    const { bytesRead } = await read(fd, buffer, filled, limit - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
