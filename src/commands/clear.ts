import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { actorOf, guardedControl } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/clear`: empties the upcoming queue; the current track plays on (use /stop to end it too). */
export const clearCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('clear')
    .setDescription('Remove every upcoming track (the current one keeps playing)')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const { session } = await guardedControl(actorOf(interaction, deps), 'clear the queue');
    const removed = await session.editQueue((queue) => {
      if (queue.length === 0) throw new UserError('QUEUE_EMPTY');
      return queue.clear();
    });
    return `🧹 Cleared ${removed.length} upcoming track(s).`;
  },
};
