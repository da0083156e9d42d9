/**
 * Shared helpers of the stress tests: seeds, the built CLI as a killable subprocess, manifests
 * built from triples, and the convergence / orphan checks every stress test ends with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CATALOG } from '../../src/catalog/catalog.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/emulator.js';
import { readState } from '../../src/state/state-file.js';
import type { State } from '../../src/state/types.js';
import type { SubscriptionTriple } from '../../src/subscription.js';
import { emulatorEnv } from '../support/biot-env.js';
import { CLI } from '../support/run-cli.js';
import { workspacePaths, type WorkspacePaths } from '../support/workspace.js';

/** Longer runs with larger counts: `BIOT_SUBS_SOAK=1 npx vitest run test/stress`. */
export const SOAK = process.env['BIOT_SUBS_SOAK'] === '1';

/**
 * The run's base seed: BIOT_SUBS_STRESS_SEED replays a failing run, otherwise a fixed seed in CI
 * (reproducible) or a fresh one in soak runs (more ground covered over time).
 */
export const BASE_SEED: number = (() => {
  const given = process.env['BIOT_SUBS_STRESS_SEED'];
  if (given !== undefined && given !== '') return Number(given) >>> 0;
  return SOAK ? (Date.now() ^ (process.pid << 8)) >>> 0 : 20_260_707;
})();

/** The seeded PRNG the emulator uses (mulberry32), for kill delays and picks. */
export { mulberry32 as prng } from '../../src/emulator/prng.js';

/** Runs `body` and, when it fails, says which seed replays it. */
export async function withSeed<T>(label: string, seed: number, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const hint = `[${label}] failed with seed ${seed} (replay: BIOT_SUBS_STRESS_SEED=${BASE_SEED})`;
    if (error instanceof Error) {
      error.message = `${hint}\n${error.message}`;
      throw error;
    }
    throw new Error(`${hint}: ${String(error)}`);
  }
}

/** One line the docs' figures are taken from (docs/reliability.md). */
export function figure(name: string, values: Record<string, unknown>): void {
  console.log(`[stress] ${name} ${JSON.stringify({ seed: BASE_SEED, soak: SOAK, ...values })}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A temp folder for `body`, removed after it. (test/support's testdir clears every folder after
 * each test, which breaks tests running concurrently in one file.)
 */
export async function inTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'biot-subs-stress-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface EmulatorWorkspace extends WorkspacePaths {
  emulator: RunningEmulator;
  /** The CLI's environment against `emulator`, as its demo service user, with PLUGIN_VARS. */
  env: Record<string, string>;
}

/** An emulator started with `options` and a temp folder (inTempDir) for `body`; both gone after it. */
export async function withEmulatorWorkspace<T>(options: EmulatorOptions, body: (ws: EmulatorWorkspace) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await inTempDir((dir) => body({ ...workspacePaths(dir), emulator, env: emulatorEnv(emulator.url, PLUGIN_VARS) }));
  } finally {
    await emulator.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The built CLI as a subprocess that can be signalled.

export interface Spawned {
  child: ChildProcess;
  /** When the child was spawned (performance.now()). */
  startedAt: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the child has exited and its pipes are closed. */
  done: Promise<SpawnedResult>;
}

export interface SpawnedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** performance.now() at exit. */
  endedAt: number;
}

/** Spawns `node dist/cli/bin.cjs ...args` with only `env` (plus PATH) and an empty stdin. */
export function spawnCli(args: readonly string[], env: Record<string, string | undefined>, cwd?: string): Spawned {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npx tsc -p tsconfig.build.json' first`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const startedAt = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const done = new Promise<SpawnedResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, endedAt: performance.now() });
    });
  });
  return { child, startedAt, stdout: () => stdout, stderr: () => stderr, done };
}

/** Spawns and waits. */
export function cli(args: readonly string[], env: Record<string, string | undefined>, cwd?: string): Promise<SpawnedResult> {
  return spawnCli(args, env, cwd).done;
}

/** Polls `condition` every `everyMs` until it holds; false after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await condition()) return true;
    await sleep(everyMs);
  }
  return condition();
}

// ---------------------------------------------------------------------------------------------
// In-process CLI: most fuzz cases run here, where a spawn per case would be too slow.

export { runInProcess, type InProcessRun } from '../support/run-in-process.js';

// ---------------------------------------------------------------------------------------------
// Manifests built from triples.

export interface Entry {
  entityTypeName: string;
  actionName: string;
  /** The template as written; resolved with `vars` to get what BioT holds. */
  endpoint: string;
}

/** Every (entity, action) of the built-in catalog, in a stable order. */
export const CATALOG_PAIRS: ReadonlyArray<readonly [string, string]> = [...CATALOG.entries()].flatMap(([entity, actions]) =>
  actions.map((action) => [entity, action] as const),
);

/** A YAML manifest with one single-action entry per triple (quoted so no value is retyped). */
export function manifestYaml(entries: readonly Entry[]): string {
  const lines = ['version: 1', 'subscriptions:'];
  if (entries.length === 0) return 'version: 1\nsubscriptions: []\n';
  for (const e of entries) {
    lines.push(`  - entityTypeName: ${JSON.stringify(e.entityTypeName)}`);
    lines.push(`    actionName: ${JSON.stringify(e.actionName)}`);
    lines.push(`    endpoint: ${JSON.stringify(e.endpoint)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Resolves `${NAME}` / `${NAME:-default}` the way the manifest does, for the expected triples. */
export function resolveTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const value = vars[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`test bug: ${name} is not set`);
  });
}

export function resolved(entries: readonly Entry[], vars: Record<string, string> = {}): SubscriptionTriple[] {
  return sortTriples(entries.map((e) => ({ entityTypeName: e.entityTypeName, actionName: e.actionName, endpoint: resolveTemplate(e.endpoint, vars) })));
}

export function sortTriples(triples: readonly SubscriptionTriple[]): SubscriptionTriple[] {
  return [...triples].map((t) => ({ entityTypeName: t.entityTypeName, actionName: t.actionName, endpoint: t.endpoint })).sort((a, b) => tripleKey(a).localeCompare(tripleKey(b)));
}

export function tripleKey(t: SubscriptionTriple): string {
  return `${t.entityTypeName}\u0000${t.actionName}\u0000${t.endpoint}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Identity as the state holds it: entity, action and the hash of the resolved endpoint. */
function hashedKey(entity: string, action: string, endpointSha256: string): string {
  return `${entity}\u0000${action}\u0000${endpointSha256}`;
}

/**
 * Picks `count` distinct entries from the catalog, endpoints spread over a few hosts; one in
 * five uses a variable so the state's template/hash split is exercised.
 */
export function pickEntries(random: () => number, count: number, tag: string): Entry[] {
  const pairs = [...CATALOG_PAIRS];
  const out: Entry[] = [];
  for (let i = 0; i < count && pairs.length > 0; i++) {
    const [pair] = pairs.splice(Math.floor(random() * pairs.length), 1);
    if (!pair) break;
    const [entityTypeName, actionName] = pair;
    const endpoint =
      i % 5 === 0
        ? `\${PLUGIN_BASE_URL}/${tag}/${entityTypeName}`
        : `https://hooks${i % 3}.example.com/${tag}/${entityTypeName}/${actionName.slice(1)}`;
    out.push({ entityTypeName, actionName, endpoint });
  }
  return out;
}

export const PLUGIN_VARS = { PLUGIN_BASE_URL: 'https://plugins.example.com/biot' };

// ---------------------------------------------------------------------------------------------
// Checks.

/** The state as the state module reads it (JSON + schema); throws if it does not parse. */
export async function parsedState(statePath: string): Promise<State | null> {
  return readState(statePath);
}

/** Subscriptions the emulator holds that neither the state nor the manifest knows. */
export function orphans(held: readonly SubscriptionTriple[], state: State | null, manifest: readonly SubscriptionTriple[]): SubscriptionTriple[] {
  const known = new Set<string>();
  for (const e of state?.subscriptions ?? []) known.add(hashedKey(e.entityTypeName, e.actionName, e.endpointSha256));
  for (const t of manifest) known.add(hashedKey(t.entityTypeName, t.actionName, sha256(t.endpoint)));
  return held.filter((t) => !known.has(hashedKey(t.entityTypeName, t.actionName, sha256(t.endpoint))));
}

/**
 * Converged: the emulator holds exactly `expected`, the state records exactly those (by hash) with
 * none uncertain, and neither a journal nor a lock is left beside it.
 */
export async function expectConverged(emulator: RunningEmulator, statePath: string, expected: readonly SubscriptionTriple[], context: string): Promise<State | null> {
  const held = sortTriples(emulator.subscriptions());
  expect(held, `${context}: emulator holds exactly the manifest`).toEqual(sortTriples(expected));
  const state = await parsedState(statePath);
  const stateKeys = (state?.subscriptions ?? []).map((e) => hashedKey(e.entityTypeName, e.actionName, e.endpointSha256)).sort();
  const wantKeys = expected.map((t) => hashedKey(t.entityTypeName, t.actionName, sha256(t.endpoint))).sort();
  expect(stateKeys, `${context}: state records exactly the manifest`).toEqual(wantKeys);
  expect((state?.subscriptions ?? []).filter((e) => e.uncertain), `${context}: no uncertain entries`).toEqual([]);
  expect(existsSync(`${statePath}.journal`), `${context}: no journal left`).toBe(false);
  expect(existsSync(`${statePath}.lock`), `${context}: no lock left`).toBe(false);
  return state;
}

/** Bytes of a file, or null when it does not exist. */
export async function bytesOf(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

/** A stack trace line or the CLI's own "internal error": never acceptable output. */
export function looksLikeCrash(text: string): boolean {
  return /internal error|^\s+at .+[(:]\d+|\n\s+at [^\n]+:\d+:\d+|TypeError|ReferenceError|RangeError: Maximum call stack|node:internal/m.test(text);
}
