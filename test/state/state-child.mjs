// Child process for test/state/*process*.test.ts: runs state operations from a bundle of
// src/state until it is killed (crash tests) or reports whether it got the lock (race tests).
//   node state-child.mjs write   BUNDLE STATE           rewrite the state forever
//   node state-child.mjs journal BUNDLE STATE           journal calls forever, 8 at a time
//   node state-child.mjs lock    BUNDLE STATE START_MS   try at START_MS; a winner holds until stdin ends
import { createHash } from 'node:crypto';

const [mode, bundle, statePath, ...rest] = process.argv.slice(2);
const state = await import(bundle);

/** The state a writer writes as serial n; test/state/process-crash.test.ts has the same. */
function generate(n, lineage) {
  const count = 20 + (n % 30);
  const subscriptions = [];
  for (let i = 0; i < count; i++) {
    const url = `https://h.example.com/${n}/${i}`;
    subscriptions.push({
      entityTypeName: `entity${i % 5}`,
      actionName: `_a${i}`,
      endpoint: url,
      endpointSha256: createHash('sha256').update(url).digest('hex'),
      appliedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    });
  }
  return { version: 1, lineage, serial: n, target: 'https://api.dev.example.com', subscriptions };
}

if (mode === 'write') {
  let previous = await state.readState(statePath);
  process.stdout.write('ready\n');
  for (;;) {
    previous = await state.writeState(statePath, generate(previous.serial + 1, previous.lineage), previous);
    process.stdout.write(`${previous.serial}\n`);
  }
} else if (mode === 'journal') {
  const current = await state.readState(statePath);
  const journal = await state.StateJournal.open(statePath, current);
  process.stdout.write('ready\n');
  const results = ['ok', 'ok', 'ok', 'failed', 'unknown'];
  let n = 0;
  const worker = async () => {
    for (;;) {
      const i = n++;
      const url = `https://h.example.com/${i % 40}`;
      const ref = {
        entityTypeName: 'patient',
        actionName: `_a${i % 7}`,
        endpoint: url,
        endpointSha256: createHash('sha256').update(url).digest('hex'),
      };
      const id = await journal.intent({ kind: i % 3 === 0 ? 'unsubscribe' : 'subscribe', ref });
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      await journal.outcome(id, results[i % results.length]);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
} else if (mode === 'lock') {
  // Start together at START_MS; a winner holds the lock until the parent closes our stdin, so
  // the outcome never depends on how long the others took to start.
  const [startAt] = rest.map(Number);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  try {
    const lock = await state.acquireLock(statePath, 'race');
    process.stdout.write(`won${lock.warning ? ' (took over)' : ''}\n`);
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.once('end', resolve));
    await lock.release();
  } catch (error) {
    if (error.name !== 'LockHeldError') throw error;
    process.stdout.write('held\n');
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
