import { EventEmitter } from 'node:events';

/**
 * A change feed: recorders call `notify()` after every state change; waiters re-check their condition.
 * Every wait has a timeout, and its error says what was awaited, so a failing e2e test explains itself.
 */
export class ChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(): void {
    this.emitter.emit('change');
  }

  /**
   * Resolves with the first non-undefined result of `check`, evaluated now and after every change.
   * Rejects after `timeoutMs` with `describe()` in the message (call it to show what *was* seen).
   */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.emitter.off('change', onChange);
      };
      const onChange = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      this.emitter.on('change', onChange);
      onChange();
    });
  }
}

/** Sleeps for `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Short JSON for error messages: never more than `max` characters. */
export function preview(value: unknown, max = 400): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
