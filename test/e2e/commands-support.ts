import { expect } from 'vitest';
import type { InteractionHandle, MessageSnapshot, OptionShorthand } from '../offline-discord/index.js';
import type { Stack } from './harness.js';

/**
 * Small helpers the commands-*.test.ts files share on top of the harness: tones with readable titles,
 * subcommands and typed options, buttons, loudness, and the message hygiene every reply must pass.
 */

/** A tone URL; `tag` makes a distinct track (its own URL, so its own id) with the same audio. */
export async function tone(stack: Stack, hz: number, seconds = 60, tag?: string): Promise<string> {
  const url = await stack.media.tone({ hz, seconds, format: 'ogg' });
  return tag ? `${url}?${tag}` : url;
}

/** The title a tone gets (`440-60`, shown Markdown-escaped as `440\-60`). */
export const toneTitle = (hz: number, seconds = 60): RegExp => new RegExp(`${hz}\\\\?-${seconds}`);

export interface Button {
  readonly custom_id: string;
  readonly label: string;
  readonly disabled?: boolean;
}

export function buttonsOf(message: Pick<MessageSnapshot, 'components'>): Button[] {
  return (message.components as Array<{ components?: Button[] }>).flatMap((row) => row.components ?? []);
}

export function buttonId(message: Pick<MessageSnapshot, 'components'>, action: string): string {
  const found = buttonsOf(message).find((b) => b.custom_id.startsWith(`np:${action}:`) || b.label.includes(action));
  if (!found) throw new Error(`no ${action} button on ${JSON.stringify(message.components)}`);
  return found.custom_id;
}

export function press(stack: Stack, userId: string, messageId: string, customId: string): InteractionHandle {
  return stack.discord.pressButton({ guildId: stack.guildId, userId, messageId, customId });
}

/** Sends a command with a subcommand and/or typed options (role ids…) and returns its final reply text. */
export async function askWith(
  stack: Stack,
  userId: string,
  name: string,
  options: OptionShorthand | Array<{ name: string; type: number; value: string | number | boolean }> = {},
  subcommand?: string,
): Promise<string> {
  const handle = stack.discord.sendCommand({
    guildId: stack.guildId,
    userId,
    name,
    options: options as OptionShorthand,
    ...(subcommand ? { subcommand } : {}),
  });
  return (await handle.reply(undefined, 20_000)).content ?? '';
}

export const ROLE_OPTION = 8;
export const CHANNEL_OPTION = 7;

/** Mean loudness of the audible audio that arrived in [from, to] (performance.now() times). */
export function meanRms(stack: Stack, from: number, to: number): number {
  const packets = stack.discord.voice
    .packets(stack.guildId)
    .filter((p) => p.arrivalMs >= from && p.arrivalMs <= to && p.audible);
  if (packets.length === 0) return 0;
  return packets.reduce((sum, p) => sum + p.rms, 0) / packets.length;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const STACK_TRACE = /\n\s+at \S|\b\w*Error: |\.(?:ts|js):\d+|node_modules|\[object Object\]/;

/** Every message the bot wrote: mentions disabled, and nothing that looks like a stack trace or an object dump. */
export function expectCleanMessages(stack: Stack): void {
  const written = stack.discord.messages.snapshots.filter((s) => s.source !== 'interaction-deferred');
  expect(written.length).toBeGreaterThan(0);
  for (const message of written) {
    expect(message.allowedMentions, `allowed_mentions on ${message.source}: ${message.content}`).toMatchObject({
      parse: [],
    });
    expect(message.content, 'no internals in user-facing text').not.toMatch(STACK_TRACE);
  }
}
