import { escapeText } from '../core/format.js';
import { setLoopMode, shuffleQueue, skipOrVote, stopPlayback, togglePause } from '../controls/player-actions.js';
import type { GuildSession } from '../session/guild-session.js';
import type { ButtonContext, ButtonHandler, ButtonOutcome } from '../commands/buttons.js';
import { actorOf, listenerSession, type Actor } from '../controls/control-guard.js';
import { denials } from '../controls/denials.js';
import {
  NOW_PLAYING_ACTIONS,
  NOW_PLAYING_PREFIX,
  renderNowPlaying,
  type NowPlayingAction,
} from '../commands/now-playing-view.js';

const isAction = (value: string | undefined): value is NowPlayingAction =>
  (NOW_PLAYING_ACTIONS as readonly (string | undefined)[]).includes(value);

/**
 * The now-playing message's buttons. Each runs the same action (and permission rules) as its slash command,
 * then redraws the message it is on. Buttons drawn for a track that is no longer current are removed
 * instead of acting on whatever plays now.
 */
export const nowPlayingButtons: ButtonHandler = {
  prefix: NOW_PLAYING_PREFIX,

  async execute({ interaction, deps, args }: ButtonContext): Promise<ButtonOutcome> {
    const [action, guildId, entryId] = args;
    const actor = actorOf(interaction, deps);
    const session = deps.sessions.get(interaction.guildId);
    const stale =
      !isAction(action) ||
      guildId !== interaction.guildId ||
      !session ||
      String(session.queue.current?.entryId) !== entryId;
    const player = deps.player?.owns(interaction.guildId, interaction.message.id) ? deps.player : undefined;
    if (stale || !session) {
      // The live player message is redrawn by its owner; only an old message loses its buttons here.
      if (player && session) player.refresh(session);
      return { ...(player ? {} : { update: { components: [] } }), notice: `❌ ${denials.staleControls().message}` };
    }
    listenerSession(actor); // refuse non-listeners before anything else, whatever the action
    const outcome = await run(action, actor, session);
    return player ? onPlayerMessage(outcome) : outcome;
  },
};

/**
 * A press on the session's player message: skip and stop would take its buttons off and overwrite it with their
 * result, but the message follows the session by itself (player-message.ts: it shows the next track, or that
 * nothing plays), so their result is told to the presser privately instead. Redraws pass through unchanged.
 */
function onPlayerMessage(outcome: ButtonOutcome): ButtonOutcome {
  const update = typeof outcome.update === 'object' ? outcome.update : undefined;
  if (!update || (update.components?.length ?? 0) > 0) return outcome;
  const text = typeof update.content === 'string' ? update.content : undefined;
  const notice = outcome.notice ?? text;
  return notice ? { notice } : {};
}

async function run(action: NowPlayingAction, actor: Actor, session: GuildSession): Promise<ButtonOutcome> {
  const by = `(by ${escapeText(actor.member.displayName, 40)})`;
  switch (action) {
    case 'pause':
      await togglePause(actor);
      return redraw(session);
    case 'skip': {
      const outcome = await skipOrVote(actor);
      if (outcome.kind === 'skipped') return { update: { content: `${outcome.text} ${by}`, components: [] } };
      return outcome.kind === 'already-voted' ? { notice: outcome.text } : redraw(session, outcome.text);
    }
    case 'stop':
      return { update: { content: `${await stopPlayback(actor)} ${by}`, components: [] } };
    case 'loop':
      await setLoopMode(actor);
      return redraw(session);
    case 'shuffle':
      await shuffleQueue(actor);
      return redraw(session);
  }
}

/** The message redrawn from the session as it is now, with an optional line under it. */
function redraw(session: GuildSession, footer?: string): ButtonOutcome {
  const view = renderNowPlaying(session);
  if (!view) return { update: { components: [] } };
  return { update: { content: footer ? `${view.content}\n${footer}` : view.content, components: view.components } };
}
