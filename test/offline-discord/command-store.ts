import type { APIApplicationCommand } from 'discord-api-types/v10';
import type { SnowflakeFactory } from './snowflake.js';

/** The application commands the bot registered, global and per guild, as Discord would echo them. */
export class CommandStore {
  private readonly scopes = new Map<string, APIApplicationCommand[]>();

  constructor(
    private readonly ids: SnowflakeFactory,
    private readonly applicationId: string,
  ) {}

  /** Registered commands: global ones for `undefined`, else that guild's. */
  list(guildId?: string): APIApplicationCommand[] {
    return this.scopes.get(guildId ?? 'global') ?? [];
  }

  /** Finds a command by name, preferring the guild's own over global ones. */
  find(name: string, guildId?: string): APIApplicationCommand | undefined {
    return (
      (guildId ? this.list(guildId).find((c) => c.name === name) : undefined) ??
      this.list().find((c) => c.name === name)
    );
  }

  /** Bulk overwrite (PUT): existing commands keep their ids, as on Discord. */
  overwrite(bodies: unknown[], guildId?: string): APIApplicationCommand[] {
    const commands = bodies.map((body) => this.materialize(body as Partial<APIApplicationCommand>, guildId));
    this.scopes.set(guildId ?? 'global', commands);
    return commands;
  }

  /** Create or replace one command by name (POST). */
  upsert(body: unknown, guildId?: string): APIApplicationCommand {
    const command = this.materialize(body as Partial<APIApplicationCommand>, guildId);
    const rest = this.list(guildId).filter((c) => c.name !== command.name);
    this.scopes.set(guildId ?? 'global', [...rest, command]);
    return command;
  }

  remove(commandId: string, guildId?: string): boolean {
    const list = this.list(guildId);
    const next = list.filter((c) => c.id !== commandId);
    this.scopes.set(guildId ?? 'global', next);
    return next.length !== list.length;
  }

  private materialize(body: Partial<APIApplicationCommand>, guildId?: string): APIApplicationCommand {
    const existing = this.list(guildId).find((c) => c.name === body.name && (c.type ?? 1) === (body.type ?? 1));
    return {
      ...body,
      id: existing?.id ?? this.ids.next(),
      application_id: this.applicationId,
      version: this.ids.next(),
      type: body.type ?? 1,
      description: body.description ?? '',
      default_member_permissions: body.default_member_permissions ?? null,
      ...(guildId ? { guild_id: guildId } : {}),
    } as APIApplicationCommand;
  }
}
