import type { SlashCommand } from './command.js';
import { LOCALES } from './locales/index.js';
import { localize } from './locales/localize.js';
import { autoplayCommand } from './autoplay.js';
import { clearCommand } from './clear.js';
import { feedbackCommand } from './feedback.js';
import { filterCommand } from './filter.js';
import { grabCommand } from './grab.js';
import { historyCommand } from './history.js';
import { createHelpCommand } from './help.js';
import { leaveCommand } from './leave.js';
import { loopCommand } from './loop.js';
import { lyricsCommand } from './lyrics.js';
import { moveCommand } from './move.js';
import { nowPlayingCommand } from './nowplaying.js';
import { pauseCommand } from './pause.js';
import { playCommand } from './play.js';
import { playlistCommand } from './playlist.js';
import { previousCommand } from './previous.js';
import { queueCommand } from './queue.js';
import { removeCommand } from './remove.js';
import { resumeCommand } from './resume.js';
import { seekCommand } from './seek.js';
import { settingsCommand } from './settings.js';
import { shuffleCommand } from './shuffle.js';
import { skipCommand } from './skip.js';
import { skipToCommand } from './skipto.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';
import { volumeCommand } from './volume.js';

/** Every slash command, explicitly: this list is what is registered with Discord and routed. */
const english: readonly SlashCommand[] = [
  playCommand,
  skipCommand,
  skipToCommand,
  previousCommand,
  removeCommand,
  moveCommand,
  shuffleCommand,
  clearCommand,
  loopCommand,
  seekCommand,
  volumeCommand,
  filterCommand,
  pauseCommand,
  resumeCommand,
  stopCommand,
  leaveCommand,
  queueCommand,
  nowPlayingCommand,
  settingsCommand,
  statusCommand,
  feedbackCommand,
  playlistCommand,
  lyricsCommand,
  autoplayCommand,
  historyCommand,
  grabCommand,
  createHelpCommand(() => commands),
];

/** The commands with their descriptions translated into every locale in ./locales (English where none). */
export const commands: readonly SlashCommand[] = english.map((command) => ({
  ...command,
  data: localize(command.data, LOCALES),
}));
