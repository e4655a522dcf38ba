/**
 * The ids Discord gave the registered slash commands, so messages can show clickable command mentions
 * (`</play:123>`; a subcommand is `</settings dj-role:123>`). Filled when the commands are registered (or read
 * back at start-up when registration is off); until then mentions fall back to plain `/name`, which still reads.
 */
export class CommandIds {
  private readonly ids = new Map<string, string>();

  /** Replaces what is known with Discord's answer (name → id). */
  set(entries: Iterable<{ readonly name: string; readonly id: string }>): void {
    this.ids.clear();
    for (const { name, id } of entries) this.ids.set(name, id);
  }

  get size(): number {
    return this.ids.size;
  }

  /** `</name:id>` (or `</name sub:id>`) when the id is known, else `/name` (`/name sub`). */
  mention(name: string, subcommand?: string): string {
    const full = subcommand ? `${name} ${subcommand}` : name;
    const id = this.ids.get(name);
    return id ? `</${full}:${id}>` : `/${full}`;
  }
}
