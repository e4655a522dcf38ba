/**
 * Request coalescing: while a resolution for a key is in flight, further requests for the same key wait
 * on the same promise instead of starting a second yt-dlp process — ten people pasting the same link
 * cost one lookup.
 *
 * Invariants:
 * - at most one in-flight run per key; the entry is removed as soon as the run settles (success or
 *   failure), so a failure is never cached and the next request starts afresh;
 * - each caller may pass its own AbortSignal: aborting rejects only that caller's promise; the shared
 *   work's signal aborts only when every caller still waiting has aborted (nobody wants the result).
 */

interface Flight<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
}

export class Coalescer<K, V> {
  private readonly flights = new Map<K, Flight<V>>();

  /**
   * Runs `work` for `key`, or joins the run already in flight for it. `work` receives a signal that
   * aborts when all joined callers have aborted.
   */
  run(key: K, work: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const current = this.flights.get(key);
    // A run every caller abandoned is winding down; a newcomer deserves a fresh one.
    const flight = current && !current.controller.signal.aborted ? current : this.launch(key, work);
    flight.waiters++;
    if (!signal) return flight.promise;
    return this.follow(flight, signal);
  }

  /** Keys with a run in flight (for metrics and tests). */
  get inFlight(): number {
    return this.flights.size;
  }

  has(key: K): boolean {
    return this.flights.has(key);
  }

  private launch(key: K, work: (signal: AbortSignal) => Promise<V>): Flight<V> {
    const controller = new AbortController();
    let promise: Promise<V>;
    try {
      promise = work(controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    const flight: Flight<V> = { promise, controller, waiters: 0 };
    const clear = (): void => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(clear, clear);
    this.flights.set(key, flight);
    return flight;
  }

  /** The shared promise, but rejecting early with this caller's abort reason. */
  private follow(flight: Flight<V>, signal: AbortSignal): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason);
        flight.waiters--;
        if (flight.waiters === 0) flight.controller.abort(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
