import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BiotSubsError } from '../../src/errors.js';
import { checkManifestFile } from '../../src/manifest/check-manifest.js';
import { loadManifest } from '../../src/manifest/load-manifest.js';
import { withEndpoint } from './helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'biot-subs-manifest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadManifest', () => {
  it('loads a file and hashes its bytes', async () => {
    const file = join(dir, 'ok.yaml');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(withEndpoint('https://h.example/x'))]);
    await writeFile(file, bytes);
    const result = await loadManifest(file, {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.manifest.file).toBe(file);
    expect(result.manifest.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(result.manifest.subscriptions).toHaveLength(1);
  });

  it("counts, for validate, the subscriptions loadManifest loads", async () => {
    const file = join(dir, 'two.yaml');
    await writeFile(file, withEndpoint('https://h.example/x').replace('actionName: _create', 'actionNames: [_create, _delete]'));
    expect(await checkManifestFile(file, {})).toEqual({ ok: true, subscriptionCount: 2 });
    const loaded = await loadManifest(file, {});
    expect(loaded.ok && loaded.manifest.subscriptions.length).toBe(2);
  });
});

describe.each([
  { name: 'loadManifest', read: loadManifest },
  { name: "checkManifestFile (validate's)", read: checkManifestFile },
])('$name', ({ read }) => {
  it('returns problems with the path as given', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, withEndpoint('http://h.example/x'));
    const result = await read(file, {});
    expect(result).toMatchObject({ ok: false, problems: [{ location: { file, line: 5, col: 15 } }] });
  });

  it('rejects a file over 1 MiB from its size alone', async () => {
    // Sparse: reading it whole would take gigabytes and a long time.
    const file = join(dir, 'huge.yaml');
    const handle = await open(file, 'w');
    await handle.truncate(4 * 1024 ** 3);
    await handle.close();
    const result = await read(file, {});
    expect(result).toEqual({
      ok: false,
      problems: [{ location: { file, line: 1, col: 1 }, message: 'the manifest is 4294967296 bytes; the limit is 1048576 bytes (1 MiB)' }],
    });
  });

  it('accepts exactly 1 MiB', async () => {
    const file = join(dir, 'limit.yaml');
    const text = withEndpoint('https://h.example/x');
    await writeFile(file, text + '#'.repeat(1024 * 1024 - Buffer.byteLength(text)));
    expect((await read(file, {})).ok).toBe(true);
  });

  it('rejects text that is not UTF-8', async () => {
    const file = join(dir, 'latin1.yaml');
    await writeFile(file, Buffer.from([0x76, 0x65, 0x72, 0xe9, 0x0a]));
    expect(await read(file, {})).toEqual({
      ok: false,
      problems: [{ location: { file, line: 1, col: 1 }, message: 'the manifest is not valid UTF-8 text' }],
    });
  });

  it('throws a BiotSubsError for a file it cannot read', async () => {
    await expect(read(join(dir, 'missing.yaml'), {})).rejects.toThrow(BiotSubsError);
    await expect(read(join(dir, 'missing.yaml'), {})).rejects.toThrow(/missing\.yaml: no such file/);
    await expect(read(dir, {})).rejects.toThrow(/not a regular file/);
  });

  it('refuses a FIFO or a device without opening it for long: no writer ever comes', async () => {
    const fifo = join(dir, `pipe-${read.name}.yaml`);
    const paths = existsSync('/dev/zero') ? ['/dev/zero'] : [];
    if (spawnSync('mkfifo', [fifo]).status === 0) paths.push(fifo);
    for (const path of paths) await expect(read(path, {})).rejects.toThrow(/not a regular file/);
  });
});
