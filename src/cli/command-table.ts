import type { CliContext, ExitCode } from './context.js';
import type { CommandName } from './usage.js';

export type CommandRun = (argv: readonly string[], ctx: CliContext) => Promise<ExitCode>;

/**
 * The commands a build of the CLI runs, each loaded on first use: `validate` must not pay for
 * the HTTP client or the executor. The CLI ships as two bundles (scripts/bundle-cli.mjs): the
 * whole CLI (ALL_COMMANDS), and a light one for the commands that need neither the state nor
 * BioT (LIGHT_COMMANDS), which the bin runs for them.
 */
export type CommandTable = Readonly<Partial<Record<CommandName, () => Promise<CommandRun>>>>;

export const ALL_COMMANDS: CommandTable = {
  validate: async () => (await import('./commands/validate.js')).runValidate,
  plan: async () => (await import('./commands/plan.js')).runPlan,
  reconcile: async () => (await import('./commands/reconcile.js')).runReconcile,
  state: async () => (await import('./commands/state.js')).runState,
  catalog: async () => (await import('./commands/catalog.js')).runCatalog,
  emulator: async () => (await import('./commands/emulator.js')).runEmulator,
  demo: async () => (await import('./commands/demo.js')).runDemo,
};
