import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateJournal, recoverJournal, removeJournal } from '../../src/state/journal.js';
import { normalizeState, readState, writeState } from '../../src/state/state-file.js';
import type { State } from '../../src/state/types.js';
import { CHILD, bundleState } from './bundle.js';
import { LINEAGE, tempDir } from './helpers.js';

/** Same as generate() in state-child.mjs: the state a writer writes as serial n. */
function generate(n: number): State {
  const subscriptions = Array.from({ length: 20 + (n % 30) }, (_, i) => {
    const url = `https://h.example.com/${n}/${i}`;
    return {
      entityTypeName: `entity${i % 5}`,
      actionName: `_a${i}`,
      endpoint: url,
      endpointSha256: createHash('sha256').update(url).digest('hex'),
      appliedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    };
  });
  return { version: 1, lineage: LINEAGE, serial: n, target: 'https://api.dev.example.com', subscriptions };
}

/** Starts the child, resolves once it printed `ready`, with the last number it printed. */
function start(args: string[]): Promise<{ child: ChildProcess; last: () => number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = -1;
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') resolve({ child, last: () => last });
        else last = Number(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => reject(new Error(`child ended early: ${code ?? signal}`)));
  });
}

async function killAfter(child: ChildProcess, ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('kill -9 in the middle of writes', () => {
  it('leaves a state file that is one of the states written, over 30 kills', async () => {
    const dir = await tempDir();
    const bundle = await bundleState(dir);
    // Three folders killed in parallel: 30 kills without 30 sequential node start-ups.
    const lane = async (name: string): Promise<void> => {
      const statePath = join(dir, name, 'subscriptions.state.json');
      await mkdir(join(dir, name));
      await writeState(statePath, generate(0), null);
      let previousSerial = 0;
      for (let kill = 0; kill < 10; kill++) {
        const { child, last } = await start(['write', bundle, statePath]);
        await killAfter(child, Math.random() * 25);
        const read = await readState(statePath);
        const serial = read?.serial ?? -1;
        // Old or new: never older than the last write the child saw complete, never beyond the next.
        expect(serial).toBeGreaterThanOrEqual(Math.max(last(), previousSerial));
        expect(serial).toBeLessThanOrEqual(Math.max(last(), previousSerial) + 1);
        expect(read).toStrictEqual(normalizeState(generate(serial)));
        previousSerial = serial;
      }
      // The next write clears the temporary files kills left mid-write.
      const read = await readState(statePath);
      await writeState(statePath, generate(previousSerial + 1), read);
      expect(await readdir(join(dir, name))).toEqual(['subscriptions.state.json']);
    };
    await Promise.all(['a', 'b', 'c'].map(lane));
  });

  it('leaves a journal that recovers, over 10 kills', async () => {
    const dir = await tempDir();
    const bundle = await bundleState(dir);
    const statePath = join(dir, 'subscriptions.state.json');
    let current = await writeState(statePath, generate(0), null);
    for (let kill = 0; kill < 10; kill++) {
      const { child } = await start(['journal', bundle, statePath]);
      await killAfter(child, 5 + Math.random() * 25);
      const result = await recoverJournal(statePath, current);
      expect(result).not.toBeNull();
      current = await writeState(statePath, result?.state ?? current, current);
      await removeJournal(statePath);
      expect(await readState(statePath)).toStrictEqual(current);
    }
    // Whatever happened, a new apply can open its journal.
    await (await StateJournal.open(statePath, current)).remove();
  });
});
