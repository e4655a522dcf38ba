import { api } from './api.js';
import { Controls, type ControlActions } from './controls.js';
import { useGuildState } from './guild-state.js';
import type { Notices } from './notices.js';
import { NowPlaying } from './now-playing.js';
import { PlaylistsPanel } from './playlists-panel.js';
import { type QueueActions, QueueList } from './queue-list.js';
import { moveItem } from './reorder.js';
import { SearchBox } from './search-box.js';

interface Props {
  readonly guildId: string;
  readonly notices: Notices;
}

/** One server's player: now playing, controls, search, queue and playlists, kept live by its event stream. */
export function GuildView({ guildId, notices }: Props) {
  const state = useGuildState(guildId, notices.fail);
  const { act } = notices;
  const controls: ControlActions = {
    control: (action) => void act(api.control(guildId, action)),
    volume: (percent) => void act(api.volume(guildId, percent)),
    loop: (mode) => void act(api.loop(guildId, mode)),
    filter: (preset) => void act(api.filter(guildId, preset)),
  };
  const queue: QueueActions = {
    move: async (entryId, toIndex) => {
      const from = state.queue.findIndex((t) => t.entryId === entryId);
      if (from >= 0) state.setQueue(moveItem(state.queue, from, toIndex));
      if (!(await act(api.move(guildId, entryId, toIndex)))) state.refresh();
    },
    remove: (entryId) => void act(api.remove(guildId, entryId)),
    clear: () => void act(api.clear(guildId)),
    shuffle: () => void act(api.shuffle(guildId)),
  };
  return (
    <div class="player-grid">
      <div class="column">
        <NowPlaying
          player={state.player}
          playerAt={state.playerAt}
          onSeek={(positionMs) => void act(api.seek(guildId, positionMs))}
        />
        <Controls player={state.player} actions={controls} />
        <SearchBox onAdd={(query) => act(api.add(guildId, query))} />
      </div>
      <div class="column">
        <QueueList tracks={state.queue} actions={queue} />
        <PlaylistsPanel guildId={guildId} onPlay={(name) => void act(api.playPlaylist(guildId, name))} />
      </div>
    </div>
  );
}
