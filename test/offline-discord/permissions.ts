import { OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIOverwrite, APIRole } from 'discord-api-types/v10';

/** Every permission bit discord-api-types knows, for administrators and owners. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What `@everyone` may do in the default world: enough for a music bot and its users. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.UseVAD;

/** The inputs of Discord's permission algorithm for one member in one channel. */
export interface PermissionInputs {
  guildId: string;
  ownerId: string;
  userId: string;
  memberRoleIds: readonly string[];
  roles: ReadonlyMap<string, APIRole>;
  overwrites: readonly APIOverwrite[];
}

/** Guild-level permissions: @everyone plus the member's roles; owners and administrators get everything. */
export function basePermissions(inputs: Omit<PermissionInputs, 'overwrites'>): bigint {
  if (inputs.userId === inputs.ownerId) return ALL_PERMISSIONS;
  let perms = BigInt(inputs.roles.get(inputs.guildId)?.permissions ?? '0');
  for (const roleId of inputs.memberRoleIds) perms |= BigInt(inputs.roles.get(roleId)?.permissions ?? '0');
  return (perms & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : perms;
}

/** Channel permissions as Discord computes them: base, then @everyone, role and member overwrites. */
export function channelPermissions(inputs: PermissionInputs): bigint {
  let perms = basePermissions(inputs);
  if (perms === ALL_PERMISSIONS) return perms;
  const find = (id: string, type: OverwriteType): APIOverwrite | undefined =>
    inputs.overwrites.find((o) => o.id === id && o.type === type);
  const everyone = find(inputs.guildId, OverwriteType.Role);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const roleId of inputs.memberRoleIds) {
    const o = find(roleId, OverwriteType.Role);
    if (o) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const member = find(inputs.userId, OverwriteType.Member);
  if (member) perms = (perms & ~BigInt(member.deny)) | BigInt(member.allow);
  return perms;
}
