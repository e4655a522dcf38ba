import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './harness.js';
import {
  REPO_ROOT,
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type BotProcess,
  type MediaServer,
  type OfflineDiscord,
  type OptionShorthand,
} from '../offline-discord/index.js';
import { allPanels, loadDashboard, prometheusBinary, substitute } from '../support/prometheus-tools.js';

/**
 * The owner's view, end to end: the real bot on the offline Discord, scraped every second by a real
 * Prometheus (Debian's, its own data dir and loopback port, loading docker/prometheus/alerts.yml). Members
 * rate the bot and the owner asks for /status; music plays; then every query of every panel of the Grafana
 * dashboard (read from its JSON, variables substituted as Grafana would) is evaluated through Prometheus's
 * HTTP API and must return at least one series, so a renamed metric fails here and not on an owner's screen.
 */
let discord: OfflineDiscord;
let media: MediaServer;
let bot: BotProcess;
let prometheus: ChildProcess | undefined;
let promLog = '';
let promUrl = '';
let botPort = 0;
let dir = '';
let guildId = '';
let general = '';
let alice = '';
let owner = '';

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(expr: string): Promise<Series[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data?: { result: Series[] }; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus rejected ${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

/** Polls `check` until it returns a value (not undefined), or fails with `what` after `timeoutMs`. */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out waiting for ${what()}\nprometheus log: ${promLog.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const metricsText = async (): Promise<string> => (await fetch(`http://127.0.0.1:${botPort}/metrics`)).text();
const metricLine = (body: string, series: string): number =>
  Number(
    body
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.slice(series.length + 1),
  );

function command(userId: string, name: string, options?: OptionShorthand) {
  return discord.sendCommand({ guildId, userId, name, ...(options ? { options } : {}) });
}

beforeAll(async () => {
  const prometheusPath = prometheusBinary('prometheus'); // fails with the fix when it is not installed
  discord = await startOfflineDiscord();
  media = await startMediaServer();
  guildId = discord.guild.id;
  general = discord.world.textChannel(guildId, 'general').id;
  alice = discord.world.userByName('alice')!.id;
  owner = discord.world.owner.id;
  botPort = await freePort();
  bot = startBot(discord, {
    mediaHost: media.host,
    env: {
      HTTP_PORT: String(botPort),
      FEEDBACK_CHANNEL_ID: general,
      YTDLP_PATH: join(REPO_ROOT, 'test/fixtures/fake-yt-dlp.mjs'),
      STATUS_SAMPLE_INTERVAL: '2s',
    },
  });
  // Generous: the machine is shared, and this file starts two servers besides the bot.
  await bot.waitUntilReady({ timeoutMs: 60_000 });
  await bot.waitForLog('health and metrics endpoint listening', 30_000);

  dir = mkdtempSync(join(tmpdir(), 'tunebot-prometheus-'));
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${join(REPO_ROOT, 'docker/prometheus/alerts.yml')}`,
      'scrape_configs:',
      '  - job_name: tunebot',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${botPort}']`,
      '',
    ].join('\n'),
  );
  prometheus = spawn(
    prometheusPath,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (chunk: Buffer) => (promLog += chunk.toString()));
  prometheus.stderr?.on('data', (chunk: Buffer) => (promLog += chunk.toString()));
  await until(
    async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined),
    30_000,
    () => 'Prometheus to be ready',
  );
  await until(
    async () => ((await query('up{job="tunebot"} == 1')).length === 1 ? true : undefined),
    30_000,
    () => 'the first scrape of the bot',
  );
}, 150_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
  }
  if (bot && bot.exitInfo === undefined) await bot.kill('SIGTERM');
  await discord?.close();
  await media?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/feedback', () => {
  it('stores a rating once a day, answers privately, forwards it neutralised and counts it on /metrics', async () => {
    const feedback = command(alice, 'feedback', {
      rating: 4,
      comment: 'Great bot @everyone **loud** <@123456789012345678>',
    });
    expect((await feedback.firstRequest()).route).toBe('/interactions/{interaction_id}/{interaction_token}/callback');
    const reply = await feedback.reply((m) => /Thanks/.test(m.content), 15_000);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/★★★★☆ recorded with your comment/);
    const forwarded = await discord.waitForChannelMessage(general, (m) => m.content.includes('(4/5)'), 15_000);
    expect(forwarded.content).toContain('\\*\\*loud\\*\\*');
    expect(forwarded.content).toContain('@\u200Deveryone');
    expect(forwarded.content).not.toContain('<@123456789012345678>');
    expect(forwarded.allowedMentions).toMatchObject({ parse: [] });

    const again = await command(alice, 'feedback', { rating: 5 }).reply(undefined, 15_000);
    expect(again.ephemeral).toBe(true);
    expect(again.content).toMatch(/already rated me today/);

    const body = await metricsText();
    expect(metricLine(body, 'tunebot_feedback_rating_count')).toBe(1);
    expect(metricLine(body, 'tunebot_feedback_rating_sum')).toBe(4);
    expect(metricLine(body, 'tunebot_feedback_rating_bucket{le="3"}')).toBe(0);
    expect(metricLine(body, 'tunebot_feedback_rating_bucket{le="4"}')).toBe(1);
  });
});

describe('/status', () => {
  it('is refused to a member without Manage Server, in the catalogue words', async () => {
    const reply = await command(alice, 'status').reply(undefined, 15_000);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/Only the bot's owner and members with the \*\*Manage Server\*\* permission/);
  });

  it('shows the server owner the health embed and the last-hour chart, privately', async () => {
    // The history samples every 2 s here; the chart comes with the first sample, so ask until it is there.
    const reply = await until(
      async () => {
        const status = command(owner, 'status');
        const answer = await status.reply((m) => m.embeds.length > 0, 20_000);
        expect((await status.deferral()).type).toBe(5);
        return answer.files.length > 0 ? answer : undefined;
      },
      30_000,
      () => 'a /status with the chart',
    );
    expect(reply.ephemeral).toBe(true);
    const embed = reply.embeds[0]!;
    const field = (name: string) => embed.fields?.find((f) => f.name === name)?.value ?? '';
    expect(embed.title).toBe('tunebot status');
    expect(field('Uptime')).toMatch(/^\d+[smhd]/);
    expect(field('Version')).toMatch(/tunebot 0\.1\.0 · Node 22\./);
    expect(field('Guilds playing')).toMatch(/of 1 server/);
    expect(field('Streams')).toMatch(/passthrough \d+ · ffmpeg \d+/);
    expect(field('Store')).toContain('healthy');
    expect(field('Sources')).toMatch(/yt-dlp \d{4}\.\d{2}\.\d{2} · youtube ✅/);
    expect(field('CPU and memory')).toMatch(/% CPU · \d+ MB RSS/);
    // The default engine: audio on the main thread (AUDIO_WORKERS=0).
    expect(field('CPU and memory')).toMatch(/audio: main thread \(AUDIO_WORKERS=0\)/);
    expect(field('Feedback in this server')).toBe('★ 4.00 / 5 from 1 rating');
    expect(reply.files.map((f) => f.filename)).toEqual(['frames-last-hour.png']);
    expect(reply.files[0]!.size).toBeGreaterThan(60);
    expect(reply.files[0]!.size).toBeLessThan(4096);
    expect(embed.image?.url).toBe('attachment://frames-last-hour.png');
  });
});

describe('the Grafana dashboard against a real Prometheus', () => {
  it('loads the alert rules without evaluation errors', async () => {
    const res = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = res.data.groups.flatMap((g) => g.rules);
    expect(rules.length).toBe(8);
    const evaluated = await until(
      async () => {
        const now = ((await (await fetch(`${promUrl}/api/v1/rules`)).json()) as typeof res).data.groups.flatMap(
          (g) => g.rules,
        );
        return now.every((r) => r.health !== 'unknown') ? now : undefined;
      },
      20_000,
      () => 'every rule to be evaluated',
    );
    expect(evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });

  it('every panel query returns at least one series while music plays, and the rating shows', async () => {
    discord.setUserVoiceChannel(guildId, alice, discord.world.voiceChannel(guildId, 'Music').id);
    const url = await media.tone({ hz: 550, seconds: 120, format: 'mp3' }); // ffmpeg: a child process to see
    const play = command(alice, 'play', { query: url });
    await play.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    await discord.voice.waitForFrequency(guildId, 550, { toleranceHz: 5, since: play.dispatchedAt, timeoutMs: 20_000 });
    // The frame monitor reports every 5 s: wait until Prometheus has seen frames flow (a rate, not a sleep).
    await until(
      async () => ((await query('sum(rate(tunebot_voice_frames_sent_total[20s])) > 0')).length > 0 ? true : undefined),
      40_000,
      () => 'frames in Prometheus',
    );
    await until(
      async () => ((await query('tunebot_child_processes{kind="ffmpeg"} > 0')).length > 0 ? true : undefined),
      20_000,
      () => 'the ffmpeg child in Prometheus',
    );

    const targets = allPanels(loadDashboard()).flatMap((p) =>
      (p.targets ?? []).map((t) => ({ panel: p.title, expr: substitute(t.expr) })),
    );
    expect(targets.length).toBeGreaterThan(30);
    const empty: string[] = [];
    const results = new Map<string, Series[]>();
    for (const target of targets) {
      try {
        results.set(
          target.expr,
          await until(
            async () => {
              const series = await query(target.expr);
              return series.length > 0 ? series : undefined;
            },
            15_000,
            () => target.expr,
          ),
        );
      } catch {
        empty.push(`${target.panel}: ${target.expr}`);
      }
    }
    expect(empty).toEqual([]);
    // The check discriminates: the same query with a renamed metric finds nothing.
    const sessions = targets.find((t) => t.expr.includes('tunebot_sessions{'))!.expr;
    expect(await query(sessions.replace('tunebot_sessions{', 'tunebot_sessions_renamed{'))).toEqual([]);

    // The rating given above, read through the dashboard's own queries.
    const byPanel = (title: string) => {
      const panel = allPanels(loadDashboard()).find((p) => p.title === title)!;
      return results.get(substitute(panel.targets![0]!.expr))!;
    };
    expect(Number(byPanel('Average rating')[0]!.value[1])).toBeCloseTo(4, 1);
    expect(Number(byPanel('Ratings given')[0]!.value[1])).toBeGreaterThanOrEqual(1);
    expect(byPanel('Errors by catalogue code').map((s) => s.metric.code)).toEqual(
      expect.arrayContaining(['FEEDBACK_ONCE_A_DAY']),
    );
    expect(byPanel('Source health').map((s) => [s.metric.source, s.value[1]])).toEqual([['youtube', '1']]);
    expect(byPanel('Playing guilds')[0]!.value[1]).toBe('1');
    discord.rest.assertNoViolations();
  }, 180_000);
});
