import { createInterface } from 'node:readline/promises';
import type { CliContext } from './context.js';

/** Asks on the terminal; only the exact answer `yes` approves, as Terraform does. */
export async function confirmApply(ctx: CliContext, question: string): Promise<boolean> {
  const rl = createInterface({ input: ctx.stdin, output: process.stderr, terminal: ctx.stdin.isTTY === true });
  try {
    const answer = await rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    return answer.trim() === 'yes';
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
