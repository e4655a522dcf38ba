import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type BotProcess,
  type InteractionHandle,
  type MediaServer,
  type OfflineDiscord,
  type OfflineDiscordOptions,
  type OptionShorthand,
  type StartBotOptions,
} from '../offline-discord/index.js';

/**
 * One end-to-end stack: the offline Discord, a media server and the real bot process (`dist/main.js`), with
 * names for the default world (guild with #general, voice channels Music and Lounge, users alice/bob/carol).
 * Tests drive it the way a user does: join a voice channel, send a slash command, read replies and audio.
 */
export interface Stack {
  readonly discord: OfflineDiscord;
  readonly media: MediaServer;
  readonly bot: BotProcess;
  readonly guildId: string;
  readonly textChannelId: string;
  readonly music: string;
  readonly lounge: string;
  readonly users: { readonly alice: string; readonly bob: string; readonly carol: string };
  /** Puts a user in a voice channel (default Music). */
  join(userId: string, channelId?: string): void;
  command(userId: string, name: string, options?: OptionShorthand): InteractionHandle;
  /** Sends a command and returns the text of its final reply (the deferred reply's edit). */
  ask(userId: string, name: string, options?: OptionShorthand, timeoutMs?: number): Promise<string>;
  /** Restarts the bot process (same DATA_DIR), e.g. after a SIGTERM or SIGKILL. */
  restart(options?: StartBotOptions): Promise<BotProcess>;
  close(): Promise<void>;
}

export interface StackOptions {
  readonly env?: Record<string, string | undefined>;
  readonly discord?: OfflineDiscordOptions;
  readonly echo?: boolean;
  /** Node arguments for the bot process (e.g. a test-only --require preload). */
  readonly nodeArgs?: string[];
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const discord = await startOfflineDiscord(options.discord);
  const media = await startMediaServer();
  // The stack owns DATA_DIR so it survives bot restarts (a bot that owns its dir deletes it when killed).
  const dataDir = mkdtempSync(join(tmpdir(), 'tunebot-e2e-'));
  const botOptions = (extra: StartBotOptions = {}): StartBotOptions => ({
    mediaHost: media.host,
    dataDir,
    echo: options.echo ?? process.env.E2E_ECHO === '1',
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    ...extra,
    env: { ...options.env, ...extra.env },
  });
  let bot = startBot(discord, botOptions());
  await bot.waitUntilReady();
  const guildId = discord.guild.id;
  const world = discord.world;
  const user = (name: string) => world.userByName(name)?.id ?? '';
  const stack: Stack = {
    discord,
    media,
    guildId,
    get bot() {
      return bot;
    },
    textChannelId: world.textChannel(guildId, 'general').id,
    music: world.voiceChannel(guildId, 'Music').id,
    lounge: world.voiceChannel(guildId, 'Lounge').id,
    users: { alice: user('alice'), bob: user('bob'), carol: user('carol') },
    join: (userId, channelId = stack.music) => discord.setUserVoiceChannel(guildId, userId, channelId),
    command: (userId, name, opts) => discord.sendCommand({ guildId, userId, name, ...(opts ? { options: opts } : {}) }),
    async ask(userId, name, opts, timeoutMs = 20_000) {
      const handle = stack.command(userId, name, opts);
      const message = await handle.reply(undefined, timeoutMs);
      return message.content ?? '';
    },
    async restart(extra = {}) {
      if (bot.exitInfo === undefined) await bot.kill('SIGKILL');
      bot = startBot(discord, botOptions(extra));
      await bot.waitUntilReady();
      return bot;
    },
    async close() {
      const daveViolations = discord.voice.daveViolations();
      await discord.close();
      await media.close();
      rmSync(dataDir, { recursive: true, force: true });
      // Every listener is a DAVE member: a frame it could not decrypt after its group transition fails the test.
      if (daveViolations.length > 0)
        throw new Error(
          `DAVE: ${daveViolations.length} frame(s) not decryptable after the transition: ${JSON.stringify(daveViolations.slice(0, 5))}`,
        );
    },
  };
  return stack;
}

export { freePort } from '../support/free-port.js';

/** One series' value from the bot's /metrics on `port` (`missing` when the series is not there yet). */
export async function scrapeMetric(port: number, series: string, missing = Number.NaN): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? missing : Number(line.slice(series.length + 1));
}
