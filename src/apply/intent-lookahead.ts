import type { Operation } from '../plan/types.js';
import type { OperationRecorder } from './execute-plan.js';

/**
 * Records the intents of one phase's calls a few calls ahead of them. An intent must be durable
 * before its call is made, and on a disk whose fsync takes milliseconds a call that asks for its
 * own intent only when it starts waits for that flush every time. Asked ahead (one window of
 * `ahead` operations, which the journal's group commit writes and fsyncs together), the intent
 * is durable by the time its call's turn comes. The window is topped up when fewer than half of
 * it are left ahead of the call at hand, not at every call: one write and one fsync for several
 * intents, where a slide of one intent per call cost an fsync per call (~800 per apply of 800
 * calls; the journal's overhead halved, docs/benchmarks.md). So each intent is asked at least
 * ⌊ahead / 2⌋ + 1 call starts before its call (`ahead` before): at 8 calls of 25 ms in flight,
 * ~15 ms for its fsync instead of ~25.
 *
 * The price is bounded: a process killed outright leaves at most `ahead` intents of calls that
 * never started, which recovery treats like calls cut in flight (uncertain entries, re-asserted
 * by the next run). An operation skipped after its intent was recorded gets a `failed` outcome
 * (nothing changed), so a run that stops in an orderly way leaves no such entry.
 */
export class IntentLookahead {
  readonly #operations: readonly Operation[];
  readonly #recorder: OperationRecorder;
  readonly #ahead: number;
  readonly #ids: Array<Promise<number> | undefined> = [];
  /** Operations before this index have had their intents asked for (or will never need one). */
  #asked = 0;

  /** `ahead` >= 1; operations with `blocked` set are never sent, so none is recorded for them. */
  constructor(operations: readonly Operation[], recorder: OperationRecorder, ahead: number) {
    this.#operations = operations;
    this.#recorder = recorder;
    this.#ahead = Math.max(1, Math.floor(ahead));
  }

  /** The durable intent of `operations[index]`, whose call is about to be made; asks for the next ones too. */
  intent(index: number): Promise<number> {
    if (this.#asked <= index + Math.ceil(this.#ahead / 2)) {
      this.#askUpTo(Math.min(this.#operations.length, index + this.#ahead + 1));
    }
    return this.#ids[index] ?? this.#ask(index);
  }

  /**
   * `operations[index]` will not be sent: when its intent was recorded ahead, record that nothing
   * changed. Resolves once written, as outcomes do.
   */
  async skip(index: number, at: string): Promise<void> {
    const pending = this.#ids[index];
    if (pending === undefined) return;
    let id: number;
    try {
      id = await pending;
    } catch {
      return; // Never recorded: nothing to close.
    }
    await this.#recorder.outcome(id, 'failed', at);
  }

  #askUpTo(end: number): void {
    for (; this.#asked < end; this.#asked += 1) {
      const operation = this.#operations[this.#asked];
      if (operation === undefined || (operation.kind === 'unsubscribe' && operation.blocked)) continue;
      if (this.#ids[this.#asked] === undefined) this.#ask(this.#asked);
    }
  }

  #ask(index: number): Promise<number> {
    const operation = this.#operations[index];
    if (operation === undefined) return Promise.reject(new RangeError(`no operation ${index}`));
    const id = this.#recorder.intent(operation);
    // Asked ahead, the intent may fail before its call looks at it: that call reports it.
    id.catch(() => undefined);
    this.#ids[index] = id;
    return id;
  }
}
