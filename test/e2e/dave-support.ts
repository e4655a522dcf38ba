import type { DaveTransitionRecord } from '../offline-discord/dave-gateway.js';
import type { DaveMediaSession } from '../offline-discord/dave-media.js';
import type { Stack } from './harness.js';

/** The --require preload that injects DAVE faults into the bot (see its header); tests only. */
export const DAVE_FAULT_PRELOAD = 'test/offline-discord/dave-fault-preload.cjs';

export function faultArgs(): string[] {
  return ['--enable-source-maps', '--require', `./${DAVE_FAULT_PRELOAD}`];
}

export function media(stack: Stack): DaveMediaSession {
  const found = stack.discord.voice.dave.get(stack.guildId);
  if (!found) throw new Error('no DAVE media session: the bot is not in voice with DAVE');
  return found;
}

/** Waits for the first transition after `since` matching `match` to execute; returns it. */
export function waitForTransition(
  stack: Stack,
  since: number,
  match: (t: DaveTransitionRecord) => boolean,
  timeoutMs = 15_000,
): Promise<DaveTransitionRecord> {
  return stack.discord.voice.recorder.feed.waitFor(
    () =>
      stack.discord.voice.dave
        .get(stack.guildId)
        ?.transitions.find((t) => t.preparedAt >= since && t.executedAt !== undefined && match(t)),
    timeoutMs,
    () =>
      `a DAVE transition after the mark: ${JSON.stringify(stack.discord.voice.dave.get(stack.guildId)?.transitions.map((t) => ({ ...t, epoch: String(t.epoch) })) ?? [])}`,
  );
}

/** Waits until `userId` has decrypted at least `frames` frames that arrived after `since`. */
export function waitForHeard(
  stack: Stack,
  userId: string,
  since: number,
  frames = 25,
  timeoutMs = 15_000,
): Promise<number> {
  return stack.discord.voice.recorder.feed.waitFor(
    () => {
      const heard =
        stack.discord.voice.dave
          .get(stack.guildId)
          ?.heard.get(userId)
          ?.filter((t) => t >= since) ?? [];
      return heard.length >= frames ? heard[0] : undefined;
    },
    timeoutMs,
    () => {
      const m = stack.discord.voice.dave.get(stack.guildId);
      const packets = stack.discord.voice.packets(stack.guildId).filter((p) => p.arrivalMs >= since);
      return (
        `${frames} frames decrypted by ${userId}: ${packets.length} recorded since (${packets.filter((p) => p.audible).length} audible); ` +
        `session ${m ? JSON.stringify({ stats: { ...m.stats, violations: m.stats.violations.length }, secured: m.secured(userId), tree: m.gateway.tree, heard: m.heard.get(userId)?.length, errors: m.listeners.get(userId)?.errors }) : 'none'}`
      );
    },
  );
}

/** The longest wait between two frames `userId` decrypted in [from, to] (the audible gap a listener had). */
export function longestGap(session: DaveMediaSession, userId: string, from: number, to: number): number {
  const times = (session.heard.get(userId) ?? []).filter((t) => t >= from && t <= to);
  let max = 0;
  for (let i = 1; i < times.length; i += 1) max = Math.max(max, times[i]! - times[i - 1]!);
  return max;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
