import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { YOUTUBE_FAILURES, type YouTubeFailureCode } from './youtube-failures.js';

export interface OwnerAdvisorOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** At most one line per code per this long (default 1 h). */
  readonly intervalMs?: number;
}

/**
 * Tells the bot's owner, in the log, what to do about a YouTube failure they can fix (cookies, a PO-token
 * provider, a yt-dlp with its challenge solver): one warn line per failure code per hour, however many members
 * meet it, so the remedy stands out instead of scrolling past. Bounded: one timestamp per catalogue code.
 */
export class OwnerAdvisor {
  private readonly lastLogged = new Map<YouTubeFailureCode, number>();

  constructor(private readonly options: OwnerAdvisorOptions) {}

  /** Logs the remedy for `code` unless it was logged within the interval; true when it logged. */
  advise(code: YouTubeFailureCode): boolean {
    const { remedy, meaning } = YOUTUBE_FAILURES[code];
    if (!remedy) return false;
    const now = this.options.clock.now();
    const last = this.lastLogged.get(code);
    if (last !== undefined && now - last < (this.options.intervalMs ?? 3_600_000)) return false;
    this.lastLogged.set(code, now);
    this.options.logger.warn({ code, remedy, audience: 'owner' }, `YouTube: ${meaning}. Fix: ${remedy}`);
    return true;
  }
}
