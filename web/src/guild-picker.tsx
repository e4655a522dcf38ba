import { allowedImage } from './message-text.js';
import type { Guild } from './types.js';

interface Props {
  readonly guilds: readonly Guild[] | null;
  readonly selected: string | null;
  readonly onSelect: (guildId: string) => void;
}

/** The servers the member shares with the bot; the one playing is marked. */
export function GuildPicker({ guilds, selected, onSelect }: Props) {
  return (
    <nav class="guild-picker" aria-label="Servers" data-testid="guild-picker">
      {guilds === null ? <p class="muted">Loading servers…</p> : null}
      {guilds?.length === 0 ? <p class="muted">No server shares both you and the bot yet: invite it first.</p> : null}
      <ul class="guild-list">
        {(guilds ?? []).map((guild) => (
          <li key={guild.id}>
            <button
              type="button"
              class="guild"
              data-testid={`guild-${guild.id}`}
              aria-pressed={guild.id === selected}
              onClick={() => onSelect(guild.id)}
            >
              {allowedImage(guild.iconUrl) ? (
                <img src={allowedImage(guild.iconUrl) ?? ''} alt="" width={32} height={32} />
              ) : (
                <span class="guild-initial" aria-hidden="true">
                  {guild.name.slice(0, 1).toUpperCase()}
                </span>
              )}
              <span class="guild-name">{guild.name}</span>
              {guild.playing ? <span class="badge">playing</span> : null}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
