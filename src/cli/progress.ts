import type { OperationResult } from '../apply/types.js';
import { isSuccess } from '../apply/execute-plan.js';
import { renderProgressCounter, renderProgressLine } from '../render/apply-report.js';
import type { OutputStream } from './context.js';

/** Progress on stderr: a live counter on a TTY, one line per finished operation otherwise. */
export function createProgress(stream: OutputStream): {
  onResult: (result: OperationResult, done: number, total: number) => void;
  end: () => void;
} {
  let failed = 0;
  let drawn = false;
  return {
    onResult(result, done, total) {
      if (!isSuccess(result.outcome)) failed += 1;
      if (stream.isTTY) {
        stream.write(`\r${renderProgressCounter(done, total, failed)}`);
        drawn = true;
      } else {
        stream.write(`${renderProgressLine(result, done, total)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
