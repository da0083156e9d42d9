import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { newState, readState, serializeState, writeState } from '../../src/state/state-file.js';
import type { State } from '../../src/state/types.js';
import { LINEAGE, entry, ref, state, tempDir } from './helpers.js';

const patientCreate = ref('patient', '_create', 'https://hooks.example.com/p');
const deviceDelete = ref('device', '_delete', 'https://hooks.example.com/d', '${BASE}/d');
const deviceCreate = ref('device', '_create', 'https://hooks.example.com/d', '${BASE}/d');

async function statePath(): Promise<string> {
  return join(await tempDir(), 'subscriptions.state.json');
}

describe('newState', () => {
  it('starts at serial 0 with a fresh uuid lineage', () => {
    const a = newState('https://api.dev.example.com');
    const b = newState(null);
    expect(a).toEqual({ version: 1, lineage: a.lineage, serial: 0, target: 'https://api.dev.example.com', subscriptions: [] });
    expect(a.lineage).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.lineage).not.toBe(a.lineage);
    expect(b.target).toBeNull();
  });
});

describe('serializeState', () => {
  it('sorts entries, fixes key order, drops a false uncertain and ends in a newline', () => {
    const messy = {
      subscriptions: [
        { appliedAt: '2026-11-28T10:00:00.000Z', endpointSha256: patientCreate.endpointSha256, endpoint: patientCreate.endpoint, actionName: '_create', entityTypeName: 'patient', uncertain: false },
        { ...entry(deviceDelete), uncertain: true },
        entry(deviceCreate),
      ],
      target: null,
      serial: 3,
      lineage: LINEAGE,
      version: 1,
    } as unknown as State;
    const text = serializeState(messy);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as State;
    expect(Object.keys(parsed)).toEqual(['version', 'lineage', 'serial', 'target', 'subscriptions']);
    expect(parsed.subscriptions.map((e) => `${e.entityTypeName} ${e.actionName}`)).toEqual([
      'device _create',
      'device _delete',
      'patient _create',
    ]);
    expect(Object.keys(parsed.subscriptions[1] ?? {})).toEqual([
      'entityTypeName', 'actionName', 'endpoint', 'endpointSha256', 'appliedAt', 'uncertain',
    ]);
    expect('uncertain' in (parsed.subscriptions[2] ?? {})).toBe(false);
    expect(text).toContain('\n  "subscriptions": [\n    {\n      "entityTypeName": "device",');
  });

  it('gives the same bytes for the same content in any order', () => {
    const a = state([entry(patientCreate), entry(deviceDelete), entry(deviceCreate)]);
    const b = state([entry(deviceCreate), entry(patientCreate), entry(deviceDelete)]);
    expect(serializeState(a)).toBe(serializeState(b));
  });
});

describe('writeState and readState', () => {
  it('round-trips: what is written reads back equal, sorted, byte-stable', async () => {
    const path = await statePath();
    const written = await writeState(path, state([entry(patientCreate), entry(deviceDelete, undefined, true)], 0), null);
    const bytes = await readFile(path, 'utf8');
    expect(bytes).toBe(serializeState(written));
    expect(bytes.endsWith('\n')).toBe(true);
    const read = await readState(path);
    expect(read).toEqual(written);
    expect(read?.subscriptions.map((e) => e.entityTypeName)).toEqual(['device', 'patient']);
    // Writing what was read changes nothing, not even a byte.
    expect(await writeState(path, structuredClone(read as State), read)).toBe(read);
    expect(await readFile(path, 'utf8')).toBe(bytes);
  });

  it('bumps the serial only when content changes', async () => {
    const path = await statePath();
    const first = await writeState(path, state([entry(patientCreate)], 0), null);
    expect(first.serial).toBe(0);
    const same = await writeState(path, { ...first, subscriptions: [entry(patientCreate)] }, first);
    expect(same).toBe(first);
    const second = await writeState(path, { ...first, subscriptions: [entry(patientCreate), entry(deviceCreate)] }, first);
    expect(second.serial).toBe(1);
    const third = await writeState(path, { ...second, target: 'https://api.prod.example.com' }, second);
    expect(third.serial).toBe(2);
    // A serial given by the caller is ignored once there is a previous state.
    const fourth = await writeState(path, { ...third, serial: 99, subscriptions: [] }, third);
    expect(fourth.serial).toBe(3);
    expect((await readState(path))?.serial).toBe(3);
  });

  it('leaves no temporary file behind', async () => {
    const path = await statePath();
    let previous: State | null = null;
    for (let i = 0; i < 5; i++) {
      previous = await writeState(path, state(i % 2 ? [entry(patientCreate)] : []), previous);
    }
    expect(await readdir(join(path, '..'))).toEqual(['subscriptions.state.json']);
  });

  it('refuses to write another lineage over a state, or an invalid state', async () => {
    const path = await statePath();
    const first = await writeState(path, state([]), null);
    await expect(writeState(path, { ...newState(null), subscriptions: [entry(patientCreate)] }, first)).rejects.toThrow(/lineage/);
    const bad = state([{ ...entry(patientCreate), endpointSha256: 'not-a-hash' }]);
    await expect(writeState(path, bad, first)).rejects.toThrow(/refusing to write an invalid state/);
    const dup = state([entry(patientCreate), { ...entry(patientCreate), endpoint: '${P}' }]);
    await expect(writeState(path, dup, first)).rejects.toThrow(StateError);
    expect(await readState(path)).toEqual(first);
  });

  it('returns null for a missing file', async () => {
    expect(await readState(await statePath())).toBeNull();
  });
});

describe('readState rejects what it cannot trust, and leaves the file as it was', () => {
  const valid = serializeState(state([entry(patientCreate)], 4));
  const cases: [string, string, RegExp][] = [
    ['unparseable JSON', '{"version": 1, "lineage": ', /subscriptions\.state\.json: not valid JSON/],
    ['an unknown version', valid.replace('"version": 1', '"version": 2'), /subscriptions\.state\.json: version 2 is not supported by this biot-subs \(expects 1\)/],
    ['a foreign file', JSON.stringify({ name: 'biot-subs', version: '0.1.0', type: 'module' }, null, 2), /subscriptions\.state\.json: not a biot-subs state file/],
    ['a JSON array', '[]', /not a biot-subs state file \(expected a JSON object\)/],
    ['a bad hash', valid.replace(/"endpointSha256": "[0-9a-f]+"/, '"endpointSha256": "ABC"'), /\/subscriptions\/0\/endpointSha256: must match pattern/],
    ['an unknown key', valid.replace('"serial": 4', '"serial": 4, "extra": true'), /the top level: unknown property "extra"/],
    ['a missing key', valid.replace('"target": "https://api.dev.example.com",', ''), /must have required property 'target'/],
    ['a negative serial', valid.replace('"serial": 4', '"serial": -1'), /\/serial: must be >= 0/],
    ['a bad lineage', valid.replace(LINEAGE, 'abc'), /\/lineage: must match format "uuid"/],
    ['a bad appliedAt', valid.replace('2026-11-28T10:00:00.000Z', 'yesterday'), /appliedAt: must match format "date-time"/],
    ['uncertain: false', valid.replace('"appliedAt": "2026-11-28T10:00:00.000Z"', '"appliedAt": "2026-11-28T10:00:00.000Z", "uncertain": false'), /uncertain: must be true/],
    ['a relative target', valid.replace('https://api.dev.example.com', 'api.dev.example.com'), /: \/target: must be an absolute http\(s\) URL or null$/],
    [
      'duplicate identities',
      serializeState(state([entry(patientCreate)])).replace(/\}\n  \]/, `}, ${JSON.stringify({ ...entry(patientCreate), endpoint: '${HOOK}' })}\n  ]`),
      /subscriptions 0 and 1 are the same subscription \(patient _create/,
    ],
  ];

  it.each(cases)('%s', async (_name, content, message) => {
    const path = await statePath();
    await writeFile(path, content);
    const error: unknown = await readState(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).message).toMatch(message);
    expect((error as StateError).file).toBe(path);
    expect(await readFile(path, 'utf8')).toBe(content);
  });

  it('never lets a write replace a rejected file: callers read before they write', async () => {
    const path = await statePath();
    const foreign = '{"name":"x","version":"1.0.0"}\n';
    await writeFile(path, foreign);
    await expect(readState(path)).rejects.toThrow(StateError);
    expect(await readFile(path, 'utf8')).toBe(foreign);
  });

  it('accepts a byte-order mark and unsorted entries', async () => {
    const path = await statePath();
    const s = state([entry(patientCreate), entry(deviceCreate)], 2);
    await writeFile(path, `\uFEFF${JSON.stringify(s)}`);
    const read = await readState(path);
    expect(read?.subscriptions.map((e) => e.entityTypeName)).toEqual(['device', 'patient']);
  });

  it('reports an unreadable path as a StateError', async () => {
    const dir = await tempDir();
    await expect(readState(dir)).rejects.toThrow(/cannot read the state file/);
  });
});
