import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import type { ButtonHandler } from './buttons.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { QUEUE_BUTTON_PREFIX, renderQueuePage } from './queue-page.js';

/** `/queue [page]`: anyone may look, listening or not. */
export const queueCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('queue')
    .setDescription('Show the queue')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) => option.setName('page').setDescription('Which page (10 tracks each)').setMinValue(1))
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const page = interaction.options.getInteger('page') ?? 1;
    return renderQueuePage(deps.sessions.get(interaction.guildId), interaction.guildId, page);
  },
};

/** ◀ ▶ on a `/queue` reply: redraws the message in place at the page the button names. */
export const queueButtons: ButtonHandler = {
  prefix: QUEUE_BUTTON_PREFIX,

  async execute({ interaction, deps, args }) {
    const [guildId, pageText] = args;
    const page = Number(pageText);
    if (guildId !== interaction.guildId || !Number.isInteger(page)) throw new UserError('INVALID_ARGUMENT', 'That button is not mine.');
    return { update: renderQueuePage(deps.sessions.get(guildId), guildId, page) };
  },
};
