import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A temp folder holding `tree` (path → content); removed after the test. */
export async function testdir(tree: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'biot-subs-test-'));
  made.push(root);
  for (const [path, content] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return root;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});
