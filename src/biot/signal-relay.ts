import { setMaxListeners } from 'node:events';

const relays = new WeakMap<AbortSignal, AbortSignal>();

/**
 * One signal of our own per caller's signal. Every call of a run waits on the executor's one
 * cancel signal (in the limiter, between retries, for a login), so 16 workers mean more than
 * Node's 10 listeners and a leak warning on stderr. The relay takes one listener on the
 * caller's signal and carries the many on a signal we own, where the warning is turned off.
 */
export function relaySignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  let relayed = relays.get(signal);
  if (!relayed) {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    relayed = controller.signal;
    relays.set(signal, relayed);
  }
  return relayed;
}
