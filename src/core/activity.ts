import { tracingChannel } from 'node:diagnostics_channel';

/**
 * Names for synchronous phases (parsing untrusted bytes, handling an interaction, a cache sweep) so that a
 * stall of the event loop names its cause. Published on Node's `tunebot:activity` tracing channel: free
 * when nobody listens, and the ops watchdog listens in production (see ops/loop-watchdog.ts). Only the
 * synchronous part of `fn` is timed; that is the part that can hold the loop.
 */
export interface Activity {
  readonly label: string;
}

export const activityChannel = tracingChannel<unknown, Activity>('tunebot:activity');

/** Runs `fn` as the phase `label`. */
export function traced<T>(label: string, fn: () => T): T {
  return activityChannel.hasSubscribers ? activityChannel.traceSync(fn, { label }) : fn();
}
