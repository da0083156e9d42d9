import type { Fault } from './options.js';

export type LostFault = Extract<Fault, `lost-${string}`>;

const BEFORE_FAULTS = ['http-500', 'http-503', 'http-429', 'drop'] as const;
const LOST_FAULTS: readonly LostFault[] = ['lost-drop', 'lost-502', 'lost-504'];

/**
 * Decides which dispatcher calls misbehave: first any faults queued by a test, in order, then
 * seeded random draws. One PRNG serves every draw, so a given seed and call order replays.
 */
export class FaultPicker {
  readonly #queue: Fault[] = [];

  constructor(
    private readonly random: () => number,
    private readonly failRate: number,
    private readonly lostResponseRate: number,
  ) {}

  enqueue(faults: readonly Fault[]): void {
    this.#queue.push(...faults);
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** The fault to apply to the next call, before it is handled; null for none. */
  next(): Fault | null {
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued;
    if (this.failRate > 0 && this.random() < this.failRate) return pick(BEFORE_FAULTS, this.random());
    return null;
  }

  /** Whether the answer to a change just made is lost, and how. */
  lostAfterChange(): LostFault | null {
    if (this.lostResponseRate > 0 && this.random() < this.lostResponseRate) return pick(LOST_FAULTS, this.random());
    return null;
  }
}

/** Milliseconds of a `slow:<ms>` fault, or null for any other fault. */
export function slowMs(fault: Fault): number | null {
  if (!fault.startsWith('slow:')) return null;
  const ms = Number(fault.slice('slow:'.length));
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function isLostFault(fault: Fault): fault is LostFault {
  return (LOST_FAULTS as readonly string[]).includes(fault);
}

function pick<T>(items: readonly T[], r: number): T {
  const item = items[Math.min(items.length - 1, Math.floor(r * items.length))];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
