import { useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { plainText } from './message-text.js';

export interface Notices {
  /** The API's error message, shown in the role=alert element. */
  readonly error: string;
  /** The last success message (the text the slash command would have replied), shown in a role=status. */
  readonly notice: string;
  /** Shows an error; anything but an {@link ApiError} gets a generic text (never a stack or internal detail). */
  fail(error: unknown): void;
  /** Runs one API call: shows its `message` or its error; resolves true when it succeeded. */
  act(call: Promise<unknown>): Promise<boolean>;
  dismiss(): void;
}

const GENERIC = 'Something went wrong. Please try again.';

/** `onUnauthenticated`: an API call answered 401 (the session expired or was logged out elsewhere). */
export function useNotices(onUnauthenticated: () => void): Notices {
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const fail = (e: unknown) => {
    setNotice('');
    if (e instanceof ApiError && e.status === 401) onUnauthenticated();
    setError(e instanceof ApiError ? plainText(e.message) : GENERIC);
  };
  const act = async (call: Promise<unknown>) => {
    try {
      const result = (await call) as { message?: unknown } | undefined;
      setError('');
      setNotice(typeof result?.message === 'string' ? plainText(result.message) : '');
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  };
  return { error, notice, fail, act, dismiss: () => setError('') };
}
