import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessRunning } from './process-alive.js';

/** The error's errno code (ENOENT, EEXIST …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * A fresh name beside `file` for a temporary file: same folder so a rename over `file` is atomic,
 * dot-prefixed so it stays out of listings, pid + random so concurrent writers never collide.
 */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes every byte: a single write() may write fewer than asked. */
export async function writeFully(fh: FileHandle, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Makes a folder's entries (a created, renamed or removed file) durable. Without it a rename can
 * be lost on power failure even though the file's data was fsynced.
 */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; its renames go through the journaling NTFS instead.
  if (process.platform === 'win32') return;
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (error) {
    // Some file systems (network, FUSE) do not support fsync on a folder: nothing more to do.
    if (errorCode(error) !== 'EINVAL' && errorCode(error) !== 'ENOTSUP') throw error;
  } finally {
    await fh?.close();
  }
}

/**
 * Replaces `file` with `data` so that, whatever the moment of a crash, `file` holds either its
 * old or its new content in full: write a temporary file, fsync it, rename it over, fsync the
 * folder. The temporary file is removed on failure.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(file);
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, 'wx');
    await writeFully(fh, data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, file);
  } catch (error) {
    await fh?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDir(dirname(file));
  await removeOrphanTemps(file);
}

/**
 * Removes temporary files of `file` left by writers killed mid-write (their pid no longer
 * runs), so a crash leaves no litter beside a state that is committed to git.
 */
export async function removeOrphanTemps(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    if (!isProcessRunning(Number(pid))) await rm(join(dirname(file), name), { force: true }).catch(() => undefined);
  }
}
