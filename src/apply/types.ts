import type { CallOutcome } from '../biot/types.js';
import type { Operation } from '../plan/types.js';

export type OperationOutcome =
  | CallOutcome
  /** Not attempted: a subscribe failed (make before break), the run was interrupted, or the
   *  unsubscribe's template no longer resolves to its applied hash. */
  | { kind: 'skipped'; reason: string };

export interface OperationResult {
  operation: Operation;
  outcome: OperationOutcome;
}

export interface ApplyReport {
  results: OperationResult[];
  interrupted: boolean;
  /** Milliseconds from the first call to the last outcome. */
  elapsedMs: number;
}
