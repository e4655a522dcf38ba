// The bot's entry (`node dist/main.js`: npm start, the image, the systemd unit, every shard). It checks the Node
// version first and only then loads the bot: see node-version.ts for why this file imports nothing else statically.
import { requireSupportedNode } from './node-version.js';

requireSupportedNode();
await import('./bot.js');
