#!/usr/bin/env node
/**
 * Bundles the CLI for a fast start: `tsc` has already written dist/ (library modules and type
 * declarations); this replaces dist/cli/main.js, the `bin`, with an esbuild bundle of
 * src/cli/main.ts. Loading ~35 modules one by one (and `yaml` as ~70 CommonJS files) is most of
 * what `biot-subs validate` costs; one file per command path is not.
 *
 * - splitting: each command's code stays in its own chunk behind run-cli's dynamic imports, so
 *   `validate` never loads p-limit, the client, the executor or the state module.
 * - chunks go to dist/chunks/, two levels below the package root like dist/render/*.js, so
 *   paths made from `import.meta.url` still point at the package's files.
 * - ajv and ajv-formats stay external: the precompiled validators of the state and of saved
 *   plans import ajv-formats' format checks from the package, and only those commands load them.
 * - yaml is taken from its ES module build (the one its package.json gives non-Node platforms):
 *   the same code as its CommonJS build, less its Node-only debug switches (LOG_TOKENS,
 *   LOG_STREAM) and with console.warn for process.emitWarning in a logger the manifest code
 *   never reaches (it composes documents itself and reports their warnings as problems). It
 *   skips the CommonJS wrappers and their require() calls at start-up.
 * - whitespace and syntax are minified, names are not: less source for V8 to parse at each
 *   start, stack traces (BIOT_SUBS_DEBUG=1) still readable.
 * - `require` is defined in every chunk, for any CommonJS dependency that requires a module.
 *
 *   node scripts/bundle-cli.mjs [--metafile]   (run by `npm run build`, after tsc)
 */
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** First line after the hashbang of every bundled file; the start-up bench checks for it. */
const BUNDLE_MARK = '// biot-subs CLI bundle: scripts/bundle-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yamlEsm = join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/index.js');

await rm(join(root, 'dist/chunks'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ajv', 'ajv-formats'],
  alias: { yaml: yamlEsm },
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: `${BUNDLE_MARK}\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);` },
  legalComments: 'none',
  metafile: process.argv.includes('--metafile'),
  logLevel: 'warning',
});
if (result.metafile) await writeFile(join(root, 'dist/cli/main.meta.json'), JSON.stringify(result.metafile));
