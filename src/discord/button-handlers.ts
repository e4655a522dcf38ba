import { historyButtons } from '../commands/history.js';
import { lyricsButtons } from '../commands/lyrics.js';
import { queueButtons } from '../commands/queue.js';
import type { ButtonHandler } from '../commands/buttons.js';
import { nowPlayingButtons } from './now-playing-buttons.js';

/** Every button family the router dispatches, by custom id prefix (like `commands` for slash commands). */
export const buttonHandlers: readonly ButtonHandler[] = [
  nowPlayingButtons,
  queueButtons,
  lyricsButtons,
  historyButtons,
];
