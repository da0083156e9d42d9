#!/usr/bin/env node
/**
 * Bundles the CLI for a fast start. `tsc` has already written dist/ (library modules, type
 * declarations, and dist/cli/bin.cjs, the package's `bin`); this writes dist/cli/biot-subs.cjs,
 * one CommonJS file holding src/cli/main.ts and everything it imports but ajv, which the bin
 * runs through V8's code cache (src/cli/bin.cts). Loading ~35 modules one by one (and `yaml` as
 * ~70 CommonJS files), and compiling them at every start, is most of what `biot-subs validate`
 * would cost otherwise. It also replaces tsc's dist/cli/main.js (the bin of earlier versions)
 * with a shim that runs the bin.
 *
 * - One file, CommonJS: the bin compiles it with vm.Script, whose code cache Node 20 supports
 *   (it has none for ES modules). Commands stay lazily initialised behind run-cli's dynamic
 *   imports (esbuild keeps each module's code in a function run on first import), so
 *   `validate` runs none of the client, the executor or the state code; with the cache, V8
 *   does not parse their source either.
 * - The first line carries the bundle's sha256: the bin keys its cache by it, since V8 checks
 *   little more than the source's length before it trusts a cache.
 * - The code is written inside Node's module wrapper, `(function (exports, require, module,
 *   __filename, __dirname) {…})`, which the bin compiles as it is. Wrapping at start-up made V8
 *   copy the 500 KB source into one new string (Module.wrap's concatenation, flattened to
 *   compile) and collect it: ~1.5 ms of `validate`'s start.
 * - ajv and ajv-formats stay external: the precompiled validators of the state and of saved
 *   plans import ajv-formats' format checks from the package, and only those commands load them.
 * - yaml is taken from its ES module build (the one its package.json gives non-Node platforms):
 *   the same code as its CommonJS build, less its Node-only debug switches (LOG_TOKENS,
 *   LOG_STREAM) and with console.warn for process.emitWarning in a logger the manifest code
 *   never reaches (it composes documents itself and reports their warnings as problems).
 * - syntax is minified, names and line breaks are not: stack traces (BIOT_SUBS_DEBUG=1) stay
 *   readable, and an uncaught error's source line is one statement, not the whole bundle. With
 *   the compile cache, the extra ~120 KB of source costs no measurable start-up time.
 *
 *   node scripts/bundle-cli.mjs [--metafile]   (run by `npm run build`, after tsc)
 */
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yamlEsm = join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/index.js');
const out = join(root, 'dist/cli/biot-subs.cjs');

// The code-split ES module bundle of earlier builds, if any.
await rm(join(root, 'dist/chunks'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  write: false,
  outfile: out,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['ajv', 'ajv-formats'],
  alias: { yaml: yamlEsm },
  minifyWhitespace: false,
  minifySyntax: true,
  legalComments: 'none',
  metafile: process.argv.includes('--metafile'),
  logLevel: 'warning',
});
const [bundle] = result.outputFiles;
if (!bundle || result.outputFiles.length !== 1) throw new Error(`expected one output file, got ${result.outputFiles.length}`);
// esbuild keeps src/cli/main.ts's hashbang; the bin runs the bundle, so it has none.
const code = bundle.text.replace(/^#!.*\n/, '');
const wrapped = `(function (exports, require, module, __filename, __dirname) {\n${code}\n});\n`;
const sha256 = createHash('sha256').update(wrapped).digest('hex');
await writeFile(out, `// biot-subs CLI bundle sha256=${sha256}\n${wrapped}`);
if (result.metafile) await writeFile(join(root, 'dist/cli/biot-subs.meta.json'), JSON.stringify(result.metafile));

// dist/cli/main.js was the bin before; workflows and scripts written for it keep working, through
// the same bundle and cache, in place of tsc's unbundled (and slower to start) entry.
await writeFile(
  join(root, 'dist/cli/main.js'),
  `#!/usr/bin/env node
// biot-subs CLI (scripts/bundle-cli.mjs). The package's bin is dist/cli/bin.cjs, which starts
// faster (an ES module entry costs Node 20 more); this path runs it for callers of the old one.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./bin.cjs');
`,
);
