import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/format.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** Longest comment kept (Discord enforces it on the option too; this holds whatever arrives). */
export const MAX_COMMENT = 500;

const stars = (n: number): string => '★'.repeat(n) + '☆'.repeat(5 - n);

/**
 * `/feedback rating:<1-5> [comment]` (ephemeral): one rating per member per UTC day, stored per guild,
 * counted on /metrics (`tunebot_feedback_rating`) and, when the owner set FEEDBACK_CHANNEL_ID, forwarded
 * there. The comment is untrusted text: capped and neutralised (no Markdown, no mentions) before it is kept.
 */
export const feedbackCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('feedback')
    .setDescription('Rate the bot (once a day) and tell its owner what you think')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((o) =>
      o.setName('rating').setDescription('1 (bad) to 5 (great)').setRequired(true).setMinValue(1).setMaxValue(5),
    )
    .addStringOption((o) =>
      o.setName('comment').setDescription('Anything you want to tell the owner').setMaxLength(MAX_COMMENT),
    )
    .toJSON(),
  ephemeral: true,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const owner = deps.owner;
    if (!owner) throw new UserError('FEEDBACK_NOT_SAVED');
    const rating = interaction.options.getInteger('rating', true);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new UserError('BAD_RATING');
    const raw = interaction.options.getString('comment')?.trim() ?? '';
    const comment = raw ? escapeText(raw, MAX_COMMENT) : null;
    const outcome = await owner.feedback
      .record(interaction.guildId, { userId: interaction.user.id, stars: rating, comment, at: deps.clock.now() })
      .catch((error: unknown) => {
        deps.logger.warn({ err: error, guildId: interaction.guildId }, 'could not store feedback');
        throw new UserError('FEEDBACK_NOT_SAVED');
      });
    if (!outcome.ok) throw new UserError('FEEDBACK_ONCE_A_DAY');
    owner.observeRating(rating);
    const guild = escapeText(interaction.guild.name, 100);
    void owner.forwardFeedback(
      `📝 ${stars(rating)} (${rating}/5) from <@${interaction.user.id}> in **${guild}**${comment ? `: ${comment}` : ''}`,
    );
    return `Thanks for the feedback! ${stars(rating)} recorded${comment ? ' with your comment' : ''}.`;
  },
};
