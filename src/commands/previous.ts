import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { actorOf, guardedControl } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/previous`: plays the last played track again; the current one goes back to the front of the queue. */
export const previousCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('previous')
    .setDescription('Play the previous track again')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const { session } = await guardedControl(actorOf(interaction, deps), 'go back a track');
    const entry = await session.previous();
    return `⏮️ Back to **${escapeText(entry.title)}**.`;
  },
};
