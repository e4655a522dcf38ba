import type { GuildSession } from '../session/guild-session.js';
import { renderNowPlaying } from '../commands/now-playing-view.js';
import type { PlayerView } from './player-channels.js';

/**
 * The player message's look: the now-playing view (with its buttons) while a track is loading, playing or paused,
 * and a short line without buttons once nothing plays. The content is the now-playing view's to decide (an embed
 * can replace it); the mechanism around it is in player-message.ts.
 */
export function renderPlayer(session: GuildSession): PlayerView {
  return renderNowPlaying(session) ?? { content: '⏹️ Nothing is playing. Use /play to add something.', components: [] };
}
