import { describe, expect, it } from 'vitest';
import { LIGHT_COMMANDS } from '../../src/cli/light-commands.js';
import { runInProcess } from '../support/run-in-process.js';

describe("runCli with the light bundle's commands", () => {
  it('answers help, the version and unknown commands as the whole CLI does', async () => {
    const help = await runInProcess(['--help'], {}, LIGHT_COMMANDS);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: biot-subs <command>');
    const unknown = await runInProcess(['frobnicate'], {}, LIGHT_COMMANDS);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^biot-subs: unknown command 'frobnicate'/);
  });

  it('reports a known command it does not hold as an internal error, not as unknown (the bin never sends one)', async () => {
    const run = await runInProcess(['plan'], {}, LIGHT_COMMANDS);
    expect(run).toEqual({ code: 1, stdout: '', stderr: "biot-subs: internal error: the command 'plan' is not in this build of the CLI\n", thrown: undefined });
  });
});
