import type { CliContext } from './context.js';

/** How long calls in flight may finish after the first interrupt (CI sends SIGTERM at 7.5 s). */
const GRACE_MS = 5000;

/**
 * First SIGINT/SIGTERM/SIGHUP: start no new call (`stop`), let calls in flight finish for at most
 * 5 s, then cut them (`cancel`). A second signal cuts them at once. Outcomes are still recorded.
 */
export interface Interrupts {
  /** Aborted on the first signal: no new call starts. */
  stop: AbortSignal;
  /** Aborted 5 s later, or on a second signal: calls in flight are cut. */
  cancel: AbortSignal;
  dispose(): void;
}

export function createInterrupts(ctx: CliContext, onFirst: (signal: string) => void): Interrupts {
  const stop = new AbortController();
  const cancel = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const off = ctx.onInterrupt((signal) => {
    if (!stop.signal.aborted) {
      stop.abort();
      onFirst(signal);
      timer = setTimeout(() => cancel.abort(), GRACE_MS);
      timer.unref();
    } else {
      cancel.abort();
    }
  });
  return {
    stop: stop.signal,
    cancel: cancel.signal,
    dispose() {
      off();
      if (timer) clearTimeout(timer);
    },
  };
}
