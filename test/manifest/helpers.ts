import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import type { Environment, Manifest } from '../../src/manifest/types.js';

export const FILE = 'subs.yaml';

/** Every manifest under test/fixtures/manifests (valid and invalid). */
export function fixtureFiles(): string[] {
  const root = join(import.meta.dirname, '../fixtures/manifests');
  return ['valid', 'invalid'].flatMap((folder) => readdirSync(join(root, folder)).map((name) => join(root, folder, name)));
}

/** Pieces of manifests and of broken YAML, so random input reaches past the YAML parser. */
const FRAGMENTS = [
  'version: 1\n', 'subscriptions:\n', '  - ', 'entityTypeName: patient\n', '    actionName: _create\n',
  '    actionNames: [_create, "*"]\n', '    endpoint: https://h.example/x\n', 'endpoint: ${A:-https://d.example}\n',
  'endpoint: ${', 'policy: {allowedHosts: ["*.example"], allowHttp: true}\n', 'extraActions: {patient: [_x]}\n',
  '&a ', '*a', '<<: ', '[', ']', '{', '}', ': ', '- ', '"', "'", '#', '\t', '\n', '---\n', '? ', '!!str ', '%YAML 1.1\n',
  'https://u:p@h/x', '__proto__: 1\n', 'constructor: 1\n', '\u0000', '\uFEFF',
];

export const yamlish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(''));

/** YAML syntax that the manifest fragments leave out: block scalars, tags, directives, CRLF, … */
const SYNTAX = [
  '|\n', '>-\n', '|+2\n', '  ', '    ', '...\n', '%TAG ! tag:x.example,2026:\n', '\r\n', ',', '!x ', '!<tag:y> ', '-',
  '? ', 'k: v\n', '- a\n', '  - b\n', '"a\\"b"', "'it''s'", '{a: [b, {c: d}]}', '[a, b: c]', '# note\n', 'a: |\n  x\n  y\n',
  '&x [1, 2]\n', '*x\n', '\t- t\n', '\u2028', '@', '`',
];
export const yamlSyntax = fc.array(fc.constantFrom(...SYNTAX), { maxLength: 40 }).map((parts) => parts.join(''));

/** Lines joined with newlines, with a final newline: positions are easy to read off. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A manifest of `version: 1` and these lines under `subscriptions:`; the first of them is line 3. */
export function subscriptionsYaml(...lines: string[]): string {
  return yaml('version: 1', 'subscriptions:', ...lines);
}

/** Every problem as `line:col: message`. */
export function problemsOf(text: string, env: Environment = {}): string[] {
  const result = parseManifest(text, FILE, env);
  return result.ok ? [] : result.problems.map((p) => `${p.location.line}:${p.location.col}: ${p.message}`);
}

export function manifestOf(text: string, env: Environment = {}): Manifest {
  const result = parseManifest(text, FILE, env);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.location.line}:${p.location.col}: ${p.message}`).join('\n'));
  return result.manifest;
}

/** A manifest with one entry per given endpoint (patient _create), for endpoint rules. */
export function withEndpoint(endpoint: string, policy: string[] = []): string {
  return yaml('version: 1', ...policy, 'subscriptions:', '  - entityTypeName: patient', '    actionName: _create', `    endpoint: ${endpoint}`);
}
