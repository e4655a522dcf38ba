import type { APIEmbedField } from 'discord.js';
import { escapeText } from '../core/format.js';
import { buckets, renderFrameChart, sparkline } from '../ops/frame-chart.js';
import type { StatusReport } from '../ops/owner-tools.js';
import type { GuildFeedback } from '../settings/feedback-store.js';
import type { CommandReply } from './command.js';

export const CHART_NAME = 'frames-last-hour.png';

/** `3d 4h`, `2h 5m`, `4m 10s`, `12s`: the two largest units. */
export function humanDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

export const megabytes = (bytes: number): string => `${Math.round(bytes / 1_048_576)} MB`;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

function framesField(r: StatusReport): string {
  const { sent, late, missing, spanMs } = r.frames5m;
  const due = sent + late + missing;
  const span = spanMs < 5 * 60_000 - 1000 ? ` (last ${humanDuration(spanMs)})` : '';
  if (due === 0) return `nothing played${span}`;
  const short = ((late + missing) / due) * 100;
  const mark = short >= 1 ? '⚠️' : '✅';
  return `${mark} ${count(sent)} sent · ${count(late)} late · ${count(missing)} missing (${short.toFixed(2)} % short)${span}`;
}

function resourcesField(r: StatusReport): string {
  const seconds = r.frames5m.spanMs / 1000;
  const cpu = seconds > 0 ? (r.frames5m.cpuSeconds / seconds) * 100 : 0;
  const kids = (['ffmpeg', 'ytdlp'] as const).map((kind) => {
    const k = r.children.get(kind);
    const name = kind === 'ytdlp' ? 'yt-dlp' : 'ffmpeg';
    return `${name}: ${k?.processes ?? 0}${k && k.processes > 0 ? ` (${megabytes(k.residentBytes)})` : ''}`;
  });
  return `bot ${cpu.toFixed(1)} % CPU · ${megabytes(r.rssBytes)} RSS (heap ${megabytes(r.heapUsedBytes)})\n${kids.join(' · ')}\n${audioLine(r)}`;
}

/** `audio: 2 worker threads (3 · 2 guilds)` or `audio: main thread (AUDIO_WORKERS=0)`. */
function audioLine(r: StatusReport): string {
  if (r.audio.kind === 'in-process') return 'audio: main thread (AUDIO_WORKERS=0)';
  const n = r.audio.guilds.length;
  return `audio: ${n} worker thread${n === 1 ? '' : 's'} (${r.audio.guilds.join(' · ')} guilds)`;
}

function sourcesField(r: StatusReport): string {
  const version = r.ytdlp.ok
    ? escapeText(r.ytdlp.version, 40)
    : r.ytdlp.reason === 'missing'
      ? 'not installed'
      : 'not answering';
  const health = Object.entries(r.sources).map(([source, ok]) => `${escapeText(source, 30)} ${ok ? '✅' : '❌'}`);
  return `yt-dlp ${version}${health.length > 0 ? ` · ${health.join(' · ')}` : ''}`;
}

function hourField(r: StatusReport): string {
  if (r.hour.length === 0) return 'collecting (one sample a minute)';
  const sent = buckets(
    r.hour.map((s) => s.sent),
    5,
  );
  const short = buckets(
    r.hour.map((s) => s.late + s.missing),
    5,
  );
  return `sent \`${sparkline(sent)}\`\nshort \`${sparkline(short)}\``;
}

function feedbackField(f: GuildFeedback): string {
  if (f.count === 0) return 'no ratings yet: /feedback';
  return `★ ${(f.starsTotal / f.count).toFixed(2)} / 5 from ${count(f.count)} rating${f.count === 1 ? '' : 's'}`;
}

/** The `/status` reply: one embed, and the last hour as a small PNG when there is any history. */
export function renderStatus(r: StatusReport, feedback: GuildFeedback): CommandReply {
  const playing = r.sessions.playing ?? 0;
  const states = Object.entries(r.sessions)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const fields: APIEmbedField[] = [
    { name: 'Uptime', value: humanDuration(r.uptimeMs), inline: true },
    {
      name: 'Version',
      value: `tunebot ${escapeText(r.version, 64)} · Node ${r.node}${r.shard ? ` · shard ${r.shard}` : ''}`,
      inline: true,
    },
    { name: 'Gateway', value: r.ready ? '✅ ready' : '⚠️ not ready', inline: true },
    {
      name: 'Guilds playing',
      value: `${playing} of ${r.guilds} server${r.guilds === 1 ? '' : 's'}${states.length > 0 ? ` (${states.join(', ')})` : ''}`,
    },
    { name: 'Streams', value: `passthrough ${r.streams.passthrough} · ffmpeg ${r.streams.ffmpeg}`, inline: true },
    { name: 'Store', value: r.storeHealthy ? '✅ healthy' : '⚠️ failing: running from memory', inline: true },
    { name: 'Frames, last 5 minutes', value: framesField(r) },
    { name: 'CPU and memory', value: resourcesField(r) },
    { name: 'Sources', value: sourcesField(r) },
    { name: 'Last hour (5-minute steps)', value: hourField(r) },
    { name: 'Feedback in this server', value: feedbackField(feedback) },
  ];
  const chart = r.hour.length > 0 ? renderFrameChart(r.hour) : undefined;
  return {
    embeds: [
      {
        title: 'tunebot status',
        color: r.ready && r.storeHealthy ? 0x57f287 : 0xfee75c,
        fields,
        ...(chart ? { image: { url: `attachment://${CHART_NAME}` } } : {}),
        footer: {
          text: chart
            ? 'Chart: frames sent per minute (green), share late or missing (red, full at 5 %)'
            : 'Only you can see this',
        },
      },
    ],
    ...(chart
      ? { files: [{ attachment: chart, name: CHART_NAME, description: 'Frames sent and late per minute, last hour' }] }
      : {}),
  };
}
