import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LIGHT_COMMANDS } from '../../src/cli/light-commands.js';
import type { CliContext } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/run-cli.js';

function context(): { ctx: CliContext; out: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (text: string) => ((stdout += text), true), isTTY: false },
    stderr: { write: (text: string) => ((stderr += text), true), isTTY: false },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    env: {},
    onInterrupt: () => () => undefined,
  };
  return { ctx, out: () => ({ stdout, stderr }) };
}

describe('runCli with the light bundle\'s commands', () => {
  it('answers help, the version and unknown commands as the whole CLI does', async () => {
    const help = context();
    expect(await runCli(['--help'], help.ctx, LIGHT_COMMANDS)).toBe(0);
    expect(help.out().stdout).toContain('Usage: biot-subs <command>');
    const unknown = context();
    expect(await runCli(['frobnicate'], unknown.ctx, LIGHT_COMMANDS)).toBe(1);
    expect(unknown.out().stderr).toMatch(/^biot-subs: unknown command 'frobnicate'/);
  });

  it('reports a known command it does not hold as an internal error, not as unknown (the bin never sends one)', async () => {
    const { ctx, out } = context();
    expect(await runCli(['plan'], ctx, LIGHT_COMMANDS)).toBe(1);
    expect(out()).toEqual({ stdout: '', stderr: "biot-subs: internal error: the command 'plan' is not in this build of the CLI\n" });
  });
});
