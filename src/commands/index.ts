import type { SlashCommand } from './command.js';
import { clearCommand } from './clear.js';
import { createHelpCommand } from './help.js';
import { leaveCommand } from './leave.js';
import { loopCommand } from './loop.js';
import { moveCommand } from './move.js';
import { nowPlayingCommand } from './nowplaying.js';
import { pauseCommand } from './pause.js';
import { playCommand } from './play.js';
import { previousCommand } from './previous.js';
import { queueCommand } from './queue.js';
import { removeCommand } from './remove.js';
import { resumeCommand } from './resume.js';
import { seekCommand } from './seek.js';
import { settingsCommand } from './settings.js';
import { shuffleCommand } from './shuffle.js';
import { skipCommand } from './skip.js';
import { skipToCommand } from './skipto.js';
import { stopCommand } from './stop.js';
import { volumeCommand } from './volume.js';

/** Every slash command, explicitly: this list is what is registered with Discord and routed. */
export const commands: readonly SlashCommand[] = [
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
  pauseCommand,
  resumeCommand,
  stopCommand,
  leaveCommand,
  queueCommand,
  nowPlayingCommand,
  settingsCommand,
  createHelpCommand(() => commands),
];
