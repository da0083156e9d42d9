import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { GroupCommitFile } from '../../src/state/group-commit.js';
import { tempDir } from './helpers.js';

async function file(): Promise<{ path: string; out: GroupCommitFile; fh: Awaited<ReturnType<typeof open>> }> {
  const path = join(await tempDir(), 'j');
  const fh = await open(path, 'ax');
  return { path, out: new GroupCommitFile(fh, path), fh };
}

describe('GroupCommitFile', () => {
  it('writes lines in append order, durable and lazy mixed, from many concurrent callers', async () => {
    const { path, out } = await file();
    const lines = Array.from({ length: 500 }, (_, i) => `${i}\n`);
    await Promise.all(lines.map((line, i) => out.append(line, i % 2 === 0)));
    await out.close();
    expect(await readFile(path, 'utf8')).toBe(lines.join(''));
  });

  it('writes lazy lines at once, without waiting for close', async () => {
    const { path, out } = await file();
    await out.append('a\n', false);
    expect(await readFile(path, 'utf8')).toBe('a\n');
    await out.close();
  });

  it('fails this and every later append once a write failed, and refuses appends after close', async () => {
    const { out, fh } = await file();
    await out.append('ok\n', true);
    await fh.close(); // the next write fails with EBADF
    await expect(out.append('x\n', true)).rejects.toThrow(StateError);
    await expect(out.append('y\n', false)).rejects.toThrow(/cannot write the journal/);
    await out.close().catch(() => undefined);
    await expect(out.append('z\n', false)).rejects.toThrow(StateError);
  });

  it('close is idempotent and rejects later appends', async () => {
    const { out } = await file();
    await out.close();
    await out.close();
    await expect(out.append('z\n', true)).rejects.toThrow(/closed/);
  });
});
