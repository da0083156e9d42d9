/** Starts the emulator in its own process (emulator-process.mjs) and talks to it over IPC. */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./emulator-process.mjs', import.meta.url));

/**
 * @param {import('../../dist/emulator/emulator.js').EmulatorOptions} options
 * @returns {Promise<{url: string, stats(): Promise<import('../../dist/emulator/emulator.js').EmulatorStats>, reset(): Promise<void>, close(): Promise<void>}>}
 */
export async function startEmulatorProcess(options = {}) {
  const child = fork(CHILD, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = async (type) => {
    child.send({ type });
    for (;;) {
      const [message] = await once(child, 'message');
      if (message.type === type) return message;
    }
  };
  const [ready] = await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('the emulator process exited before it was ready (is dist/ built?)');
    }),
  ]);
  return {
    url: ready.url,
    stats: async () => (await ask('stats')).stats,
    reset: async () => void (await ask('reset')),
    close: async () => {
      const exited = once(child, 'exit');
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
