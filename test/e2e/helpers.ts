/**
 * End-to-end helpers: a temp workspace holding a manifest, the BUILT CLI run in it as a
 * subprocess, and emulators started in-process (real HTTP on 127.0.0.1) whose stats, recorded
 * calls and holdings the tests compare with the manifest. Nothing here mocks fetch or fs.
 */
import { readFileSync, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, expect } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/emulator.js';
import type { SubscriptionTriple } from '../../src/subscription.js';
import { emulatorEnv } from '../support/biot-env.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';
import { MANIFEST_FILE, STATE_FILE } from '../support/workspace.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Emulators: started per test, closed after it.

const running: RunningEmulator[] = [];

export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator(options);
  running.push(emu);
  return emu;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

/** Forgets the emulator's calls, stats and tokens, but it goes on holding what it held. */
export function resetKeepingHoldings(emu: RunningEmulator): void {
  const heldNow = emu.subscriptions();
  emu.reset();
  for (const t of heldNow) emu.hold(t);
}

/** Closes `emu` and starts a fault-free one on its port holding what it held: the same BioT, fixed. */
export async function restartFixed(emu: RunningEmulator): Promise<RunningEmulator> {
  const url = new URL(emu.url);
  const heldBefore = emu.subscriptions();
  await emu.close();
  const fixed = await emulator({ port: Number(url.port) });
  for (const t of heldBefore) fixed.hold(t);
  return fixed;
}

/** Holds the triples of these "entity action endpoint" keys (see expectedKeys) in `emu`. */
export function holdKeys(emu: RunningEmulator, keys: readonly string[]): void {
  for (const key of keys) {
    const [entityTypeName = '', actionName = '', endpoint = ''] = key.split(' ');
    emu.hold({ entityTypeName, actionName, endpoint });
  }
}

export interface DispatcherCall {
  kind: 'subscribe' | 'unsubscribe';
  entityTypeName: string;
  actionName: string;
  endpoint: string;
  traceparent: string | null;
}

/** The dispatcher calls the emulator received, in arrival order. */
export function dispatcherCalls(emu: RunningEmulator): DispatcherCall[] {
  return emu.calls().map((call) => {
    const body = call.body as Record<string, string>;
    return {
      kind: call.path.endsWith('/unsubscribe') ? 'unsubscribe' : 'subscribe',
      entityTypeName: body['entityTypeName'] ?? '',
      actionName: body['actionName'] ?? '',
      endpoint: body['endpoint'] ?? '',
      traceparent: call.traceparent,
    };
  });
}

export function callCounts(emu: RunningEmulator): { subscribe: number; unsubscribe: number; requests: number; logins: number } {
  const stats = emu.stats();
  return { subscribe: stats.subscribeCalls, unsubscribe: stats.unsubscribeCalls, requests: stats.requests, logins: stats.logins };
}

/** Keys "entity action endpoint" of what the emulator holds, sorted. */
export function held(emu: RunningEmulator): string[] {
  return emu.subscriptions().map(tripleKey).sort();
}

export function tripleKey(t: SubscriptionTriple): string {
  return `${t.entityTypeName} ${t.actionName} ${t.endpoint}`;
}

/** Removes a subscription "by hand": a login and an unsubscribe over BioT's own API, as a person would. */
export async function unsubscribeByHand(emu: RunningEmulator, triple: SubscriptionTriple): Promise<void> {
  const login = await fetch(`${emu.url}/ums/v2/services/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'demo', secretKey: 'demo-secret' }),
  });
  expect(login.status).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await fetch(`${emu.url}/dispatcher/v1/hooks/notifications/unsubscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(triple),
  });
  expect(res.status).toBe(200);
}

// ---------------------------------------------------------------------------------------------
// Manifests.

export interface Entry {
  entity: string;
  actions: readonly string[];
  endpoint: string;
}

export const HOOKS = 'https://hooks.example.com/biot';
/** Eight triples: four actions of two entities. */
export const EIGHT: readonly Entry[] = [
  { entity: 'patient', actions: ['_create', '_update', '_delete', '_read'], endpoint: `${HOOKS}/patient` },
  { entity: 'device', actions: ['_create', '_update', '_delete', '_read'], endpoint: `${HOOKS}/device` },
];
/** The first four of EIGHT. */
export const FOUR: readonly Entry[] = [{ entity: 'patient', actions: ['_create', '_update', '_delete', '_read'], endpoint: `${HOOKS}/patient` }];

/** A manifest of these entries (YAML written by hand, as a user would). */
export function manifestYaml(entries: readonly Entry[], head = ''): string {
  const lines = ['version: 1', head.trimEnd(), 'subscriptions:'].filter((l) => l !== '');
  for (const e of entries) {
    lines.push(`  - entityTypeName: ${e.entity}`);
    lines.push(`    actionNames: [${e.actions.join(', ')}]`);
    lines.push(`    endpoint: "${e.endpoint}"`);
  }
  if (entries.length === 0) lines[lines.length - 1] = 'subscriptions: []';
  return `${lines.join('\n')}\n`;
}

/** `count` entries of `device _create`, each to its own endpoint. */
export function deviceManifest(count: number): string {
  return manifestYaml(Array.from({ length: count }, (_, i) => ({ entity: 'device', actions: ['_create'], endpoint: `https://hooks.example.com/d/${i}` })));
}

/** The resolved triples a manifest of literal endpoints expands to, as keys. */
export function expectedKeys(entries: readonly Entry[], resolve: (endpoint: string) => string = (e) => e): string[] {
  return entries.flatMap((e) => e.actions.map((a) => `${e.entity} ${a} ${resolve(e.endpoint)}`)).sort();
}

export function tripleCount(entries: readonly Entry[]): number {
  return entries.reduce((n, e) => n + e.actions.length, 0);
}

// ---------------------------------------------------------------------------------------------
// A workspace: a temp folder with subscriptions.yaml; the CLI runs there.

export interface StateFile {
  version: number;
  lineage: string;
  serial: number;
  target: string | null;
  subscriptions: Array<{
    entityTypeName: string;
    actionName: string;
    endpoint: string;
    endpointSha256: string;
    appliedAt: string;
    uncertain?: boolean;
  }>;
}

export class Workspace {
  constructor(readonly dir: string) {}

  static async create(manifest?: string): Promise<Workspace> {
    const ws = new Workspace(await testdir());
    if (manifest !== undefined) await ws.writeManifest(manifest);
    return ws;
  }

  /** A workspace whose state records `entries` applied to `emu`, which holds them; counters reset. */
  static async applied(emu: RunningEmulator, entries: readonly Entry[]): Promise<Workspace> {
    const ws = await Workspace.create(manifestYaml(entries));
    expectExit(await ws.reconcile(emu), 0);
    resetKeepingHoldings(emu);
    return ws;
  }

  get manifestPath(): string {
    return join(this.dir, MANIFEST_FILE);
  }

  get statePath(): string {
    return join(this.dir, STATE_FILE);
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  async writeManifest(text: string): Promise<void> {
    await writeFile(this.manifestPath, text);
  }

  /** The CLI in this folder (so the default manifest and state paths apply). */
  run(args: readonly string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliRun> {
    return runCli(args, { cwd: this.dir, env, ...(input !== undefined ? { input } : {}) });
  }

  /** `reconcile --auto-approve` against an emulator as its demo service user. */
  reconcile(emu: { url: string }, args: readonly string[] = [], extraEnv: Record<string, string> = {}): Promise<CliRun> {
    return this.run(['reconcile', '--auto-approve', ...args], emulatorEnv(emu.url, extraEnv));
  }

  hasState(): boolean {
    return existsSync(this.statePath);
  }

  stateText(): string {
    return readFileSync(this.statePath, 'utf8');
  }

  state(): StateFile {
    return JSON.parse(this.stateText()) as StateFile;
  }

  /** "entity action endpoint-template" of every entry in the state, sorted. */
  stateKeys(): string[] {
    return this.state()
      .subscriptions.map((s) => `${s.entityTypeName} ${s.actionName} ${s.endpoint}`)
      .sort();
  }

  async readJson(name: string): Promise<unknown> {
    return JSON.parse(await readFile(this.file(name), 'utf8')) as unknown;
  }
}

// ---------------------------------------------------------------------------------------------
// Assertions.

/** Exit code with the output in the failure message, so a failing test says why. */
export function expectExit(run: CliRun, code: number): void {
  expect(run.code, `exit code\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`).toBe(code);
}

/** No stack trace, no internal error: what a user sees is a message. */
export function expectNoCrash(run: CliRun): void {
  const all = run.stdout + run.stderr;
  // A stack frame ("    at fn (file:1:2)"); usage text may well contain "    at most".
  expect(all).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  expect(all).not.toContain('internal error');
}

export function expectNoDispatcherCall(emu: RunningEmulator): void {
  const stats = emu.stats();
  expect({ subscribe: stats.subscribeCalls, unsubscribe: stats.unsubscribeCalls }).toEqual({ subscribe: 0, unsubscribe: 0 });
  expect(emu.calls()).toEqual([]);
}

let validatePlan: ReturnType<Ajv['compile']> | undefined;

/** Checks a `plan --format json` document against schema/plan.schema.json; returns it parsed. */
export function expectValidPlanJson(text: string): PlanJson {
  if (!validatePlan) {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schema/plan.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    validatePlan = ajv.compile(schema);
  }
  const doc = JSON.parse(text) as unknown;
  const ok = validatePlan(doc);
  expect(validatePlan.errors ?? [], 'plan JSON schema errors').toEqual([]);
  expect(ok).toBe(true);
  return doc as PlanJson;
}

export interface PlanJson {
  lineage: string | null;
  serial: number | null;
  target: string | null;
  subscribes: Array<{ ref: { entityTypeName: string; actionName: string; endpoint: string }; reason: string }>;
  unsubscribes: Array<{ ref: { entityTypeName: string; actionName: string; endpoint: string }; reason: string; blocked?: { variables: string[]; message: string } }>;
  unchanged: unknown[];
  refusal: { reason: string } | null;
  summary: Record<string, number>;
}
