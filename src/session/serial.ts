/**
 * Runs async tasks one at a time, in arrival order: one guild's commands and player events can never
 * interleave and corrupt its queue, while other guilds are unaffected (each has its own chain).
 * A failing task does not break the chain.
 */
export class SerialRunner {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => task());
    this.tail = result.catch(() => undefined);
    return result;
  }
}
