/**
 * Child process running the project's BioT emulator (dist/emulator) for a benchmark, so the
 * server does not share the event loop of the client being measured. Started by emulator.mjs
 * with its options as JSON in argv[2]; answers IPC messages: stats, reset, close. Listens on
 * 127.0.0.1 only, and exits when its parent goes away.
 */
import { startEmulator } from '../../dist/emulator/emulator.js';

const emulator = await startEmulator({ ...JSON.parse(process.argv[2] ?? '{}'), host: '127.0.0.1', port: 0 });
process.send({ type: 'ready', url: emulator.url });
process.on('message', async (message) => {
  if (message.type === 'stats') process.send({ type: 'stats', stats: emulator.stats() });
  else if (message.type === 'reset') {
    emulator.reset();
    process.send({ type: 'reset' });
  } else if (message.type === 'close') {
    await emulator.close();
    process.disconnect();
  }
});
process.on('disconnect', () => void emulator.close().then(() => process.exit(0)));
