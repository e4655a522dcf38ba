// Stands in for dist/main.js under the ShardingManager: logs its start, reports ready over IPC (as
// discord.js's ShardClientUtil does), and behaves per FAKE_SHARD_MODE so the supervisor's policies can be seen.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';

const log = process.env.FAKE_SHARD_LOG;
const id = process.env.SHARDS;
const mode = process.env.FAKE_SHARD_MODE ?? '';
const write = (line) => appendFileSync(log, `${line}\n`);

// The handler is in place before the start line: tests signal as soon as they read that line.
process.on('SIGTERM', () => {
  write(`sigterm ${id}`);
  if (mode !== 'ignore-sigterm') setTimeout(() => process.exit(0), 20);
});
write(`start ${id}/${process.env.SHARD_COUNT} ${process.pid} token=${process.env.DISCORD_TOKEN}`);
if (mode === 'config-error' && id === '1') process.exit(2);
const marker = `${log}.crashed-${id}`;
if (mode === 'crash-once' && id === '1' && !existsSync(marker)) {
  writeFileSync(marker, '');
  setTimeout(() => process.exit(1), 20);
} else {
  process.send?.({ _ready: true });
}
setInterval(() => undefined, 1000);
