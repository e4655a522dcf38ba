import { describe, expect, it } from 'vitest';
import { instrumentAudio, instrumentLoader } from '../../../src/session/instrument.js';
import { Metrics } from '../../../src/ops/metrics.js';
import type { PreparedAudio } from '../../../src/ports/voice.js';
import { PassThrough } from 'node:stream';

const metrics = (options = {}) => new Metrics({ defaultMetrics: false, ...options });

/** The value of one series in the exposition, e.g. line('tunebot_commands_total{command="play"}'). */
async function value(m: Metrics, series: string): Promise<number | undefined> {
  const { body } = await m.render();
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('uses its own registry and prefixes every family, default metrics included', async () => {
    const m = new Metrics();
    const { body, contentType } = await m.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = body
      .split('\n')
      .filter((l) => l.startsWith('# TYPE'))
      .map((l) => l.split(' ')[2] ?? '');
    expect(families.length).toBeGreaterThan(15);
    expect(families.every((f) => f.startsWith('tunebot_'))).toBe(true);
    expect(families).toContain('tunebot_nodejs_eventloop_lag_seconds');
    expect(families).toContain('tunebot_process_resident_memory_bytes');
    // A second instance does not collide (prom-client throws on duplicate names in one registry).
    expect(() => new Metrics()).not.toThrow();
  });

  it('counts commands and errors by code, and observes deferrals in seconds', async () => {
    const m = metrics();
    m.countCommand('play');
    m.countCommand('play', 'NOT_IN_VOICE');
    m.countCommand('skip', 'internal');
    m.observeDeferral('play', 0.042);
    expect(await value(m, 'tunebot_commands_total{command="play"}')).toBe(2);
    expect(await value(m, 'tunebot_command_errors_total{command="play",code="NOT_IN_VOICE"}')).toBe(1);
    expect(await value(m, 'tunebot_command_errors_total{command="skip",code="internal"}')).toBe(1);
    expect(await value(m, 'tunebot_interaction_deferral_seconds_bucket{le="0.05",command="play"}')).toBe(1);
    expect(await value(m, 'tunebot_interaction_deferral_seconds_bucket{le="0.025",command="play"}')).toBe(0);
    expect(await value(m, 'tunebot_interaction_deferral_seconds_bucket{le="3",command="play"}')).toBe(1);
  });

  it('caps command label values so unknown names cannot grow the series count', async () => {
    const m = metrics({ maxLabelValues: 2 });
    for (const name of ['play', 'skip', 'stale1', 'stale2']) m.countCommand(name);
    expect(await value(m, 'tunebot_commands_total{command="other"}')).toBe(2);
    expect(await value(m, 'tunebot_commands_total{command="stale1"}')).toBeUndefined();
  });

  it('tracks resolve latency, cache hits/misses and the hit ratio', async () => {
    const m = metrics();
    expect(await value(m, 'tunebot_resolve_cache_hit_ratio')).toBe(0);
    m.observeResolve('http', 0.2, false);
    m.observeResolve('http', 0.001, true);
    m.observeResolve('youtube', 0.003, true);
    m.observeResolve('youtube', 2, false);
    expect(await value(m, 'tunebot_resolve_cache_hits_total{source="http"}')).toBe(1);
    expect(await value(m, 'tunebot_resolve_cache_misses_total{source="youtube"}')).toBe(1);
    expect(await value(m, 'tunebot_resolve_cache_hit_ratio')).toBe(0.5);
    expect(await value(m, 'tunebot_resolve_seconds_count{source="youtube"}')).toBe(2);
  });

  it('samples sessions by state and queue total/max at scrape time', async () => {
    const m = metrics();
    expect(await value(m, 'tunebot_sessions{state="playing"}')).toBe(0);
    const sessions = [
      { status: 'playing', queueLength: 3 },
      { status: 'playing', queueLength: 10 },
      { status: 'paused', queueLength: 1 },
      { status: 'idle', queueLength: 0 },
    ];
    m.sampleSessions(() => sessions);
    expect(await value(m, 'tunebot_sessions{state="playing"}')).toBe(2);
    expect(await value(m, 'tunebot_sessions{state="paused"}')).toBe(1);
    expect(await value(m, 'tunebot_sessions{state="loading"}')).toBe(0);
    expect(await value(m, 'tunebot_queued_tracks')).toBe(14);
    expect(await value(m, 'tunebot_queue_length_max')).toBe(10);
    sessions.length = 0;
    expect(await value(m, 'tunebot_sessions{state="playing"}')).toBe(0);
    expect(await value(m, 'tunebot_queue_length_max')).toBe(0);
  });

  it('splits the frame deficit into late and missing, without guild labels by default', async () => {
    const m = metrics();
    m.recordFrames('123', 240, 250, 4); // 10 short: 4 were silence filler (missing), 6 late
    m.recordFrames('456', 260, 250); // a catch-up burst never counts negative
    expect(await value(m, 'tunebot_voice_frames_sent_total')).toBe(500);
    expect(await value(m, 'tunebot_voice_frames_deficit_total{reason="missing"}')).toBe(4);
    expect(await value(m, 'tunebot_voice_frames_deficit_total{reason="late"}')).toBe(6);
    expect((await m.render()).body).not.toContain('guild=');
  });

  it('labels frames by guild only when asked to', async () => {
    const m = metrics({ perGuildFrames: true });
    m.recordFrames('123', 100, 110);
    expect(await value(m, 'tunebot_voice_frames_sent_total{guild="123"}')).toBe(100);
    expect(await value(m, 'tunebot_voice_frames_deficit_total{guild="123",reason="late"}')).toBe(10);
  });

  it('counts voice reconnects and open streams per pipeline, once per disposed stream', async () => {
    const m = metrics();
    m.voiceReconnect();
    let disposed = 0;
    const audio: PreparedAudio = {
      stream: new PassThrough(),
      container: 'ogg-opus',
      pipeline: 'ffmpeg',
      dispose: () => disposed++,
    };
    const tracked = instrumentAudio(m, audio);
    m.streamStarted('passthrough');
    expect(await value(m, 'tunebot_streams{pipeline="ffmpeg"}')).toBe(1);
    tracked.dispose();
    tracked.dispose();
    expect(disposed).toBe(2); // the underlying dispose is idempotent itself; the gauge went down once
    expect(await value(m, 'tunebot_streams{pipeline="ffmpeg"}')).toBe(0);
    expect(await value(m, 'tunebot_streams{pipeline="passthrough"}')).toBe(1);
    expect(await value(m, 'tunebot_voice_reconnects_total')).toBe(1);
  });
});

describe('instrumentLoader', () => {
  it('counts every stream the wrapped loader prepares', async () => {
    const m = metrics();
    const loader = instrumentLoader(
      {
        load: async () => ({
          stream: new PassThrough(),
          container: 'webm-opus',
          pipeline: 'passthrough',
          dispose: () => undefined,
        }),
      },
      m,
    );
    const audio = await loader.load({} as never, { startMs: 0, volume: 1, signal: new AbortController().signal });
    expect(await value(m, 'tunebot_streams{pipeline="passthrough"}')).toBe(1);
    audio.dispose();
    expect(await value(m, 'tunebot_streams{pipeline="passthrough"}')).toBe(0);
  });
});
