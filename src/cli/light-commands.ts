import type { CommandTable } from './command-table.js';

/**
 * The light bundle's commands (see CommandTable). In a module of their own, so that the light
 * bundle holds none of the others' code: ~300 KB of source to read at start instead of ~520 KB,
 * ~4 ms of `validate`'s ~35 ms over Node's own start (docs/benchmarks.md, start-up). The bin
 * keeps the same list (src/cli/bin.cts; a test keeps the two the same).
 */
export const LIGHT_COMMANDS: CommandTable = {
  validate: async () => (await import('./commands/validate.js')).runValidate,
  catalog: async () => (await import('./commands/catalog.js')).runCatalog,
};
