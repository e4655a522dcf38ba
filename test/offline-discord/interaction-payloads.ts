import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
} from 'discord-api-types/v10';
import type {
  APIApplicationCommandInteractionDataOption,
  APIAttachment,
  APIInteraction,
  APIMessage,
} from 'discord-api-types/v10';
import type { World } from './world.js';

/** A command option in shorthand: the option type is inferred (string 3, integer 4, number 10, boolean 5). */
export type OptionShorthand = Record<string, string | number | boolean>;

/** An attachment the user "uploaded" for an attachment option (type 11). */
export interface AttachmentSpec {
  /** The option name (default `file`). */
  option?: string;
  url: string;
  filename?: string;
  contentType?: string;
  size?: number;
}

/** Who sends an interaction, where. `channelId` defaults to the guild's first text channel. */
export interface InteractionTarget {
  guildId: string;
  userId: string;
  channelId?: string;
}

/** A slash command as the user types it. */
export interface CommandSpec extends InteractionTarget {
  name: string;
  options?: OptionShorthand | APIApplicationCommandInteractionDataOption[];
  subcommand?: string;
  attachments?: AttachmentSpec[];
}

/** A message component interaction (button by default). */
export interface ComponentSpec extends InteractionTarget {
  messageId: string;
  customId: string;
  componentType?: ComponentType;
  values?: string[];
}

export function newInteractionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(60).toString('base64url')}`;
}

/** Converts shorthand options (and attachments) to the wire format, wrapping them in a subcommand. */
export function buildOptions(
  spec: Pick<CommandSpec, 'options' | 'subcommand' | 'attachments'>,
  attachmentIds: string[],
  focused?: string,
): APIApplicationCommandInteractionDataOption[] {
  let options: APIApplicationCommandInteractionDataOption[];
  if (Array.isArray(spec.options)) options = [...spec.options];
  else {
    options = Object.entries(spec.options ?? {}).map(([name, value]) => {
      const type =
        typeof value === 'boolean'
          ? ApplicationCommandOptionType.Boolean
          : typeof value === 'string'
            ? ApplicationCommandOptionType.String
            : Number.isInteger(value)
              ? ApplicationCommandOptionType.Integer
              : ApplicationCommandOptionType.Number;
      return {
        name,
        type,
        value,
        ...(name === focused ? { focused: true } : {}),
      } as APIApplicationCommandInteractionDataOption;
    });
  }
  (spec.attachments ?? []).forEach((a, i) => {
    options.push({ name: a.option ?? 'file', type: ApplicationCommandOptionType.Attachment, value: attachmentIds[i]! });
  });
  if (spec.subcommand) {
    return [
      {
        name: spec.subcommand,
        type: ApplicationCommandOptionType.Subcommand,
        options,
      } as APIApplicationCommandInteractionDataOption,
    ];
  }
  return options;
}

export function resolvedAttachments(specs: AttachmentSpec[], ids: string[]): Record<string, APIAttachment> {
  const out: Record<string, APIAttachment> = {};
  specs.forEach((a, i) => {
    const filename = a.filename ?? decodeURIComponent(new URL(a.url).pathname.split('/').pop() || 'file');
    out[ids[i]!] = {
      id: ids[i]!,
      filename,
      size: a.size ?? 1024,
      url: a.url,
      proxy_url: a.url,
      ...(a.contentType ? { content_type: a.contentType } : {}),
    };
  });
  return out;
}

/** The fields every guild interaction carries (everything discord.js reads when constructing one). */
export function baseInteraction(
  world: World,
  target: InteractionTarget,
  type: InteractionType,
  id: string,
  token: string,
) {
  const guild = world.guild(target.guildId);
  const channelId = target.channelId ?? world.textChannel(target.guildId).id;
  const channel = guild.channels.get(channelId);
  if (!channel) throw new Error(`offline-discord: unknown channel ${channelId}`);
  const member = guild.members.get(target.userId);
  if (!member) throw new Error(`offline-discord: user ${target.userId} is not in guild ${target.guildId}`);
  return {
    id,
    application_id: world.applicationId,
    type,
    token,
    version: 1 as const,
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    channel_id: channelId,
    channel,
    member: { ...member, permissions: world.permissionsIn(guild.id, target.userId, channelId).toString() },
    app_permissions: world.permissionsIn(guild.id, world.bot.id, channelId).toString(),
    locale: Locale.EnglishUS,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

/** A chat-input command (type 2) or autocomplete (type 4) interaction. */
export function commandInteraction(
  world: World,
  spec: CommandSpec,
  ids: { id: string; token: string; commandId: string; attachmentIds: string[] },
  focused?: string,
): APIInteraction {
  const type = focused ? InteractionType.ApplicationCommandAutocomplete : InteractionType.ApplicationCommand;
  const attachments = spec.attachments ?? [];
  return {
    ...baseInteraction(world, spec, type, ids.id, ids.token),
    data: {
      id: ids.commandId,
      name: spec.name,
      type: ApplicationCommandType.ChatInput,
      options: buildOptions(spec, ids.attachmentIds, focused),
      ...(attachments.length > 0
        ? { resolved: { attachments: resolvedAttachments(attachments, ids.attachmentIds) } }
        : {}),
    },
  } as unknown as APIInteraction;
}

/** A message component interaction (type 3) on a message the bot posted. */
export function componentInteraction(
  world: World,
  spec: ComponentSpec,
  message: APIMessage,
  id: string,
  token: string,
): APIInteraction {
  const componentType = spec.componentType ?? ComponentType.Button;
  return {
    ...baseInteraction(world, spec, InteractionType.MessageComponent, id, token),
    message,
    data: {
      custom_id: spec.customId,
      component_type: componentType,
      ...(componentType === ComponentType.Button ? {} : { values: spec.values ?? [] }),
    },
  } as unknown as APIInteraction;
}
