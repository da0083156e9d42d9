import { RateControl, type PacingResult, type RateControlOptions, type RateControlSnapshot } from './rate-control.js';

export interface Permit {
  /** When the call was let through, for the rate estimate. */
  readonly sentAt: number;
  /** Ends the call; every permit is released exactly once. */
  release(result: PacingResult): void;
}

export interface LimiterDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Told when a 429 cut the rate. */
  onCut?: (snapshot: RateControlSnapshot) => void;
}

interface Waiter {
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
}

/**
 * The gate every dispatcher call passes: FIFO, paced by `RateControl`. One pump lets callers
 * through one by one, so waiters never wake together and burst.
 */
export class AdaptiveLimiter {
  readonly #control: RateControl;
  readonly #deps: LimiterDeps;
  readonly #queue: Waiter[] = [];
  #pumping = false;
  #released: (() => void) | null = null;

  constructor(options: RateControlOptions, deps: LimiterDeps) {
    this.#control = new RateControl(options, deps.now());
    this.#deps = deps;
  }

  /** Resolves when the call may be sent; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (permit) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(permit);
        },
        reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  snapshot(): RateControlSnapshot {
    return this.#control.snapshot();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const wait = this.#control.waitMs(this.#deps.now());
        if (wait === 0) {
          this.#queue.shift()?.resolve(this.#grant());
        } else if (wait === Number.POSITIVE_INFINITY) {
          await new Promise<void>((resolve) => (this.#released = resolve));
        } else {
          await this.#deps.sleep(wait);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #grant(): Permit {
    const sentAt = this.#deps.now();
    this.#control.onSend(sentAt);
    let released = false;
    return {
      sentAt,
      release: (result) => {
        if (released) return;
        released = true;
        if (this.#control.onDone(this.#deps.now(), sentAt, result)) this.#deps.onCut?.(this.#control.snapshot());
        const wake = this.#released;
        this.#released = null;
        wake?.();
      },
    };
  }
}
