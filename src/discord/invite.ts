import { inviteUrl } from '../ops/invite.js';

export { INVITE_PERMISSIONS, INVITE_SCOPES, inviteUrl } from '../ops/invite.js';

/** The first-start lines: where to invite the bot and when its commands will show up. */
export function firstStartHints(
  applicationId: string,
  registration: 'global' | 'guild' | 'off',
  guildId?: string,
): string[] {
  const commands = {
    global:
      'Slash commands were registered globally: Discord can take up to an hour to show them in every server. ' +
      'For instant commands while setting up, set DEV_GUILD_ID to your server id and restart ' +
      '(docs/troubleshooting.md#slash-commands-do-not-show-up).',
    guild: `Slash commands were registered in server ${guildId ?? '?'} (DEV_GUILD_ID): they show up there at once.`,
    off: 'REGISTER_COMMANDS=false: register slash commands with `npm run deploy-commands`.',
  }[registration];
  return [`Invite me to a server: ${inviteUrl(applicationId)}`, commands];
}
