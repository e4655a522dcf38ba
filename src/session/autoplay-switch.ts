/**
 * Per-guild autoplay choices made with `/autoplay` for the session at hand; without one, the server's
 * `/settings autoplay` default applies. Cleared when the session ends, so the default is back next time.
 */
export class AutoplaySwitch {
  private readonly choices = new Map<string, boolean>();

  set(guildId: string, enabled: boolean): void {
    this.choices.set(guildId, enabled);
  }

  enabled(guildId: string, byDefault: boolean): boolean {
    return this.choices.get(guildId) ?? byDefault;
  }

  clear(guildId: string): void {
    this.choices.delete(guildId);
  }
}
