import type { StatusReport } from '../ops/owner-tools.js';
import type { FeedbackStore } from '../settings/feedback-store.js';

/** What `/status` and `/feedback` need, built in the composition root. */
export interface OwnerTools {
  /** The application's owner (or a member of its team). */
  isBotOwner(userId: string): Promise<boolean>;
  status(): Promise<StatusReport>;
  readonly feedback: FeedbackStore;
  /** Counts a rating on /metrics. */
  observeRating(stars: number): void;
  /** Posts to FEEDBACK_CHANNEL_ID when the owner set one (never throws). */
  forwardFeedback(content: string): Promise<void>;
}
