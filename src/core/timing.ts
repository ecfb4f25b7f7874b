/**
 * Waiting, in one place: abortable sleeps that a visible-again page can cut
 * short, the gentle growth of the poll wait, and backoff with full jitter.
 */

/** How much longer each wait is than the last while the status stays the same. */
export const POLL_GROWTH = 1.5;

/** The floor of a backoff wait, so a jitter of zero never spins. */
const MIN_BACKOFF_MS = 100;

/** Browsers keep timer delays in 32 bits: a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Cuts the current sleep short, e.g. when the page becomes visible again. */
export class Waker {
  #listeners = new Set<() => void>();

  wake(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** @internal used by sleep() */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Resolves after `ms`, or early when `waker` wakes it; rejects with the
 * signal's reason when the run is aborted, so no timer outlives the run.
 */
export function sleep(ms: number, signal: AbortSignal, waker?: Waker): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      unsubscribe?.();
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    const unsubscribe = waker?.subscribe(() => {
      done();
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts with `signal`, or with `reason()` after `ms`, so one
 * request cannot hang past the run's timeout. `ms` beyond what a timer can hold
 * (or Infinity, for no timeout) means no deadline. Call dispose() when done.
 */
export function deadlineSignal(signal: AbortSignal, ms: number, reason: () => unknown): { signal: AbortSignal; dispose(): void } {
  if (!(ms <= MAX_TIMER_MS)) return { signal, dispose: () => {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(reason()), Math.max(0, ms));
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** The next wait while the status is unchanged: a little longer, up to the cap. */
export function nextPollWait(previousMs: number, statusChanged: boolean, baseMs: number, capMs: number): number {
  return statusChanged ? baseMs : Math.min(capMs, Math.round(previousMs * POLL_GROWTH));
}

/**
 * Capped exponential backoff with full jitter: a random wait between 0 and
 * min(cap, base * 2^(attempt-1)), so many clients recovering from the same
 * outage do not retry in step.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(MIN_BACKOFF_MS, Math.floor(random() * ceiling));
}

/**
 * `Retry-After` in milliseconds: either delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"): Date.parse reads "1.5" or "-1" as dates too.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
