import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * What the bot asks for when it is invited: exactly what it uses. View Channel and Connect/Speak to join and
 * play; Send Messages and Embed Links for the player message and notices; Read Message History to see whether
 * the player message has scrolled far away (without it the message is only ever edited in place). One list for
 * the invite URL the bot logs when ready, the doctor's invite check and README's integer (a unit test).
 */
export const INVITE_PERMISSION_LIST = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
  ['Read Message History', PermissionFlagsBits.ReadMessageHistory],
  ['Connect', PermissionFlagsBits.Connect],
  ['Speak', PermissionFlagsBits.Speak],
] as const;

export const INVITE_PERMISSIONS = new PermissionsBitField(INVITE_PERMISSION_LIST.map(([, bit]) => bit));

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
