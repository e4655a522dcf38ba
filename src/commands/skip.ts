import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { sessionForMember } from '../discord/preconditions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const skipCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('skip')
    .setDescription('Skip the current track')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const session = sessionForMember(interaction, deps.sessions);
    const skipped = await session.skip();
    const next = session.queue.current;
    const title = skipped[0] ? `**${escapeText(skipped[0].title)}**` : 'the track';
    return next ? `⏭️ Skipped ${title}. Up now: **${escapeText(next.title)}**` : `⏭️ Skipped ${title}. The queue is empty now.`;
  },
};
