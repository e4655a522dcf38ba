import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { FILTER_LABELS, FILTER_PRESETS, isFilterPreset } from '../core/audio-filter.js';
import { UserError } from '../core/errors.js';
import { actorOf, controlContext } from '../controls/control-guard.js';
import { setFilterPreset } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/**
 * `/filter [preset]`: without a preset it shows the filter that is on. A new preset applies to the playing
 * track within about a second, at the same position (see Playback.restyle), and stays for the session; `off`
 * returns to Opus passthrough where the source allows. The same DJ rules as /volume.
 */
export const filterCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('filter')
    .setDescription('Show or set an audio filter (bass boost, nightcore, karaoke…)')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option
        .setName('preset')
        .setDescription('The filter to use (off removes it)')
        .addChoices(...FILTER_PRESETS.map((preset) => ({ name: preset, value: preset }))),
    )
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const preset = interaction.options.getString('preset');
    const actor = actorOf(interaction, deps);
    if (preset === null) {
      const { session } = await controlContext(actor);
      return session.filter === 'off' ? '🎛️ No filter is on.' : `🎛️ The filter is ${FILTER_LABELS[session.filter]}.`;
    }
    if (!isFilterPreset(preset)) throw new UserError('UNKNOWN_FILTER');
    return setFilterPreset(actor, preset);
  },
};
