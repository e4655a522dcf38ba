import {
  ApplicationCommandOptionType,
  InteractionContextType,
  SlashCommandBuilder,
  type APIApplicationCommandOption,
} from 'discord.js';
import type { CommandIds } from './command-ids.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** Embed descriptions hold 4096 characters; the whole list stays well under it. */
const MAX_DESCRIPTION = 4096;

/**
 * `/help`: every registered command with its description, generated from the command list itself (so it cannot
 * drift), each a clickable mention that opens the command in the message box. Private: only the asker needs it.
 * `list` is a thunk because the list contains this command.
 */
export function createHelpCommand(list: () => readonly SlashCommand[]): SlashCommand {
  return {
    data: new SlashCommandBuilder()
      .setName('help')
      .setDescription('List my commands')
      .setContexts(InteractionContextType.Guild)
      .toJSON(),
    ephemeral: true,

    async execute({ deps }: CommandContext): Promise<CommandReply> {
      return renderHelp(list(), deps.commandIds);
    },
  };
}

export function renderHelp(list: readonly SlashCommand[], ids: CommandIds | undefined): CommandReply {
  const mention = (name: string, sub?: string) => ids?.mention(name, sub) ?? `/${sub ? `${name} ${sub}` : name}`;
  const lines = list.flatMap((command) => {
    const { name, description } = command.data;
    const subs = (command.data.options ?? []).filter(isSubcommand);
    if (subs.length === 0) return [`${mention(name)}: ${description}`];
    return [`${mention(name)}: ${description}`, `↳ ${subs.map((s) => mention(name, s.name)).join(' · ')}`];
  });
  const description = lines.join('\n').slice(0, MAX_DESCRIPTION);
  return {
    content: '',
    embeds: [
      {
        title: '🎵 What I can do',
        description,
        footer: { text: 'Join a voice channel, then /play a link or some words to search for.' },
      },
    ],
  };
}

const isSubcommand = (option: APIApplicationCommandOption): boolean =>
  option.type === ApplicationCommandOptionType.Subcommand;
