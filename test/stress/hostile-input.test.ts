/**
 * Promise: whatever a manifest or a state file holds, biot-subs ends with exit 0 or a clear error
 * and exit 1: never a stack trace or an "internal error", never a network call, never a change
 * to the state file. Property-based (fast-check): most cases run in-process through runCli (an
 * exception escaping it is a failure), a sample through the built CLI as a subprocess.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.js';
import { importEntry } from '../../src/state/state-entries.js';
import { newState, readState, serializeState } from '../../src/state/state-file.js';
import { emulatorEnv } from '../support/biot-env.js';
import { workspacePaths, type WorkspacePaths } from '../support/workspace.js';
import {
  BASE_SEED,
  bytesOf,
  cli,
  figure,
  inTempDir,
  looksLikeCrash,
  manifestYaml,
  pickEntries,
  PLUGIN_VARS,
  prng,
  runInProcess,
  sha256,
  SOAK,
  sortTriples,
  type Entry,
} from './helpers.js';

const MANIFEST_CASES = SOAK ? 5000 : 420;
const STATE_CASES = SOAK ? 2000 : 180;
const SUBPROCESS_CASES = SOAK ? 120 : 30;

// ---------------------------------------------------------------------------------------------
// Valid starting points.

const REPO_MANIFEST = new URL('../../subscriptions.yaml', import.meta.url);

const SMALL_MANIFEST = `# a small manifest with every feature
version: 1
policy:
  allowedHosts: ["hooks.example.com", "*.example.org"]
  allowHttp: false
extraActions:
  patient: [_custom]
subscriptions:
  - entityTypeName: patient
    actionName: _create
    endpoint: &ep https://hooks.example.com/biot/patient
  - entityTypeName: patient
    actionNames: [_update, _custom]
    endpoint: *ep
  - entityTypeName: device
    actionNames: ["*"]
    endpoint: https://fn.example.org/api/device?code=\${HOOK_KEY:-placeholder}
  - entityTypeName: command
    actionNames: [_create, _start]
    endpoint: \${PLUGIN_BASE_URL}/command
`;

const FLOW_MANIFEST = `{"version": 1, "subscriptions": [{"entityTypeName": "caregiver", "actionName": "_create", "endpoint": "https://hooks.example.com/c"}, {"entityTypeName": "organization", "actionNames": ["_create", "_delete"], "endpoint": "http://127.0.0.1:9/o"}]}\n`;

/** The old-school attacks, always in the mix. */
const CLASSICS: (string | Buffer)[] = [
  '',
  '\n',
  '---\n---\n',
  '~',
  '[]',
  '"version"',
  'version: 1\nsubscriptions:\n',
  'version: 1\nversion: 1\nsubscriptions: []\n',
  // Billion laughs.
  ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'version: 1', 'subscriptions: []'].join('\n'),
  // Deep nesting.
  `version: 1\nsubscriptions: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  `version: 1\nsubscriptions:\n${'  - '.repeat(3000)}x\n`,
  // Over 1 MiB.
  `version: 1\nsubscriptions: []\n# ${'x'.repeat(1024 * 1024)}\n`,
  // Not UTF-8.
  Buffer.from([0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]),
  Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('version: 1\nsubscriptions: []\n')]),
  'version: 1\r\nsubscriptions:\r\n  - entityTypeName: patient\r\n    actionName: _create\r\n    endpoint: https://h.example.com/x\r\n',
  'version: 1\nsubscriptions:\n\t- entityTypeName: patient\n',
  'version: !!binary aGVsbG8=\nsubscriptions: []\n',
  'version: !!js/function "function(){}"\nsubscriptions: []\n',
  'version: 1\nsubscriptions: []\n__proto__: {polluted: true}\n',
  'version: 1\nsubscriptions:\n  - {entityTypeName: patient, actionName: _create, endpoint: "https://h.example.com/${A:-${B}}"}\n',
  'version: 1\nsubscriptions:\n  - {entityTypeName: patient, actionName: _create, endpoint: "https://user:hunter2@h.example.com/x"}\n',
  'version: 1\nsubscriptions:\n  - {entityTypeName: patient, actionName: _create, endpoint: "${UNSET_VARIABLE}/x"}\n',
  'version: 1\nsubscriptions:\n  - &x {entityTypeName: patient, actionName: _create, endpoint: "https://h.example.com/x"}\n  - *x\n',
  'version: 1\nsubscriptions: *nowhere\n',
  '%YAML 1.1\n---\nversion: 1\nsubscriptions: []\n',
  '? [a, b]\n: c\n',
  '<<: {version: 1}\nsubscriptions: []\n',
];

// ---------------------------------------------------------------------------------------------
// Generators.

const ODD_STRINGS = [
  '',
  ' ',
  '${',
  '${A',
  '${A:-',
  '${:-x}',
  '${A:-${B}}',
  '$${X}',
  '${PLUGIN_BASE_URL}',
  '${UNSET_VARIABLE}',
  'https://h.example.com/${UNSET}',
  'https://h.example.com/${HOOK_KEY:-}',
  '\u0000',
  '\u202e\u2066',
  '🙂🙂',
  'e\u0301',
  '\ud800',
  'https://user:pw@h.example.com/',
  'ftp://h.example.com/x',
  'javascript:alert(1)',
  'http://10.0.0.1/x',
  '//h.example.com/x',
  'https://',
  'https://[::1]:99999/x',
  'https://h.example.com/x?code=literal&a=b#frag',
  `https://h.example.com/${'a'.repeat(70_000)}`,
  'x'.repeat(5000),
  '*',
  '_create',
  '_Create',
  'Patient',
  'patient',
  'pateint',
  '_creat',
  '<script>alert(1)</script>',
  '| a | b |',
  '`rm -rf`',
  '\x1b[31mred\x1b[0m',
  '\r\n',
];

const oddString = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: oddString },
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1, 2, 0, -1, 1.5, 1e308),
  fc.array(oddString, { maxLength: 3 }),
  fc.dictionary(oddString, oddString, { maxKeys: 3 }),
  fc.constant([]),
  fc.constant({}),
);

type DataOp =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'rename'; at: number; to: string }
  | { kind: 'add-key'; at: number; key: string; value: unknown }
  | { kind: 'duplicate-entry'; at: number };

const dataOp: fc.Arbitrary<DataOp> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    to: fc.oneof(fc.constantFrom('actionname', 'actionNames', 'actionName', 'endpoints', 'entity', 'version ', 'Version', 'subscription', 'allowhttp', '__proto__', 'constructor', ''), oddString),
  }),
  fc.record({ kind: fc.constant('add-key' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('actionName', 'actionNames', 'endpoint', 'extra', '__proto__'), oddString), value: oddValue }),
  fc.record({ kind: fc.constant('duplicate-entry' as const), at: fc.nat() }),
);

/** Every container and every key of a parsed manifest, as paths. */
function nodes(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): { parent: Record<string | number, unknown> | unknown[]; key: string | number } | null {
  if (path.length === 0) return null;
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path[path.length - 1];
  return key === undefined ? null : { parent, key };
}

function applyDataOp(root: unknown, given: DataOp): unknown {
  // A copy: generated values may be shared (fc.constant({})) and must never be mutated, or an
  // object could end up holding itself.
  const op = structuredClone(given);
  const all = nodes(root);
  const path = all[op.at % all.length] ?? [];
  const target = parentOf(root, path);
  const at = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
  switch (op.kind) {
    case 'set':
      if (!target) return op.value;
      (target.parent as Record<string | number, unknown>)[target.key] = op.value;
      return root;
    case 'delete':
      if (!target) return null;
      if (Array.isArray(target.parent)) target.parent.splice(Number(target.key), 1);
      else delete (target.parent as Record<string, unknown>)[target.key];
      return root;
    case 'rename':
      if (!target || Array.isArray(target.parent)) return root;
      {
        const record = target.parent as Record<string, unknown>;
        const value = record[target.key];
        delete record[target.key];
        Object.defineProperty(record, op.to, { value, enumerable: true, configurable: true, writable: true });
      }
      return root;
    case 'add-key':
      if (at !== null && typeof at === 'object' && !Array.isArray(at)) {
        Object.defineProperty(at, op.key, { value: op.value, enumerable: true, configurable: true, writable: true });
      }
      return root;
    case 'duplicate-entry':
      if (Array.isArray(at) && at.length > 0) at.push(structuredClone(at[op.at % at.length]));
      return root;
  }
}

type TextOp =
  | { kind: 'dup-line' | 'del-line' | 'indent' | 'dedent'; line: number }
  | { kind: 'insert' | 'replace-char'; pos: number; text: string }
  | { kind: 'truncate'; pos: number }
  | { kind: 'alias' | 'anchor'; line: number; name: string }
  | { kind: 'crlf' | 'bom' | 'tabs' };

const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  fc.record({ kind: fc.constantFrom('dup-line' as const, 'del-line' as const, 'indent' as const, 'dedent' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constantFrom('insert' as const, 'replace-char' as const),
    pos: fc.nat(),
    text: fc.oneof(fc.constantFrom(':', '-', '[', ']', '{', '}', '&', '*', '!', '|', '>', '#', '"', "'", '\n', '  ', '${', '? ', '%', '@', '`', '\t', '\u0000', '\ufeff'), oddString),
  }),
  fc.record({ kind: fc.constant('truncate' as const), pos: fc.nat() }),
  fc.record({ kind: fc.constantFrom('alias' as const, 'anchor' as const), line: fc.nat(), name: fc.constantFrom('a', 'ep', 'x', 'nowhere') }),
  fc.record({ kind: fc.constantFrom('crlf' as const, 'bom' as const, 'tabs' as const) }),
);

function applyTextOp(text: string, op: TextOp): string {
  const lines = text.split('\n');
  const lineAt = (n: number): number => n % Math.max(1, lines.length);
  switch (op.kind) {
    case 'dup-line': {
      const i = lineAt(op.line);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'del-line':
      lines.splice(lineAt(op.line), 1);
      return lines.join('\n');
    case 'indent':
      lines[lineAt(op.line)] = `  ${lines[lineAt(op.line)] ?? ''}`;
      return lines.join('\n');
    case 'dedent':
      lines[lineAt(op.line)] = (lines[lineAt(op.line)] ?? '').replace(/^ {1,2}/, '');
      return lines.join('\n');
    case 'insert': {
      const pos = op.pos % (text.length + 1);
      return text.slice(0, pos) + op.text + text.slice(pos);
    }
    case 'replace-char': {
      const pos = op.pos % Math.max(1, text.length);
      return text.slice(0, pos) + op.text + text.slice(pos + 1);
    }
    case 'truncate':
      return text.slice(0, op.pos % (text.length + 1));
    case 'alias': {
      // A value becomes an alias (maybe to nothing defined).
      const i = lineAt(op.line);
      lines[i] = (lines[i] ?? '').replace(/:\s.*$/, `: *${op.name}`);
      return lines.join('\n');
    }
    case 'anchor': {
      const i = lineAt(op.line);
      lines[i] = (lines[i] ?? '').replace(/:\s/, `: &${op.name} `);
      return lines.join('\n');
    }
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'bom':
      return `\ufeff${text}`;
    case 'tabs':
      return text.replace(/ {2}/g, '\t');
  }
}

/** A manifest case: its bytes and how it was made (for the failure message). */
interface Case {
  how: string;
  bytes: string | Buffer;
}

function manifestCases(bases: string[]): fc.Arbitrary<Case> {
  const base = fc.constantFrom(...bases);
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }).map((t) => ({ how: 'random text', bytes: t })) },
    {
      weight: 1,
      arbitrary: fc.anything({ maxDepth: 3 }).map((v) => {
        let text: string;
        try {
          text = YAML.stringify(v) ?? '';
        } catch {
          text = String(v);
        }
        return { how: 'random YAML value', bytes: text };
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...CLASSICS).map((c) => ({ how: 'classic', bytes: c })) },
    {
      weight: 4,
      arbitrary: fc.tuple(base, fc.array(dataOp, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([text, ops, asJson]) => {
        let data: unknown = YAML.parse(text);
        for (const op of ops) data = applyDataOp(data, op);
        let out: string;
        try {
          out = (asJson ? JSON.stringify(data) : YAML.stringify(data)) ?? '';
        } catch {
          out = String(data);
        }
        return { how: `data mutation ${JSON.stringify(ops).slice(0, 300)}`, bytes: out };
      }),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(base, fc.array(textOp, { minLength: 1, maxLength: 4 })).map(([text, ops]) => ({
        how: `text mutation ${JSON.stringify(ops).slice(0, 300)}`,
        bytes: ops.reduce(applyTextOp, text),
      })),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// State files.

function resolvedEntries(entries: readonly Entry[]): ReturnType<typeof sortTriples> {
  return sortTriples(entries.map((e) => ({ ...e, endpoint: e.endpoint.replace('${PLUGIN_BASE_URL}', PLUGIN_VARS.PLUGIN_BASE_URL) })));
}

function validState(target: string, entries: readonly Entry[]): string {
  let state = newState(target);
  entries.forEach((e, i) => {
    const resolvedUrl = e.endpoint.replace('${PLUGIN_BASE_URL}', PLUGIN_VARS.PLUGIN_BASE_URL);
    state = importEntry(state, { ...e, endpointSha256: sha256(resolvedUrl) }, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString());
  });
  return serializeState({ ...state, serial: 3 });
}

const STATE_CLASSICS: (string | Buffer)[] = [
  '',
  ' ',
  'null',
  '[]',
  '{}',
  '"state"',
  '{"version": 2}',
  '{"version": 1}',
  '{"version":1,"lineage":"x","serial":0,"target":null,"subscriptions":[]}',
  '{"version":1,"lineage":"0f8fad5b-d9cb-469f-a165-70867728950e","serial":-1,"target":null,"subscriptions":[]}',
  '{"version":1,"lineage":"0f8fad5b-d9cb-469f-a165-70867728950e","serial":1.5,"target":null,"subscriptions":[]}',
  '{"version":1,"lineage":"0f8fad5b-d9cb-469f-a165-70867728950e","serial":0,"target":null,"subscriptions":{}}',
  '{"__proto__":{"polluted":true},"version":1}',
  `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`,
  `{"version":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`,
  Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
  '\ufeff{}',
];

type StateOp =
  | DataOp
  | { kind: 'text'; op: TextOp };

const stateOp: fc.Arbitrary<StateOp> = fc.oneof(
  { weight: 4, arbitrary: dataOp },
  { weight: 1, arbitrary: textOp.map((op) => ({ kind: 'text' as const, op })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      value: fc.oneof(
        oddValue,
        fc.constantFrom(0, -1, 2 ** 53, 'https://other.example.com', null, true, 'a'.repeat(64), 'A'.repeat(64), 'g'.repeat(64), '2026-13-45T00:00:00Z', 'not a date'),
      ),
    }),
  },
);

function stateCases(valid: string): fc.Arbitrary<Case> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((t) => ({ how: 'random JSON', bytes: t })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map((t) => ({ how: 'random text', bytes: t })) },
    { weight: 1, arbitrary: fc.constantFrom(...STATE_CLASSICS).map((c) => ({ how: 'classic', bytes: c })) },
    {
      weight: 6,
      arbitrary: fc.array(stateOp, { minLength: 1, maxLength: 3 }).map((ops) => {
        let data: unknown = JSON.parse(valid);
        let text: string | null = null;
        for (const op of ops) {
          if (op.kind === 'text') text = applyTextOp(text ?? `${JSON.stringify(data, null, 2)}\n`, op.op);
          else if (text === null) data = applyDataOp(data, op);
        }
        return { how: `state mutation ${JSON.stringify(ops).slice(0, 300)}`, bytes: text ?? `${JSON.stringify(data, null, 2)}\n` };
      }),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Journals left beside a valid state.

const JOURNAL_CASES = SOAK ? 1000 : 80;

/** The journal a run interrupted mid-apply leaves: a subscribe made, an unsubscribe in flight. */
function validJournal(stateText: string): string {
  const state = JSON.parse(stateText) as { lineage: string; serial: number; target: string; subscriptions: Record<string, string>[] };
  const added = { entityTypeName: 'patient', actionName: '_delete', endpoint: 'https://journal.example.com/p', endpointSha256: sha256('https://journal.example.com/p') };
  const removed = state.subscriptions[0] ?? added;
  const at = '2026-07-07T10:00:00.000Z';
  return [
    { type: 'header', version: 1, lineage: state.lineage, serial: state.serial, target: state.target, startedAt: at },
    { type: 'intent', id: 1, kind: 'subscribe', ref: added, at },
    { type: 'outcome', id: 1, result: 'ok', at },
    { type: 'intent', id: 2, kind: 'unsubscribe', ref: removed, at },
  ]
    .map((record) => `${JSON.stringify(record)}\n`)
    .join('');
}

function journalCases(valid: string): fc.Arbitrary<Case> {
  const lineOp = fc.record({ line: fc.nat(), op: dataOp });
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((t) => ({ how: 'random journal text', bytes: t })) },
    {
      weight: 3,
      arbitrary: fc.array(lineOp, { minLength: 1, maxLength: 3 }).map((ops) => {
        const lines = valid.trimEnd().split('\n');
        for (const { line, op } of ops) {
          const i = line % lines.length;
          lines[i] = JSON.stringify(applyDataOp(JSON.parse(lines[i] ?? 'null'), op)) ?? '';
        }
        return { how: `journal line mutation ${JSON.stringify(ops).slice(0, 300)}`, bytes: `${lines.join('\n')}\n` };
      }),
    },
    {
      weight: 2,
      arbitrary: fc.array(textOp, { minLength: 1, maxLength: 3 }).map((ops) => ({ how: `journal text mutation ${JSON.stringify(ops).slice(0, 300)}`, bytes: ops.reduce(applyTextOp, valid) })),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Saved plans (`plan --out`, then `reconcile --plan`).

const SAVED_PLAN_CASES = SOAK ? 600 : 60;

function savedPlanCases(valid: string): fc.Arbitrary<Case> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((t) => ({ how: 'random JSON plan', bytes: t })) },
    {
      weight: 4,
      arbitrary: fc.array(dataOp, { minLength: 1, maxLength: 3 }).map((ops) => {
        let data: unknown = JSON.parse(valid);
        for (const op of ops) data = applyDataOp(data, op);
        return { how: `saved plan mutation ${JSON.stringify(ops).slice(0, 300)}`, bytes: JSON.stringify(data, null, 2) ?? '' };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.array(textOp, { minLength: 1, maxLength: 3 }).map((ops) => ({ how: `saved plan text mutation ${JSON.stringify(ops).slice(0, 300)}`, bytes: ops.reduce(applyTextOp, valid) })),
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The checks.

interface Ctx {
  emulator: RunningEmulator;
  env: Record<string, string>;
}

type Runner = (argv: readonly string[], env: Record<string, string>) => Promise<{ code: number | null | undefined; stdout: string; stderr: string; thrown?: unknown }>;

const inProcess: Runner = (argv, env) => runInProcess(argv, env);
const subprocess: Runner = (argv, env) => cli(argv, env);

const CONTROL = /[\u0000-\u0008\u000b-\u001f]/;

/** One command's result against the promises; returns its exit code. */
function checkRun(label: string, run: Awaited<ReturnType<Runner>>, how: string): number {
  const where = `${label} on ${how}\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`;
  if (run.thrown !== undefined) throw new Error(`${where}\nan exception escaped runCli: ${String(run.thrown)}`);
  expect([0, 1], where).toContain(run.code);
  expect(looksLikeCrash(run.stderr), `${where}\n(stack trace or internal error on stderr)`).toBe(false);
  expect(looksLikeCrash(run.stdout), `${where}\n(stack trace or internal error on stdout)`).toBe(false);
  if (run.code === 1) expect(run.stderr, `${where}\n(exit 1 without a message)`).toMatch(/^biot-subs|\nbiot-subs/);
  // Text from files reaches terminals and CI logs: no raw control character (ESC, CR, NUL …).
  expect(CONTROL.exec(run.stdout)?.[0], `${where}\n(raw control character on stdout)`).toBeUndefined();
  expect(CONTROL.exec(run.stderr)?.[0], `${where}\n(raw control character on stderr)`).toBeUndefined();
  // A clear error, not an echo of a huge input.
  expect(run.stderr.length, `${where}\n(stderr is ${run.stderr.length} chars)`).toBeLessThan(40_000);
  return run.code ?? -1;
}

const tally = { manifestCases: 0, manifestRejected: 0, stateCases: 0, stateRejected: 0, journalCases: 0, journalRejected: 0, savedPlanCases: 0, savedPlansAccepted: 0, subprocessCases: 0, commands: 0 };

/**
 * A manifest case: validate, plan (random format), then reconcile (or a dry run when valid).
 * Through the subprocess (`lean`), plan stands in for validate and the dry run is left out.
 */
async function manifestCase(ctx: Ctx, { manifest, statePath }: WorkspacePaths, c: Case, format: string, run: Runner, lean = false): Promise<void> {
  await writeFile(manifest, c.bytes);
  const before = await bytesOf(statePath);
  const plan = await run(['plan', '-f', manifest, '--state', statePath, '--format', format], ctx.env);
  const planned = checkRun(`plan --format ${format}`, plan, c.how);
  let validated = planned;
  let messages = plan.stderr;
  if (!lean) {
    const validation = await run(['validate', '-f', manifest], ctx.env);
    validated = checkRun('validate', validation, c.how);
    messages = validation.stderr;
    expect(planned, `plan and validate disagree on ${c.how}`).toBe(validated);
  }
  if (validated === 1) {
    // Every problem names file:line:col.
    expect(messages, c.how).toMatch(new RegExp(`${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
  }
  if (validated === 1 || !lean) {
    const reconcileArgs = validated === 1 ? ['reconcile', '-f', manifest, '--state', statePath, '--auto-approve'] : ['reconcile', '-f', manifest, '--state', statePath, '--dry-run'];
    const reconciled = checkRun(reconcileArgs.join(' '), await run(reconcileArgs, ctx.env), c.how);
    if (validated === 1) expect(reconciled, c.how).toBe(1);
  }
  tally.commands += lean ? 2 : 3;
  tally.manifestCases += 1;
  if (validated === 1) tally.manifestRejected += 1;
  expect(ctx.emulator.stats().requests, `network call on ${c.how}`).toBe(0);
  expect((await bytesOf(statePath))?.equals(before ?? Buffer.alloc(0)), `state changed on ${c.how}`).toBe(true);
  expect(existsSync(`${statePath}.lock`), `lock left on ${c.how}`).toBe(false);
  expect(existsSync(`${statePath}.journal`), `journal left on ${c.how}`).toBe(false);
}

/** A state case: read-only commands always; the writing ones only when the state is invalid. */
async function stateCase(ctx: Ctx, { dir, manifest }: WorkspacePaths, c: Case, run: Runner, lean = false): Promise<void> {
  const statePath = join(dir, 'fuzzed.state.json');
  await writeFile(statePath, c.bytes);
  const before = await bytesOf(statePath);
  let valid = true;
  try {
    await readState(statePath);
  } catch {
    valid = false;
  }
  const commands: string[][] = [['plan', '-f', manifest, '--state', statePath]];
  if (!lean) commands.push(['state', 'list', '--state', statePath], ['state', 'show', '--state', statePath]);
  if (!valid && lean) commands.push(['reconcile', '-f', manifest, '--state', statePath, '--auto-approve']);
  if (!valid && !lean) {
    commands.push(
      ['reconcile', '-f', manifest, '--state', statePath, '--auto-approve'],
      ['state', 'import', 'patient', '_create', 'https://import.example.com/x', '--state', statePath],
      ['state', 'rm', 'patient', '_create', 'https://hooks.example.com/biot/patient', '--state', statePath],
    );
  }
  for (const argv of commands) {
    const result = await run(argv, ctx.env);
    const code = checkRun(argv.slice(0, 2).join(' '), result, c.how);
    if (!valid) {
      expect(code, `${argv.join(' ')} accepted an invalid state: ${c.how}`).toBe(1);
      // The error names the state file, so the user knows what to fix.
      expect(result.stderr, c.how).toContain(statePath);
    }
    tally.commands += 1;
  }
  tally.stateCases += 1;
  if (!valid) tally.stateRejected += 1;
  expect(ctx.emulator.stats().requests, `network call on ${c.how}`).toBe(0);
  expect((await bytesOf(statePath))?.equals(before ?? Buffer.alloc(0)), `state changed on ${c.how}`).toBe(true);
  expect(existsSync(`${statePath}.lock`), `lock left on ${c.how}`).toBe(false);
}

describe('hostile input', () => {
  let ctx: Ctx;
  let bases: string[];
  let entries: Entry[];

  beforeAll(async () => {
    const emulator = await startEmulator();
    ctx = { emulator, env: emulatorEnv(emulator.url, { ...PLUGIN_VARS, HOOK_KEY: 'k3y' }) };
    entries = pickEntries(prng(BASE_SEED), 8, 'fuzz');
    const { readFile } = await import('node:fs/promises');
    bases = [await readFile(REPO_MANIFEST, 'utf8'), SMALL_MANIFEST, FLOW_MANIFEST, manifestYaml(entries)];
  });
  afterAll(async () => {
    await ctx.emulator.close();
    figure('hostile-input', { ...tally, total: tally.manifestCases + tally.stateCases + tally.journalCases + tally.savedPlanCases });
  });

  /** A folder with a valid state bound to the emulator (so plan is not refused for its target). */
  async function withState<T>(body: (ws: WorkspacePaths) => Promise<T>): Promise<T> {
    return inTempDir(async (dir) => {
      const ws = workspacePaths(dir);
      await writeFile(ws.statePath, validState(ctx.emulator.url, entries));
      return body(ws);
    });
  }

  it(`manifests: ${MANIFEST_CASES} generated cases in-process`, async () => {
    await withState(async (ws) => {
      await fc.assert(
        fc.asyncProperty(manifestCases(bases), fc.constantFrom('text', 'markdown', 'json'), async (c, format) => {
          await manifestCase(ctx, ws, c, format, inProcess);
        }),
        { seed: BASE_SEED, numRuns: MANIFEST_CASES, endOnFailure: true },
      );
    });
  }, 240_000);

  it(`state files: ${STATE_CASES} generated cases in-process`, async () => {
    await withState(async (ws) => {
      await writeFile(ws.manifest, manifestYaml(entries));
      const valid = validState(ctx.emulator.url, entries);
      await fc.assert(
        fc.asyncProperty(stateCases(valid), async (c) => {
          await stateCase(ctx, ws, c, inProcess);
        }),
        { seed: BASE_SEED + 1, numRuns: STATE_CASES, endOnFailure: true },
      );
    });
  }, 240_000);

  it(`a sample of ${SUBPROCESS_CASES} cases through the built CLI`, async () => {
    const manifestSample = fc.sample(fc.tuple(manifestCases(bases), fc.constantFrom('text', 'markdown', 'json')), { seed: BASE_SEED + 2, numRuns: Math.ceil((SUBPROCESS_CASES * 2) / 3) });
    const stateSample = fc.sample(stateCases(validState(ctx.emulator.url, entries)), { seed: BASE_SEED + 3, numRuns: Math.floor(SUBPROCESS_CASES / 3) });
    // Two lanes, each in its own folder.
    const lane = async (cases: (() => (ws: WorkspacePaths) => Promise<void>)[]): Promise<void> => {
      for (const make of cases) await withState(make());
    };
    const jobs = [
      ...manifestSample.map(([c, format]) => () => (ws: WorkspacePaths) => manifestCase(ctx, ws, c, format, subprocess, true)),
      ...stateSample.map((c) => () => async (ws: WorkspacePaths) => {
        await writeFile(ws.manifest, manifestYaml(entries));
        await stateCase(ctx, ws, c, subprocess, true);
      }),
    ];
    await Promise.all([lane(jobs.filter((_, i) => i % 2 === 0)), lane(jobs.filter((_, i) => i % 2 === 1))]);
    tally.subprocessCases += jobs.length;
  }, 240_000);

  it(`journals: ${JOURNAL_CASES} generated cases in-process`, async () => {
    await withState(async ({ manifest, statePath }) => {
      const journal = `${statePath}.journal`;
      await writeFile(manifest, manifestYaml(entries));
      const valid = validJournal(validState(ctx.emulator.url, entries));
      let rejected = 0;
      await fc.assert(
        fc.asyncProperty(journalCases(valid), async (c) => {
          await writeFile(journal, c.bytes);
          const before = { state: await bytesOf(statePath), journal: await bytesOf(journal) };
          // plan folds the journal in memory only; a journal it cannot use stops reconcile too,
          // before any call and without touching the state or the journal.
          const plan = await runInProcess(['plan', '-f', manifest, '--state', statePath], ctx.env);
          if (checkRun('plan with a journal', plan, c.how) === 1) {
            rejected += 1;
            const run = await runInProcess(['reconcile', '-f', manifest, '--state', statePath, '--auto-approve'], ctx.env);
            expect(checkRun('reconcile with a journal', run, c.how), c.how).toBe(1);
            expect(run.stderr, c.how).toContain('journal');
          }
          expect(ctx.emulator.stats().requests, `network call on ${c.how}`).toBe(0);
          expect((await bytesOf(statePath))?.equals(before.state ?? Buffer.alloc(0)), `state changed on ${c.how}`).toBe(true);
          expect((await bytesOf(journal))?.equals(before.journal ?? Buffer.alloc(0)), `journal changed on ${c.how}`).toBe(true);
          expect(existsSync(`${statePath}.lock`), `lock left on ${c.how}`).toBe(false);
        }),
        { seed: BASE_SEED + 4, numRuns: JOURNAL_CASES, endOnFailure: true },
      );
      tally.journalCases += JOURNAL_CASES;
      tally.journalRejected += rejected;
    });
  }, 120_000);

  it(`saved plans: ${SAVED_PLAN_CASES} tampered plans given to reconcile --plan in-process`, async () => {
    await withState(async ({ dir, manifest, statePath }) => {
      const saved = join(dir, 'plan.json');
      // The state holds `entries`; the manifest drops one and adds two: a plan with both kinds.
      const extra = pickEntries(prng(BASE_SEED + 9), 12, 'saved').filter((e) => !entries.some((x) => x.entityTypeName === e.entityTypeName && x.actionName === e.actionName)).slice(0, 2);
      const desired = [...entries.slice(1), ...extra];
      await writeFile(manifest, manifestYaml(desired));
      const stateBytes = await bytesOf(statePath);
      const reset = (): void => {
        ctx.emulator.reset();
        for (const t of resolvedEntries(entries)) ctx.emulator.hold(t);
      };
      const made = await runInProcess(['plan', '-f', manifest, '--out', saved], ctx.env);
      expect(made.code, made.stderr).toBe(0);
      const valid = (await bytesOf(saved))?.toString('utf8') ?? '';
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(savedPlanCases(valid), async (c) => {
          reset();
          await writeFile(statePath, stateBytes ?? '');
          await writeFile(saved, c.bytes);
          const run = await runInProcess(['reconcile', '-f', manifest, '--plan', saved], ctx.env);
          if (checkRun('reconcile --plan', run, c.how) === 0) {
            // Accepted only when it is the plan made now: BioT then matches the manifest.
            accepted += 1;
            expect(sortTriples(ctx.emulator.subscriptions()), c.how).toEqual(resolvedEntries(desired));
          } else {
            expect(ctx.emulator.stats().requests, `network call on ${c.how}`).toBe(0);
            expect((await bytesOf(statePath))?.equals(stateBytes ?? Buffer.alloc(0)), `state changed on ${c.how}`).toBe(true);
          }
          expect(existsSync(`${statePath}.lock`), `lock left on ${c.how}`).toBe(false);
          expect(existsSync(`${statePath}.journal`), `journal left on ${c.how}`).toBe(false);
        }),
        { seed: BASE_SEED + 5, numRuns: SAVED_PLAN_CASES, endOnFailure: true },
      );
      reset();
      ctx.emulator.reset();
      tally.savedPlanCases += SAVED_PLAN_CASES;
      tally.savedPlansAccepted += accepted;
    });
  }, 120_000);

  it('plan --out naming the manifest, the state, its journal or its lock is refused and writes nothing', async () => {
    await withState(async ({ dir, manifest, statePath }) => {
      await writeFile(manifest, manifestYaml(entries));
      for (const out of [manifest, statePath, `${statePath}.journal`, `${statePath}.lock`, join(dir, '.', 'subscriptions.yaml')]) {
        const before = { manifest: await bytesOf(manifest), state: await bytesOf(statePath) };
        const run = await runInProcess(['plan', '-f', manifest, '--out', out], ctx.env);
        expect(checkRun(`plan --out ${out}`, run, 'an --out over a file biot-subs reads')).toBe(1);
        expect(run.stderr).toMatch(/save the plan to another file/);
        expect(await bytesOf(manifest)).toEqual(before.manifest);
        expect(await bytesOf(statePath)).toEqual(before.state);
        expect(existsSync(`${statePath}.journal`) || existsSync(`${statePath}.lock`)).toBe(false);
      }
    });
  });

  it('a state path that is a folder, a FIFO or a device is a clear error, not a crash or a hang', async () => {
    await withState(async ({ dir, manifest }) => {
      const folder = join(dir, 'folder.state.json');
      await mkdir(folder);
      const fifo = join(dir, 'fifo.state.json');
      const paths = [folder, '/dev/zero'];
      // A FIFO blocked the read forever (no writer ever comes).
      if (spawnSync('mkfifo', [fifo]).status === 0) paths.push(fifo);
      await writeFile(manifest, manifestYaml(entries));
      for (const statePath of paths) {
        for (const argv of [
          ['plan', '-f', manifest, '--state', statePath],
          ['reconcile', '-f', manifest, '--state', statePath, '--auto-approve'],
          ['state', 'list', '--state', statePath],
        ]) {
          const run = await runInProcess(argv, ctx.env);
          expect(checkRun(argv.join(' '), run, statePath)).toBe(1);
          expect(run.stderr).toContain('not a regular file');
        }
      }
      expect(ctx.emulator.stats().requests).toBe(0);
    });
  }, 20_000);
});
