/** How a call that went through the limiter ended, as far as pacing is concerned. */
export type PacingResult = 'ok' | 'throttled' | 'failed';

export interface RateControlOptions {
  /** Most calls in flight at once (the executor's --concurrency). */
  maxInFlight: number;
  /** --rate: a hard ceiling in requests per second. Without it the ceiling is found from 429s. */
  maxRate?: number;
  /**
   * Requests per second at start when no --rate is given; grows until the first 429. Default 40:
   * above what 4 workers reach at BioT's usual latency, low enough that the first second does
   * not flood a limit that is not known yet.
   */
  initialRate?: number;
  /**
   * Multiplicative decrease on a 429. Default 0.9: the rate saw-tooths between 0.9 and 1 times
   * the limit (~95% on average), and the cut starts from the rate the server let through, so
   * one cut already lands below the limit.
   */
  decrease?: number;
  /** Window of the send-rate estimate, and the least time between two decreases when counting by window. Default 1000. */
  windowMs?: number;
  /** The rate is never cut below this. Default 1. */
  minRate?: number;
}

/** Calls in the window needed before the measured rate is trusted over the allowance. */
const MIN_SAMPLES = 10;

/**
 * How the server seems to count calls. 'window': calls let through in the last window (a sliding
 * or fixed window), so after a 429 old calls must leave it first. 'refill': a token bucket, whose
 * tokens come back at a steady rate; a call the window model said must fail went through.
 */
export type LimitCounting = 'window' | 'refill';

export interface RateControlSnapshot {
  rate: number;
  inFlightLimit: number;
  inFlight: number;
  slowStart: boolean;
  limitCounting: LimitCounting;
}

/**
 * One call that tests the window model after a 429 in the first window: due from `from`, when a
 * bucket refilling at the window's pace would have a token again; useful only before `by`.
 */
type WindowProbe = { state: 'due'; from: number; by: number } | { state: 'sent'; at: number; by: number };

/** A call's send time; `throttled` once answered 429. */
interface SentCall {
  at: number;
  throttled: boolean;
}

/** Calls let through and time needed before a refill rate is trusted over the allowance. */
const MIN_REFILL_SAMPLES = 5;
const MIN_REFILL_SPAN_MS = 100;
/**
 * Least time between two cuts when counting by refill. A bucket keeps no window of old calls to
 * wait out: a 429 for a call sent after a cut says the cut was not enough. 200 ms leaves room for
 * the refill rate's least span and samples.
 */
const REFILL_CUT_GAP_MS = 200;
/**
 * Counting by refill, the limit is what got through over this last stretch before a 429 (or
 * since the last cut, if later). A whole second averages in the ramp up to the 429 and reads a
 * limit below the rate: a bucket of 80/s that saves up 2 calls was held at 79 % instead of 89 %.
 */
const REFILL_ESTIMATE_MS = 250;
/**
 * The probe goes at least this long before the window's oldest call would leave it: a server
 * counts by arrival, not by our send time, and other traffic may share its window.
 */
const PROBE_MARGIN_MS = 200;
/** While the probe is out, how often to look again: its answer may lift the wait for the window. */
const PROBE_POLL_MS = 25;
/** The probing step stops doubling here (x1024): a long run without a 429 must not overflow it. */
const MAX_PROBE_DOUBLINGS = 10;
/**
 * Counting by refill, this many calls refused in a row, sent over this long, mean a full window:
 * a bucket of 10/s or more lets one through in that time. So do as many as calls in flight, sent
 * over two calls' time at the rate allowed (few workers refuse no more in a row).
 */
const MIN_STALL_REFUSALS = 4;
const MIN_STALL_MS = 100;
/** Past the limit found, a token bucket's rate is probed with a step that doubles this often. */
const PROBE_DOUBLING_MS = 250;

/**
 * Pacing by rate and by concurrency, adapted by AIMD on 429s. Pure: the caller passes the time.
 *
 * - A token bucket (burst of 2, so a timer firing late does not lose time) paces sends at `rate`,
 *   and, counting by window, no more than `rate` calls are let through in any window, as a
 *   sliding-window limiter counts them (a given --rate, in every mode).
 * - Slow start opens with an initial window: one call per worker (at most `initialRate` calls)
 *   goes at once, unpaced. Then, until the first 429, each success adds 1/round-trip to the
 *   rate, so the rate doubles every round trip (as TCP's slow start does) and a run that only
 *   latency and concurrency bound reaches its full pace within a few round trips, not seconds;
 *   the cap of twice the rate actually sent keeps that from becoming a first burst into a
 *   server's window.
 * - On a 429: rate and in-flight limit are cut at once, the rate to `decrease` times the rate the
 *   server let through over the last window (our own send times, less those answered 429), at
 *   most once per window (200 ms counting by refill, below) and only for calls sent after the
 *   previous cut: the 429s of one burst are one signal, not many.
 * - Then additive increase: the rate regains 5% of the limit found per second of successes up to
 *   97% of it (~1.4 s from 90%), then 1% per second past it; the in-flight limit grows by one per
 *   limit's worth of successes.
 * - The rate never grows past twice what was recently sent: a rate unused (the server is slow and
 *   concurrency binds) must not become a burst later.
 * - A 429 within the first window is ambiguous: a window limit of N calls and a token bucket with a
 *   burst of N both let N calls through at once and refuse the next. Taking it for a window, as
 *   above, holds the window limit, but would hold a bucket's client at a fraction of its rate for
 *   the whole run. So one call alone tests it, sent once a bucket refilling at N calls a second
 *   would have a token again and before the window empties: a window limit refuses it, a bucket
 *   lets it through. Then the control counts by refill, from the initial rate or N/s if more:
 *   no waiting for the window to empty; the limit taken from the calls let through over the last
 *   250 ms before a 429 (a bucket is empty then), or since the last cut if later, or over the
 *   last 5 for a slow bucket; and, once past it, a probing step that doubles every 250 ms without
 *   a 429, since the first guess may be far below the rate. Calls refused in a row for 100 ms,
 *   which a bucket of 10/s or more does not do (or one per call in flight, over two calls' time),
 *   switch back to window for the rest of the run, with a cut at once.
 * Pacing by rate, not only by calls in flight, is what holds a rate limit when BioT answers fast.
 */
export class RateControl {
  readonly #maxInFlight: number;
  readonly #maxRate: number;
  readonly #initialRate: number;
  readonly #decrease: number;
  readonly #windowMs: number;
  readonly #minRate: number;
  #rate: number;
  #inFlightLimit: number;
  #inFlight = 0;
  #tokens = 1;
  /** Sends still let through unpaced at the start (slow start's initial window), as TCP's first segments are. */
  #initialWindow: number;
  #refilledAt: number;
  /** Send times of recent calls; `throttled` once answered 429. */
  readonly #sends: SentCall[] = [];
  #firstSendAt: number | null = null;
  /** A 429 cuts only for a call sent from this time on, and only from `#nextCutAt` on. */
  #cutsFromSendAt = Number.NEGATIVE_INFINITY;
  #nextCutAt = Number.NEGATIVE_INFINITY;
  #slowStart: boolean;
  /**
   * Where the limit was found: the rate the server let through at the last cut, or, on the
   * switch to refill, the rate the probing starts from.
   */
  #ceiling = 0;
  #counting: LimitCounting = 'window';
  #probe: WindowProbe | null = null;
  #probed = false;
  /** Since when calls let through count toward the refill rate: the last cut, or the switch to refill. */
  #refillSince = 0;
  /** Since when the rate has been past the limit found, when counting by refill. */
  #probingSince: number | null = null;
  /** Answers 429 since the last call let through, and when the first of them was sent. */
  #refusedInARow = 0;
  #refusedFrom = 0;
  /** When the control switched to counting by refill. */
  #countingSince = 0;
  /** Calls per second the first window let through, as its first cut counted them. */
  #firstWindowLetThrough = 0;

  constructor(options: RateControlOptions, now: number) {
    this.#maxInFlight = Math.max(1, Math.floor(options.maxInFlight));
    this.#maxRate = options.maxRate ?? Number.POSITIVE_INFINITY;
    this.#initialRate = options.initialRate ?? 40;
    this.#decrease = options.decrease ?? 0.9;
    this.#windowMs = options.windowMs ?? 1000;
    this.#minRate = Math.min(options.minRate ?? 1, this.#maxRate);
    // A given --rate is the user's own ceiling: start there rather than slow-start below it.
    this.#slowStart = options.maxRate === undefined;
    this.#rate = options.maxRate ?? this.#initialRate;
    this.#inFlightLimit = this.#maxInFlight;
    // One call per worker at once, at most one second's worth of the initial rate: the first
    // round trip then measures what the workers can do instead of waiting on a guessed rate.
    this.#initialWindow = this.#slowStart ? Math.min(this.#maxInFlight, Math.floor(this.#initialRate)) : 0;
    this.#refilledAt = now;
  }

  /** 0 when a call may be sent now, else how long to wait; Infinity until a call in flight ends. */
  waitMs(now: number): number {
    if (this.#inFlight >= Math.floor(this.#inFlightLimit)) return Number.POSITIVE_INFINITY;
    this.#refill(now);
    if (this.#initialWindow > 0) return this.#waitForWindow(now, this.#rate);
    const forToken = this.#tokens >= 1 - 1e-9 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.#rate);
    // Sent once the window's oldest call has (nearly) left, the probe would go through either way.
    // One already out stops holding the others then, but its answer still counts.
    if (this.#probe?.state === 'due' && now >= this.#probe.by) this.#probe = null;
    if (this.#counting === 'refill') return Math.max(forToken, this.#waitForMaxRate(now));
    // Until the probe is answered, it is the only call: others would drain a bucket and spoil it.
    if (this.#probe?.state === 'due') return Math.max(forToken, this.#waitForMaxRate(now), Math.ceil(this.#probe.from - now));
    if (this.#probe?.state === 'sent' && now < this.#probe.by) return PROBE_POLL_MS;
    // The rate never exceeds --rate, so this wait covers --rate's own.
    return Math.max(forToken, this.#waitForWindow(now, this.#rate));
  }

  /** A given --rate holds per window in every mode: the user may know it as a window limit. */
  #waitForMaxRate(now: number): number {
    return Number.isFinite(this.#maxRate) ? this.#waitForWindow(now, this.#maxRate) : 0;
  }

  /**
   * No more than `rate` calls let through in any window, counted as a sliding-window limiter
   * counts them: after an overshoot (the first 429 of a run) the window is still full at the
   * server, and calls sent before enough old ones leave it would only collect 429s.
   */
  #waitForWindow(now: number, rate: number): number {
    const budget = Math.max(1, Math.floor((rate * this.#windowMs) / 1000));
    const accepted = this.#letThrough(now);
    if (accepted.length < budget) return 0;
    const leaving = accepted[accepted.length - budget];
    return leaving === undefined ? 0 : Math.max(1, Math.ceil(leaving.at + this.#windowMs - now));
  }

  onSend(now: number): void {
    this.#refill(now);
    if (this.#initialWindow > 0) {
      this.#initialWindow -= 1;
      // The window's sends are the first burst: pacing starts from an empty bucket after them,
      // not from tokens that piled up meanwhile.
      if (this.#initialWindow === 0) this.#tokens = 0;
    } else this.#tokens -= 1;
    this.#inFlight += 1;
    if (this.#probe?.state === 'due') this.#probe = { state: 'sent', at: now, by: this.#probe.by };
    this.#sends.push({ at: now, throttled: false });
    this.#firstSendAt ??= now;
  }

  /** Records how a call sent at `sentAt` ended; true when it cut the rate. */
  onDone(now: number, sentAt: number, result: PacingResult): boolean {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#probe?.state === 'sent' && this.#probe.at === sentAt) {
      this.#probe = null;
      if (result === 'ok') this.#countByRefill(now);
    }
    if (result === 'ok') this.#refusedInARow = 0;
    if (result === 'throttled') {
      // Only calls sent since the switch to refill tell about the bucket.
      if (sentAt >= this.#countingSince) {
        if (this.#refusedInARow === 0) this.#refusedFrom = sentAt;
        this.#refusedInARow += 1;
      }
      const sent = this.#sends.find((s) => s.at === sentAt && !s.throttled);
      if (sent) sent.throttled = true;
      return this.#maybeCut(now, sentAt);
    }
    if (result === 'ok') this.#increase(now, sentAt);
    return false;
  }

  /** Requests per second sent lately, from our own send times. */
  measuredRate(now: number): number {
    this.#prune(now);
    if (this.#firstSendAt === null) return 0;
    // Early in a run the window is not full yet: divide by the time actually covered, at least
    // 25 ms (one call then reads as 40/s, the initial rate). A longer floor under-reads the
    // first round trips and holds slow start's cap of twice this rate below what it allows.
    const spanMs = Math.min(this.#windowMs, Math.max(25, now - this.#firstSendAt));
    return (this.#sends.length * 1000) / spanMs;
  }

  /**
   * Calls per second the server let through over the last full window: our send times, less
   * those answered 429. A limit is counted per window, so what got through in one is the best
   * guess of the limit, even early in a run.
   */
  acceptedRate(now: number): number {
    return (this.#letThrough(now).length * 1000) / this.#windowMs;
  }

  snapshot(): RateControlSnapshot {
    return {
      rate: this.#rate,
      inFlightLimit: Math.floor(this.#inFlightLimit),
      inFlight: this.#inFlight,
      slowStart: this.#slowStart,
      limitCounting: this.#counting,
    };
  }

  #maybeCut(now: number, sentAt: number): boolean {
    // A stall is news whatever the last cut: count by window again, and cut now.
    if (this.#refillStalled(sentAt)) this.#counting = 'window';
    else if (sentAt < this.#cutsFromSendAt || now < this.#nextCutAt) return false;
    this.#refill(now);
    // One probe a run: after a switch back from refill, the window is known.
    if (this.#counting === 'window' && !this.#probed && now - (this.#firstSendAt ?? now) < this.#windowMs) {
      this.#probed = true;
      this.#probe = this.#windowProbe(now);
      this.#firstWindowLetThrough = this.acceptedRate(now);
    }
    const basis = Math.min(this.#rate, this.#counting === 'refill' ? this.#refillRate(now) : this.#windowRate(now));
    this.#ceiling = basis;
    this.#rate = clamp(this.#decrease * basis, this.#minRate, this.#maxRate);
    this.#inFlightLimit = Math.max(1, this.#inFlightLimit * this.#decrease);
    this.#slowStart = false;
    this.#initialWindow = 0;
    this.#tokens = 0;
    this.#cutsFromSendAt = now;
    this.#nextCutAt = now + (this.#counting === 'refill' ? REFILL_CUT_GAP_MS : this.#windowMs);
    this.#refillSince = now;
    this.#probingSince = null;
    return true;
  }

  /**
   * Taken for a bucket, calls refused in a row for a while, up to the one sent at `sentAt` (a
   * bucket lets one through every 1/rate): a full window after all, which the probe missed (a
   * fixed window's boundary, other traffic leaving a sliding one).
   */
  #refillStalled(sentAt: number): boolean {
    if (this.#counting !== 'refill' || this.#refusedInARow < MIN_STALL_REFUSALS) return false;
    const span = sentAt - this.#refusedFrom;
    return span >= MIN_STALL_MS || (this.#refusedInARow >= this.#inFlightLimit && span >= 2000 / this.#rate);
  }

  /**
   * What the server let through over the last window, as a window limit counts it. A handful of
   * calls says little about a limit (one 429 on a first call would measure ~0/s): then the
   * allowance itself.
   */
  #windowRate(now: number): number {
    this.#prune(now);
    return this.#sends.length >= MIN_SAMPLES ? this.acceptedRate(now) : Number.POSITIVE_INFINITY;
  }

  /**
   * A token bucket is empty at a 429, so the calls let through just before it came at about its
   * refill rate (more if it still had a burst saved up, less if we sent slower). Fewer than 5 let
   * through in the last window, or a span under 100 ms: the allowance.
   */
  #refillRate(now: number): number {
    const letThrough = this.#letThrough(now);
    // The last REFILL_ESTIMATE_MS, or since the last cut if later; if a slow bucket let fewer
    // than a few calls through in that time, as far back as those few, within the window. Calls
    // in flight count as let through until answered.
    const fewBack = letThrough[letThrough.length - MIN_REFILL_SAMPLES]?.at;
    if (fewBack === undefined) return Number.POSITIVE_INFINITY;
    const since = Math.min(Math.max(this.#refillSince, now - REFILL_ESTIMATE_MS), fewBack - 1);
    if (now - since < MIN_REFILL_SPAN_MS) return Number.POSITIVE_INFINITY;
    return (letThrough.filter((s) => s.at > since).length * 1000) / (now - since);
  }

  /**
   * The probe of a cut in the first window: due once a bucket refilling at the pace of the calls
   * that window let through would have a token again (so no bucket faster than that refuses it),
   * useful until shortly before the window's oldest call leaves it. Null when there is no time.
   */
  #windowProbe(now: number): WindowProbe | null {
    const letThrough = this.#letThrough(now);
    const oldest = letThrough[0];
    const newest = letThrough[letThrough.length - 1];
    if (oldest === undefined || newest === undefined) return null;
    const probe: WindowProbe = { state: 'due', from: newest.at + this.#windowMs / letThrough.length, by: oldest.at + this.#windowMs - PROBE_MARGIN_MS };
    return probe.from < probe.by ? probe : null;
  }

  /**
   * The probe went through a window the window model said was full: the server refills. What the
   * first window let through is then no limit: go on from at least the initial rate, probing up.
   */
  #countByRefill(now: number): void {
    this.#counting = 'refill';
    this.#countingSince = now;
    // Not the allowance: after a cut on a handful of calls it is still slow start's, never sent.
    this.#rate = Math.min(this.#maxRate, Math.max(this.#firstWindowLetThrough, this.#initialRate));
    this.#ceiling = this.#rate;
    this.#probingSince = now;
    this.#refillSince = now;
    this.#refusedInARow = 0;
    // The 429s of calls sent before the probe's answer are old news; the next one may cut at once.
    this.#cutsFromSendAt = now;
    this.#nextCutAt = now;
  }

  #increase(now: number, sentAt: number): void {
    this.#refill(now);
    // Slow start: +1/round-trip per success is +rate per round trip. A round trip under 1 ms
    // counts as 1 ms.
    const step = this.#slowStart ? 1000 / Math.max(1, now - sentAt) : this.#increasePerSecond(now) / this.#rate;
    // Grow only while the rate is in use: never past twice what was sent lately.
    const ceiling = Math.max(this.#initialRate, 2 * this.measuredRate(now));
    if (this.#rate < ceiling) this.#rate = Math.min(this.#maxRate, ceiling, this.#rate + step);
    this.#inFlightLimit = Math.min(this.#maxInFlight, this.#inFlightLimit + 1 / this.#inFlightLimit);
  }

  /**
   * Additive increase, in requests/s gained per second of successes: back to just under the
   * limit found (97% of it) in about a second, then probing past it five times slower, so a
   * 429 comes every few seconds rather than every cycle of a fast saw-tooth. Counting by refill,
   * the probing step starts at 5% of that limit and doubles every 250 ms without a 429.
   */
  #increasePerSecond(now: number): number {
    if (this.#rate < 0.97 * this.#ceiling) return Math.max(0.5, 0.05 * this.#ceiling);
    if (this.#counting === 'window') return Math.max(0.5, 0.01 * this.#ceiling);
    this.#probingSince ??= now;
    const doublings = Math.min(MAX_PROBE_DOUBLINGS, (now - this.#probingSince) / PROBE_DOUBLING_MS);
    return Math.max(0.5, 0.05 * this.#ceiling * 2 ** doublings);
  }

  /** Calls of the last window not answered 429 (those in flight included), oldest first. */
  #letThrough(now: number): SentCall[] {
    this.#prune(now);
    return this.#sends.filter((s) => !s.throttled);
  }

  #prune(now: number): void {
    while (this.#sends.length > 0 && (this.#sends[0]?.at ?? now) <= now - this.#windowMs) this.#sends.shift();
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(2, this.#tokens + (elapsed * this.#rate) / 1000);
    this.#refilledAt = now;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
