export { startEmulator, type RunningEmulator } from './server.js';
export { describeEmulator } from './describe.js';
export { DEMO_SERVICE_USER, DEMO_USER, resolveEmulatorOptions, type EmulatorOptions, type Fault, type ResolvedEmulatorOptions } from './options.js';
export type { EmulatorStats, RecordedCall } from './context.js';
