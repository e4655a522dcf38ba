import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type BotProcess,
  type InteractionHandle,
  type MediaServer,
  type OfflineDiscord,
  type OptionShorthand,
} from '../offline-discord/index.js';
import { freePort } from './harness.js';
import {
  HostileServer,
  Sampler,
  recordCase,
  recordingYtDlp,
  rssBytes,
  sleep,
  worstGap,
  type CaseFigures,
  type RecordingYtDlp,
} from './hostile-support.js';

/**
 * One member cannot take the bot down. Two guilds on one bot: in "Listeners" alice plays a long track with
 * two more queued; in "Attackers" mallory sends every hostile input of issue 10 and variants of it. For each
 * case, judged from outside: the listening guild's audio has no gap over 250 ms, its commands (probes sent
 * once a second by alice, bob and carol in turn) are acknowledged in under 1 s, the bot's RSS grows by less
 * than 150 MB, the attacking guild gets a bounded number of messages, the process is alive and the
 * listening guild's queue is intact. One bot serves every case, cases run one after another, and gaps are
 * measured only inside each case's window. Figures go to .tmp/hostile-figures.jsonl (HOSTILE_LABEL names
 * the run) for the closing note.
 */
let discord: OfflineDiscord;
let media: MediaServer;
let hostile: HostileServer;
let ytdlp: RecordingYtDlp;
let bot: BotProcess;
let L: string; // the listening guild
let A: string; // the attacking guild
let attackText: string;
let closedPort: number;
const listeners: string[] = [];
let mallory: string;
const attackIds = new Set<string>();

const MAX_GAP_MS = 250;
const MAX_ACK_MS = 1000;
const MAX_RSS_GROWTH_MB = 150;
const SECRET_ENV = {
  SPOTIFY_CLIENT_ID: 'hostile-spotify-id',
  SPOTIFY_CLIENT_SECRET: 'hostile-spotify-secret',
  HOSTILE_CANARY: 'must-not-leak',
};

function attack(name: string, options?: OptionShorthand, user = mallory): InteractionHandle {
  const handle = discord.sendCommand({ guildId: A, userId: user, name, ...(options ? { options } : {}) });
  attackIds.add(handle.id);
  return handle;
}

/** Sends and waits for the final reply text; '' when none came (a frozen bot is measured, not thrown). */
async function attackAsk(name: string, options?: OptionShorthand, timeoutMs = 30_000): Promise<string> {
  try {
    return (await attack(name, options).reply(undefined, timeoutMs)).content ?? '';
  } catch {
    return '';
  }
}

async function listen(
  name: string,
  options?: OptionShorthand,
  timeoutMs = 30_000,
  user = listeners[0]!,
): Promise<string> {
  const handle = discord.sendCommand({ guildId: L, userId: user, name, ...(options ? { options } : {}) });
  return (await handle.reply(undefined, timeoutMs)).content ?? '';
}

function attackSnapshotsSince(t0: number) {
  return discord.messages.snapshots.filter(
    (s) =>
      s.at >= t0 &&
      s.source !== 'interaction-deferred' &&
      (s.channelId === attackText || (s.interactionId !== undefined && attackIds.has(s.interactionId))),
  );
}

function attackMessagesSince(t0: number): number {
  return attackSnapshotsSince(t0).length;
}

/** What the attacking guild was sent, one line each (shown when a case sends too many). */
function attackLogSince(t0: number): string {
  return attackSnapshotsSince(t0)
    .map((s) => `${Math.round(s.at - t0)} ms ${s.source}: ${(s.content ?? s.embeds?.[0]?.title ?? '').slice(0, 90)}`)
    .join('\n');
}

async function startListening(): Promise<void> {
  const long = await media.tone({ hz: 610, seconds: 900, format: 'ogg' });
  expect(await listen('play', { query: long })).toMatch(/Started/);
  for (const hz of [611, 612])
    expect(await listen('play', { query: await media.tone({ hz, seconds: 60, format: 'ogg' }) })).toMatch(
      /Queued|Added/,
    );
  await discord.voice.waitForFrequency(L, 610, { toleranceHz: 4, timeoutMs: 20_000 });
}

async function queueIntact(): Promise<boolean> {
  try {
    const queue = await listen('queue', undefined, 10_000);
    const intact = /610/.test(queue) && /611/.test(queue) && /612/.test(queue);
    if (!intact) console.log(`queue not intact: ${queue}`);
    return intact;
  } catch {
    return false;
  }
}

/**
 * A dead bot (possible before the fixes) is restarted so later cases still measure something. For a
 * measurement of the unfixed code, HOSTILE_RESTART_EACH=1 restarts it before every case (a case's leftovers,
 * such as a storm that never ends, would otherwise spoil the next ones) and HOSTILE_BOT_ENTRY names its build.
 */
async function ensureBot(): Promise<void> {
  if (process.env.HOSTILE_RESTART_EACH === '1' && bot.exitInfo === undefined) await bot.kill('SIGKILL');
  if (bot.exitInfo === undefined) return;
  bot = startBot(discord, botOptions());
  await bot.waitUntilReady({ timeoutMs: 90_000 });
  await listen('stop').catch(() => '');
  await startListening();
}

function botOptions() {
  return {
    mediaHost: media.host,
    ...(process.env.HOSTILE_BOT_ENTRY ? { entry: process.env.HOSTILE_BOT_ENTRY } : {}),
    env: {
      ALLOWED_PRIVATE_HOSTS: `${media.host},${hostile.host},127.0.0.1:${closedPort}`,
      YTDLP_PATH: ytdlp.path,
      FETCH_TIMEOUT: '3s',
      // The production defaults (startBot turns them off for the other suites).
      RATE_LIMIT_MEMBER: '10/10s',
      RATE_LIMIT_GUILD: '60/30s',
      ...SECRET_ENV,
    },
  };
}

/** Sends a listener probe every second (rotating members) and records how long each acknowledgement took. */
function probeListeners(): { stop(): Promise<number> } {
  const acks: Promise<number>[] = [];
  let turn = 0;
  const timer = setInterval(() => {
    const user = listeners[turn++ % listeners.length]!;
    const handle = discord.sendCommand({ guildId: L, userId: user, name: 'nowplaying' });
    acks.push(
      handle.deferral(10_000).then(
        (cb) => cb.at - handle.dispatchedAt,
        () => 10_000,
      ),
    );
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      return Math.max(0, ...(await Promise.all(acks)));
    },
  };
}

/** Waits until the attacking guild has had no new message for `quietMs` (at most `maxMs`). */
async function settle(t0: number, quietMs = 2500, maxMs = 30_000): Promise<void> {
  const end = performance.now() + maxMs;
  let count = attackMessagesSince(t0);
  let quietSince = performance.now();
  while (performance.now() < end && performance.now() - quietSince < quietMs) {
    await sleep(250);
    const now = attackMessagesSince(t0);
    if (now !== count) [count, quietSince] = [now, performance.now()];
  }
}

async function cleanupAttacker(): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < 20; i += 1) {
    const reply = await attackAsk('stop', undefined, 10_000);
    if (!/slow down/i.test(reply)) break;
    await sleep(1000);
  }
  // The player message shows the stop up to PLAYER_MIN_INTERVAL_MS later: that write belongs to this case.
  await settle(t0, 2500, 10_000);
}

interface CaseOptions {
  readonly maxMessages: number;
  /**
   * Builds what the attack serves before the measured window opens: building megabytes of hostile bodies
   * blocks this process, which receives the listening guild's packets, and would be counted as the bot's gap.
   */
  readonly prepare?: () => Promise<void>;
  /** Longest the attack may run before it is measured anyway. */
  readonly attackTimeoutMs?: number;
  readonly settleMaxMs?: number;
}

async function hostileCase(
  name: string,
  run: () => Promise<void>,
  options: CaseOptions,
): Promise<CaseFigures & { log: string }> {
  await ensureBot();
  await options.prepare?.();
  const t0 = performance.now();
  const rss0 = rssBytes(bot.pid);
  const rss = new Sampler(() => rssBytes(bot.pid));
  const probes = probeListeners();
  await Promise.race([run().catch(() => undefined), sleep(options.attackTimeoutMs ?? 60_000)]);
  await settle(t0, 2500, options.settleMaxMs ?? 30_000);
  const worstAckMs = await probes.stop();
  const t1 = performance.now();
  const peak = rss.stop();
  const figures: CaseFigures = {
    name,
    worstGapMs: Math.round(worstGap(discord.voice.packets(L), t0, t1)),
    worstAckMs: Math.round(worstAckMs),
    rssGrowthMb: Math.round(((peak - rss0) / 2 ** 20) * 10) / 10,
    messages: attackMessagesSince(t0),
    alive: bot.exitInfo === undefined,
    queueIntact: await queueIntact(),
  };
  recordCase(figures);
  const log = attackLogSince(t0);
  await cleanupAttacker();
  return { ...figures, log };
}

function expectContained(figures: CaseFigures & { log: string }, options: CaseOptions): void {
  expect(figures.alive, 'the bot process is alive').toBe(true);
  expect(figures.queueIntact, "the listening guild's queue is intact").toBe(true);
  expect(figures.worstGapMs, "longest gap in the listening guild's audio (ms)").toBeLessThan(MAX_GAP_MS);
  expect(figures.worstAckMs, "slowest acknowledgement of a listening guild's command (ms)").toBeLessThan(MAX_ACK_MS);
  expect(figures.rssGrowthMb, 'bot RSS growth (MB)').toBeLessThan(MAX_RSS_GROWTH_MB);
  expect(figures.messages, `messages to the attacking guild:\n${figures.log}\n`).toBeLessThanOrEqual(
    options.maxMessages,
  );
}

/** Declares one case: the attack, then every outside bound. */
function attackCase(
  name: string,
  run: () => Promise<void>,
  options: CaseOptions,
  extra?: () => Promise<void> | void,
): void {
  it(name, async () => {
    const figures = await hostileCase(name, run, options);
    expectContained(figures, options);
    await extra?.();
  }, 180_000);
}

beforeAll(async () => {
  discord = await startOfflineDiscord({
    guilds: [
      { name: 'Listeners', members: ['alice', 'bob', 'carol'] },
      { name: 'Attackers', members: ['mallory', 'eve'] },
    ],
  });
  media = await startMediaServer();
  hostile = new HostileServer();
  await hostile.listen();
  ytdlp = recordingYtDlp(1500);
  closedPort = await freePort();
  const [listening, attacking] = [...discord.world.guilds.values()];
  L = listening!.id;
  A = attacking!.id;
  attackText = discord.world.textChannel(A, 'general').id;
  for (const name of ['alice', 'bob', 'carol']) listeners.push(discord.world.userByName(name)!.id);
  mallory = discord.world.userByName('mallory')!.id;
  bot = startBot(discord, botOptions());
  await bot.waitUntilReady({ timeoutMs: 90_000 });
  for (const user of listeners) discord.setUserVoiceChannel(L, user, discord.world.voiceChannel(L, 'Music').id);
  discord.setUserVoiceChannel(A, mallory, discord.world.voiceChannel(A, 'Music').id);
  await startListening();
}, 180_000);

afterAll(async () => {
  await discord?.close();
  await media?.close();
  await hostile?.close();
});

const entries = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe('HLS playlists', () => {
  attackCase(
    'HLS master of 20,000 variants, 600 KB (issue repro)',
    async () => {
      const segment = await media.tone({ hz: 700, seconds: 20, format: 'ogg' });
      hostile.hlsOneSegment('/hls/one.m3u8', segment);
      await attackAsk('play', { query: hostile.hlsMaster('/hls/master-20k.m3u8', 20_000, 'one.m3u8') });
    },
    { maxMessages: 4 },
  );

  attackCase(
    'HLS master of 60,000 variants, near the 2 MiB cap',
    async () => {
      await attackAsk('play', { query: hostile.hlsMaster('/hls/master-60k.m3u8', 60_000, 'one.m3u8') });
    },
    { maxMessages: 4 },
  );

  attackCase(
    'HLS live media list of 1,000,000 one-byte segments (issue repro)',
    async () => {
      await attackAsk('play', { query: hostile.hlsMedia('/hls/live-1m.m3u8', 1_000_000) });
    },
    { maxMessages: 4 },
  );

  attackCase(
    'HLS live media list of 1,000,000 segments with a playable edge, reloaded',
    async () => {
      const tail = await Promise.all([701, 702, 703].map((hz) => media.tone({ hz, seconds: 2, format: 'ogg' })));
      await attackAsk('play', { query: hostile.hlsMedia('/hls/live-1m-edge.m3u8', 1_000_000, { tail }) });
      await sleep(12_000); // the old code re-parsed the whole 2 MB list every 500 ms; now at most 128 KiB/s
    },
    { maxMessages: 6 },
  );

  attackCase(
    'HLS VOD media list of 1,000,000 segments',
    async () => {
      await attackAsk('play', { query: hostile.hlsMedia('/hls/vod-1m.m3u8', 1_000_000, { ended: true }) });
    },
    { maxMessages: 4 },
  );

  attackCase(
    'HLS master naming a 1,000,000-segment media list',
    async () => {
      await attackAsk('play', { query: hostile.hlsMaster('/hls/master-to-1m.m3u8', 3, 'vod-1m.m3u8') });
    },
    { maxMessages: 4 },
  );
});

/**
 * What a looped storm may send, whatever the number of entries: the four commands' replies (the playlist's
 * with its progress edit), the first failure's notice and the run's summary, and the player message, which
 * is written at most once a second (PLAYER_MIN_INTERVAL_MS) over the ~2 s the back-off lets five failures take.
 */
const LOOPED_STORM_MESSAGES = 12;

describe('failure storms', () => {
  /** A good track plays first, so `/loop queue` is accepted and the storm starts on /skip. */
  async function loopedStorm(playlist: string): Promise<void> {
    await attackAsk('play', { query: await media.tone({ hz: 720, seconds: 60, format: 'ogg' }) });
    await attackAsk('loop', { mode: 'queue' });
    await attackAsk('play', { query: playlist }, 60_000);
    await attackAsk('skip');
    await sleep(8000);
  }

  attackCase(
    '300 refused (private) entries under /loop queue (issue repro)',
    async () => {
      await loopedStorm(
        hostile.m3u(
          '/storm/refused.m3u',
          entries(300, (i) => `http://10.0.${i % 250}.${1 + (i % 200)}/x${i}.ogg`),
        ),
      );
    },
    { maxMessages: 10, attackTimeoutMs: 40_000 },
  );

  attackCase(
    '100 entries that fail at once (404), no loop (issue repro: 37 messages in 8 s)',
    async () => {
      await attackAsk(
        'play',
        {
          query: hostile.m3u(
            '/storm/404.m3u',
            entries(100, (i) => hostile.url(`/missing/${i}.ogg`)),
          ),
        },
        60_000,
      );
      await sleep(8000);
    },
    { maxMessages: 8 },
  );

  attackCase(
    '100 entries that fail at once (404) under /loop queue',
    async () => {
      await loopedStorm(
        hostile.m3u(
          '/storm/404-loop.m3u',
          entries(100, (i) => hostile.url(`/missing-loop/${i}.ogg`)),
        ),
      );
    },
    { maxMessages: LOOPED_STORM_MESSAGES, attackTimeoutMs: 40_000 },
  );

  attackCase(
    '100 entries of a closed port (connection refused) under /loop queue',
    async () => {
      await loopedStorm(
        hostile.m3u(
          '/storm/refused-port.m3u',
          entries(100, (i) => `http://127.0.0.1:${closedPort}/x${i}.ogg`),
        ),
      );
    },
    { maxMessages: LOOPED_STORM_MESSAGES, attackTimeoutMs: 40_000 },
  );

  attackCase(
    'nested and mixed playlists: private, 404, a nested M3U and a nested XSPF',
    async () => {
      const inner = hostile.m3u('/mixed/inner.m3u', [
        ...entries(50, (i) => `http://192.168.1.${i + 1}/p.ogg`),
        ...entries(50, (i) => hostile.url(`/missing-inner/${i}.ogg`)),
      ]);
      const xspf = hostile.xspf(
        '/mixed/inner.xspf',
        entries(50, (i) => ({ location: hostile.url(`/missing-xspf/${i}.ogg`) })),
      );
      const top = hostile.m3u('/mixed/top.m3u', [
        inner,
        xspf,
        ...entries(50, (i) => `http://169.254.169.254/m${i}`),
        ...entries(50, (i) => hostile.url(`/missing-top/${i}.ogg`)),
      ]);
      await loopedStorm(top);
    },
    { maxMessages: LOOPED_STORM_MESSAGES, attackTimeoutMs: 40_000 },
  );
});

describe('circuit breakers', () => {
  let listenerReply = '';
  const healthyPlay = async (): Promise<void> => {
    listenerReply = await listen('play', {
      query: `${await media.tone({ hz: 613, seconds: 30, format: 'ogg' })}?breaker=${Math.random()}`,
    });
  };

  attackCase(
    'five /play of a closed port, then another guild plays a direct link (issue repro)',
    async () => {
      for (let i = 0; i < 6; i += 1)
        await attackAsk('play', { query: `http://127.0.0.1:${closedPort}/closed-${i}.ogg` });
      await healthyPlay();
    },
    { maxMessages: 8 },
    () => expect(listenerReply).not.toMatch(/having trouble/),
  );

  attackCase(
    'five /play of a host that never answers, then another guild plays a direct link',
    async () => {
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => attackAsk('play', { query: `${hostile.url('/hang')}?t=${i}` })),
      );
      await healthyPlay();
    },
    { maxMessages: 8 },
    () => expect(listenerReply).not.toMatch(/having trouble/),
  );
});

describe('autocomplete', () => {
  let playMs = 0;
  attackCase(
    '150 autocomplete keystrokes in 3 s; the other guild adds a track meanwhile (issue repro)',
    async () => {
      const typed = 'never gonna give you up and let you down again';
      for (let i = 0; i < 150; i += 1) {
        const text = `${typed.slice(0, 2 + (i % (typed.length - 2)))}${i}`;
        discord.sendAutocomplete({
          guildId: A,
          userId: mallory,
          name: 'play',
          options: { query: text },
          focused: 'query',
        });
        await sleep(20);
      }
      const started = performance.now();
      await listen('play', { query: `${await media.tone({ hz: 614, seconds: 30, format: 'ogg' })}?ac=1` });
      playMs = performance.now() - started;
      recordCase({
        name: 'autocomplete flood: other guild /play answered (ms)',
        worstGapMs: 0,
        worstAckMs: Math.round(playMs),
        rssGrowthMb: 0,
        messages: 0,
        alive: true,
        queueIntact: true,
      });
    },
    { maxMessages: 0 },
    () => expect(playMs, "the listening guild's /play while autocomplete floods (ms)").toBeLessThan(5000),
  );

  it('yt-dlp runs with a minimal environment and --ignore-config (issue repro)', () => {
    const envs = ytdlp.envs();
    expect(envs.length).toBeGreaterThan(0);
    for (const env of envs) {
      for (const key of [
        'DISCORD_TOKEN',
        'SPOTIFY_CLIENT_ID',
        'SPOTIFY_CLIENT_SECRET',
        'HOSTILE_CANARY',
        'DISCORD_API_URL',
        'DATA_DIR',
      ]) {
        expect(env[key], key).toBeUndefined();
      }
      expect(env.PATH).toBeTruthy();
    }
    for (const argv of ytdlp.argvs()) expect(argv).toContain('--ignore-config');
  });
});

/** The XSPF case's top list, built by its `prepare`. */
let bigXspf = '';

describe('unbounded sizes', () => {
  attackCase(
    'XSPF of 2 MiB with 200 KB locations and creators, nested five times (issue repro)',
    async () => {
      await attackAsk('play', { query: bigXspf }, 60_000);
      await sleep(6000); // two checkpoints of the queue
      await attackAsk('queue');
    },
    {
      maxMessages: 8,
      prepare: async () => {
        const big = 'A'.repeat(200_000);
        const tracks = entries(10, (i) => ({
          location: hostile.url(`/long/${i}?x=${big}`),
          creator: big,
          title: big.slice(0, 5000),
        }));
        const nested = entries(5, (n) =>
          hostile.xspf(
            `/big/nested-${n}.xspf`,
            tracks.map((t, i) => ({ ...t, location: `${t.location}&n=${n}&i=${i}` })),
          ),
        );
        bigXspf = hostile.xspf('/big/top.xspf', [
          { location: await media.tone({ hz: 730, seconds: 30, format: 'ogg' }) },
          ...nested.map((location) => ({ location })),
          ...tracks,
        ]);
      },
    },
  );

  attackCase(
    'M3U of 1,000 entries with 2 KB URLs and 2 KB titles',
    async () => {
      await attackAsk(
        'play',
        {
          query: hostile.m3u(
            '/big/long.m3u',
            entries(1000, (i) => hostile.url(`/long-m3u/${i}?${'b'.repeat(2000)}`)),
            () => 'T'.repeat(2000),
          ),
        },
        60_000,
      );
      await sleep(6000);
      await attackAsk('queue');
    },
    { maxMessages: 10 },
  );
});

describe('untrusted titles', () => {
  const written: string[] = [];
  attackCase(
    'Discord markup and links in an ICY station name (issue repro)',
    async () => {
      const t0 = performance.now();
      const name =
        'free nitro https://free-nitro.example/claim </play:1> <t:1700000000:R> <:e:123456789012345678> <@&1234> [click](https://x.example) # Header -# sub';
      await attackAsk('play', { query: await hostile.icyTone('/icy/markup', name, 740, 20) });
      await attackAsk('nowplaying');
      await attackAsk('queue');
      await sleep(1500);
      for (const s of discord.messages.snapshots) {
        if (s.at >= t0 && (s.channelId === attackText || attackIds.has(s.interactionId ?? '')))
          written.push(`${s.content} ${JSON.stringify(s.embeds)}`);
      }
    },
    { maxMessages: 8 },
    () => {
      expect(written.join('\n')).toMatch(/free nitro/);
      for (const text of written) {
        expect(text).not.toMatch(/https?:\/\/free-nitro/); // a link Discord would make clickable
        expect(text).not.toMatch(/<\/play:1>|<t:1700000000:R>|<:e:\d+>|<@&1234>|\]\(https?:/);
      }
    },
  );
});

describe('command floods', () => {
  let replies: string[] = [];
  attackCase(
    '40 /play and 40 /skip in 2 s from one member (issue repro)',
    async () => {
      const tone = await media.tone({ hz: 750, seconds: 60, format: 'ogg' });
      const handles: InteractionHandle[] = [];
      for (let i = 0; i < 40; i += 1) {
        handles.push(attack('play', { query: `${tone}?flood=${i}` }), attack('skip'));
        await sleep(25);
      }
      replies = await Promise.all(
        handles.map((h) =>
          h.reply(undefined, 60_000).then(
            (m) => m.content ?? '',
            () => '',
          ),
        ),
      );
    },
    { maxMessages: 100 },
    () => {
      const served = replies.filter((r) => !/slow down/i.test(r));
      expect(served.length, 'commands served in full (the rest told to slow down)').toBeLessThanOrEqual(20);
    },
  );
});

describe('afterwards', () => {
  it('the bot is alive, the listening guild still hears its track and its queue is whole', async () => {
    await ensureBot();
    expect(bot.exitInfo).toBeUndefined();
    expect(await queueIntact()).toBe(true);
    expect(
      bot.logs.filter((l) => /uncaught exception|unhandled promise rejection/.test(String(l.json?.msg ?? l.line))),
    ).toEqual([]);
  });
});
