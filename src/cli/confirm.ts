import { createInterface } from 'node:readline/promises';
import type { CliContext } from './context.js';
import { processStream } from './fd-output.js';

/**
 * Asks on the terminal; only the exact answer `yes` approves, as Terraform does. Ctrl+C at the
 * prompt reaches readline as a key, not as a signal, so it is turned into a "no" here.
 */
export async function confirmApply(ctx: CliContext, question: string): Promise<boolean> {
  const rl = createInterface({ input: ctx.stdin, output: processStream(process.stderr), terminal: ctx.stdin.isTTY === true });
  const abort = new AbortController();
  rl.on('SIGINT', () => abort.abort());
  rl.on('close', () => abort.abort());
  try {
    const answer = await rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `, {
      signal: abort.signal,
    });
    return answer.trim() === 'yes';
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
