import type { OperationResult } from '../apply/types.js';
import { isSuccess, NOT_STARTED } from '../apply/execute-plan.js';
import { renderProgressCounter, renderProgressLine } from '../render/apply-report.js';
import type { OutputStream } from './context.js';

/**
 * Progress on stderr: a live counter on a TTY, one line per finished operation otherwise.
 * Operations an interrupt kept from starting are not "finished": they are counted in one line at
 * the end rather than flooding a CI log with a line each.
 */
export function createProgress(stream: OutputStream): {
  onResult: (result: OperationResult, done: number, total: number) => void;
  end: () => void;
} {
  let failed = 0;
  let notStarted = 0;
  let drawn = false;
  return {
    onResult(result, done, total) {
      if (!isSuccess(result.outcome)) failed += 1;
      if (stream.isTTY) {
        stream.write(`\r${renderProgressCounter(done, total, failed)}\u001b[K`);
        drawn = true;
      } else if (result.outcome.kind === 'skipped' && result.outcome.reason === NOT_STARTED) {
        notStarted += 1;
      } else {
        stream.write(`${renderProgressLine(result, done, total)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\n');
      if (notStarted > 0) stream.write(`${notStarted} operation${notStarted === 1 ? '' : 's'} not started: interrupted\n`);
    },
  };
}
