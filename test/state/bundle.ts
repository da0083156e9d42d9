import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Bundles src/state into one ESM file in `dir` for child processes (crash and lock-race tests):
 * always the current source, with no dependence on a `dist` build of the whole project.
 */
export async function bundleState(dir: string): Promise<string> {
  const outfile = join(dir, 'state-bundle.mjs');
  await build({
    entryPoints: [join(here, '../../src/state/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** The child script the process tests run: `node state-child.mjs MODE BUNDLE STATE …`. */
export const CHILD = join(here, 'state-child.mjs');
