import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, controlContext, requireListener } from '../controls/control-guard.js';
import { setVolumePercent } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const MAX_VOLUME_PERCENT = 200;

/** `/volume [percent]`: without a value it shows the volume; 100 % keeps Opus passthrough possible. */
export const volumeCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('volume')
    .setDescription('Show or set the playback volume')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) =>
      option
        .setName('percent')
        .setDescription('0-200 (100 is unchanged)')
        .setMinValue(0)
        .setMaxValue(MAX_VOLUME_PERCENT),
    )
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const percent = interaction.options.getInteger('percent');
    const actor = actorOf(interaction, deps);
    if (percent === null) {
      const { session } = await controlContext(actor);
      return `🔊 The volume is ${Math.round(session.volume * 100)}%.`;
    }
    return setVolumePercent(actor, percent);
  },
};
