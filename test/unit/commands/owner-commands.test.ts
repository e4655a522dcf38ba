import { describe, expect, it } from 'vitest';
import { humanDuration, renderStatus } from '../../../src/commands/status-view.js';
import type { StatusReport } from '../../../src/ops/owner-tools.js';
import { EMPTY_FEEDBACK, FeedbackStore, RECENT_KEPT, utcDay } from '../../../src/settings/feedback-store.js';
import { MemoryStore } from '../../../src/store/memory-store.js';

const DAY = 86_400_000;
const noon = Date.UTC(2026, 11, 2, 12);

describe('FeedbackStore', () => {
  it('keeps one rating per member per UTC day, per guild, with exact totals', async () => {
    const feedback = new FeedbackStore(new MemoryStore());
    expect((await feedback.record('g1', { userId: 'u1', stars: 5, comment: null, at: noon })).ok).toBe(true);
    expect(await feedback.record('g1', { userId: 'u1', stars: 1, comment: null, at: noon + 3_600_000 })).toEqual({
      ok: false,
      reason: 'already-today',
    });
    expect((await feedback.record('g2', { userId: 'u1', stars: 3, comment: null, at: noon })).ok).toBe(true); // another server
    expect((await feedback.record('g1', { userId: 'u2', stars: 2, comment: 'meh', at: noon })).ok).toBe(true);
    expect((await feedback.record('g1', { userId: 'u1', stars: 4, comment: null, at: noon + DAY })).ok).toBe(true); // tomorrow
    const summary = await feedback.summary('g1');
    expect(summary).toMatchObject({ count: 3, starsTotal: 11, counts: [0, 1, 0, 1, 1] });
    expect(summary.recent.map((e) => e.stars)).toEqual([5, 2, 4]);
    expect(utcDay(noon)).toBe('2026-12-02');
  });

  it('holds against two ratings racing, and keeps only the latest entries', async () => {
    const feedback = new FeedbackStore(new MemoryStore());
    const both = await Promise.all(
      [1, 2].map((stars) => feedback.record('g', { userId: 'u', stars, comment: null, at: noon })),
    );
    expect(both.filter((o) => o.ok)).toHaveLength(1);
    for (let i = 0; i < RECENT_KEPT + 10; i++)
      await feedback.record('g', { userId: `m${i}`, stars: 5, comment: null, at: noon });
    const summary = await feedback.summary('g');
    expect(summary.recent).toHaveLength(RECENT_KEPT);
    expect(summary.count).toBe(RECENT_KEPT + 11);
  });
});

const report = (overrides: Partial<StatusReport> = {}): StatusReport => ({
  uptimeMs: 3 * 3_600_000 + 5 * 60_000,
  version: '0.1.0',
  node: '22.12.0',
  guilds: 3,
  sessions: { playing: 2, idle: 1 },
  streams: { passthrough: 1, ffmpeg: 1, baseline: 0 },
  frames5m: { sent: 29_970, late: 30, missing: 0, cpuSeconds: 15, spanMs: 300_000 },
  hour: [{ at: 1, sent: 6000, late: 6, missing: 0, cpuSeconds: 3 }],
  rssBytes: 120 * 1_048_576,
  heapUsedBytes: 40 * 1_048_576,
  children: new Map([['ffmpeg', { processes: 1, residentBytes: 20 * 1_048_576, cpuSeconds: 9 }]]),
  ytdlp: { ok: true, version: '2025.11.12' },
  sources: { youtube: true },
  storeHealthy: true,
  ready: true,
  shard: undefined,
  audio: { kind: 'workers', guilds: [2, 1] },
  ...overrides,
});

describe('/status view', () => {
  it('says what an owner asks in one embed, with the chart attached', () => {
    const reply = renderStatus(report(), { ...EMPTY_FEEDBACK, count: 2, starsTotal: 9, counts: [0, 0, 0, 1, 1] });
    if (typeof reply === 'string') throw new Error('expected an embed');
    const embed = reply.embeds![0] as { fields: { name: string; value: string }[]; image?: { url: string } };
    const field = (name: string) => embed.fields.find((f) => f.name === name)?.value;
    expect(field('Uptime')).toBe('3h 5m');
    expect(field('Guilds playing')).toBe('2 of 3 servers (2 playing, 1 idle)');
    expect(field('Frames, last 5 minutes')).toBe('✅ 29,970 sent · 30 late · 0 missing (0.10 % short)');
    expect(field('CPU and memory')).toBe(
      'bot 5.0 % CPU · 120 MB RSS (heap 40 MB)\nffmpeg: 1 (20 MB) · yt-dlp: 0\naudio: 2 worker threads (2 · 1 guilds)',
    );
    expect(field('Sources')).toBe('yt-dlp 2025.11.12 · youtube ✅');
    expect(field('Feedback in this server')).toBe('★ 4.50 / 5 from 2 ratings');
    expect(embed.image?.url).toBe('attachment://frames-last-hour.png');
    expect((reply.files as unknown as { name: string }[]).map((f) => f.name)).toEqual(['frames-last-hour.png']);
    for (const f of embed.fields) expect(f.value.length).toBeLessThanOrEqual(1024);
  });

  it('warns when unhealthy and has no chart before the first sample', () => {
    const reply = renderStatus(
      report({ hour: [], storeHealthy: false, ytdlp: { ok: false, reason: 'missing' }, sources: { youtube: false } }),
      EMPTY_FEEDBACK,
    );
    if (typeof reply === 'string') throw new Error('expected an embed');
    const embed = reply.embeds![0] as { fields: { name: string; value: string }[]; image?: unknown };
    expect(embed.fields.find((f) => f.name === 'Store')?.value).toMatch(/failing/);
    expect(embed.fields.find((f) => f.name === 'Sources')?.value).toBe('yt-dlp not installed · youtube ❌');
    expect(embed.image).toBeUndefined();
    expect(reply.files).toBeUndefined();
  });

  it('humanDuration keeps the two largest units', () => {
    expect(humanDuration(0)).toBe('0s');
    expect(humanDuration(12_000)).toBe('12s');
    expect(humanDuration(90_061_000)).toBe('1d 1h');
    expect(humanDuration(3_600_000)).toBe('1h');
  });
});
