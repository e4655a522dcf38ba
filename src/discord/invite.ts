import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * What the bot asks for when it is invited: exactly what it uses. View Channel and Connect/Speak to join and
 * play; Send Messages and Embed Links for the player message and notices; Read Message History to see whether
 * the player message has scrolled far away (without it the message is only ever edited in place).
 */
export const INVITE_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.Connect,
  PermissionFlagsBits.Speak,
]);

/** `bot` puts the bot in the server; `applications.commands` lets it register slash commands there. */
export const INVITE_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands] as const;

/** The invite link for an application id (the bot user's id is the application id). */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: INVITE_SCOPES.join(' '),
    permissions: INVITE_PERMISSIONS.bitfield.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/** The first-start lines: where to invite the bot and when its commands will show up. */
export function firstStartHints(
  applicationId: string,
  registration: 'global' | 'guild' | 'off',
  guildId?: string,
): string[] {
  const commands = {
    global:
      'Slash commands were registered globally: Discord can take up to an hour to show them in every server. ' +
      'For instant commands while setting up, set DEV_GUILD_ID to your server id and restart.',
    guild: `Slash commands were registered in server ${guildId ?? '?'} (DEV_GUILD_ID): they show up there at once.`,
    off: 'REGISTER_COMMANDS=false: register slash commands with `npm run deploy-commands`.',
  }[registration];
  return [`Invite me to a server: ${inviteUrl(applicationId)}`, commands];
}
