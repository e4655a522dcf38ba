import { escapeText, plural } from '../core/format.js';
import type { SavedPlaylist } from '../core/saved-playlist.js';
import { actorVoiceChannel, assertCanJoin } from '../controls/preconditions.js';
import { describeLeftOut } from './play-limits.js';
import { assertMayReplaceCurrent, enqueueWithinLimits, followOrRefuse, type PlayRequest } from './play.js';

/** How long the reply waits for the first track to start (as `/play` does). */
const START_WAIT_MS = 15_000;

export type { Placement } from './play.js';

/**
 * `/playlist load`: the saved tracks go into the queue as they were saved, in order, under the same rules as
 * `/play` (voice channel, the server's queue limits, DJ rules for `now`). No source is asked again: a saved
 * track is what the source resolved when it was first played, and it is streamed (and refreshed where its
 * stream URL expired) when its turn comes.
 */
export async function loadSavedPlaylist(request: PlayRequest, playlist: SavedPlaylist): Promise<string> {
  const { actor, deps, placement } = request;
  const channel = actorVoiceChannel(actor);
  const existing = followOrRefuse(deps.sessions.get(actor.guildId), channel.id);
  if (!existing) assertCanJoin(channel);
  if (existing && placement === 'now') await assertMayReplaceCurrent(actor);
  const settings = await deps.settings.get(actor.guildId);
  const session = await deps.sessions.acquire(actor.guildId, channel.id, { textChannelId: request.textChannelId });
  const { limited, result } = await enqueueWithinLimits(
    { session, actor, settings, placement, isNew: !existing },
    playlist.tracks,
  );
  const name = `**${escapeText(playlist.name)}**`;
  const count = `${plural(limited.accepted.length, 'track')}${describeLeftOut(limited)}`;
  if (!result.started) return `📂 Loaded ${name}: queued ${count} from position #${result.position ?? 1}.`;
  const outcome = await Promise.race([
    result.started,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), START_WAIT_MS).unref()),
  ]);
  if (outcome && !outcome.ok) throw outcome.error;
  const first = limited.accepted[0];
  return `📂 Loaded ${name}: ${count}. ▶️ Started **${escapeText(first?.title ?? '')}**.`;
}
