import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { isLoopMode } from '../core/queue.js';
import { UserError } from '../core/errors.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { setLoopMode } from '../controls/player-actions.js';

export const loopCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('loop')
    .setDescription('Repeat the current track or the whole queue')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option
        .setName('mode')
        .setDescription('What to repeat')
        .setRequired(true)
        .addChoices(
          { name: 'off', value: 'off' },
          { name: 'track', value: 'track' },
          { name: 'queue', value: 'queue' },
        ),
    )
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const mode = interaction.options.getString('mode', true);
    if (!isLoopMode(mode)) throw new UserError('BAD_LOOP_MODE');
    return setLoopMode(actorOf(interaction, deps), mode);
  },
};
