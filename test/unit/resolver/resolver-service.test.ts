import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import type { Track } from '../../../src/core/track.js';
import type { Query } from '../../../src/ports/source.js';
import { YtDlpError } from '../../../src/sources/ytdlp/ytdlp-errors.js';
import { LoopbackServer, MP3, WEBM_OPUS, drain, failure, signal } from '../sources/loopback-server.js';
import { testStack } from '../sources/source-stack.js';

let media: LoopbackServer;

beforeAll(async () => {
  media = await new LoopbackServer().start();
  media.route('/videoplayback', { headers: { 'content-type': 'audio/webm' }, body: WEBM_OPUS });
  media.route('/expired', { status: 403 });
  media.route('/song.mp3', { headers: { 'content-type': 'audio/mpeg' }, body: MP3 });
});
afterAll(() => media.close());

const url = (href: string): Query => ({ kind: 'url', url: new URL(href), raw: href });
const RICK = 'https://youtu.be/dQw4w9WgXcQ';

describe('TrackResolver.resolve', () => {
  it('answers a repeat from the cache without touching the source, whatever the URL spelling', async () => {
    const calls: [string, boolean][] = [];
    const stack = await testStack(
      {},
      { resolver: { onResolve: (source, _seconds, cached) => void calls.push([source, cached]) } },
    );
    const first = await stack.resolver.resolve(url(RICK), signal());
    const again = await stack.resolver.resolve(url('https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30s'), signal());
    expect(again).toEqual(first);
    expect(stack.spawns()).toHaveLength(1);
    expect(calls).toEqual([
      ['youtube', false],
      ['youtube', true],
    ]);
    expect(stack.resolver.stats().cache.hitRatio).toBe(0.5);
  });

  it('resolves concurrent identical requests once (one yt-dlp process)', async () => {
    const stack = await testStack({ FAKE_YTDLP_MODE: 'slow', FAKE_YTDLP_DELAY_MS: '400' });
    const spellings = [
      RICK,
      'https://youtu.be/dQw4w9WgXcQ?si=share',
      'https://m.youtube.com/watch?v=dQw4w9WgXcQ',
      'https://www.youtube.com/shorts/dQw4w9WgXcQ',
      'https://www.youtube.com/embed/dQw4w9WgXcQ',
    ];
    const results = await Promise.all(spellings.map((href) => stack.resolver.resolve(url(href), signal())));
    expect(new Set(results.map((r) => (r.kind === 'track' ? r.track.id : '')))).toEqual(
      new Set(['youtube:dQw4w9WgXcQ']),
    );
    expect(stack.spawns()).toHaveLength(1);
    expect(stack.resolver.stats().coalesced).toBe(4);
  });

  it("gives unsupported links the registry's precise refusal", async () => {
    const stack = await testStack();
    const error = await failure(stack.resolver.resolve(url('ftp://example.com/song.mp3'), signal()));
    expect(isUserError(error) && error.code).toBe('UNSUPPORTED_SCHEME');
  });
});

describe('TrackResolver.stream', () => {
  it('plays from the stream URL cached while resolving, and refreshes an expired one once', async () => {
    const stack = await testStack({ FAKE_YTDLP_MEDIA_URL: media.url('/videoplayback') });
    const resolution = await stack.resolver.resolve(url(RICK), signal());
    const track = (resolution as { track: Track }).track;
    const played = await stack.resolver.stream(track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    expect(stack.spawns()).toHaveLength(1);
    await stack.cache.setStreamUrl(track.id, {
      url: `${media.url('/expired')}?expire=${Math.floor(Date.now() / 1000) + 7200}`,
      container: 'webm',
    });
    const replayed = await stack.resolver.stream(track, { startMs: 0, signal: signal() });
    expect(await drain(replayed.stream)).toEqual(WEBM_OPUS);
    expect(stack.spawns()).toHaveLength(2);
    expect(media.hits('/expired')).toBe(1);
  });
});

describe('TrackResolver circuit breakers', () => {
  it('trips when a source keeps timing out, then fails fast with a clear message (no more yt-dlp runs)', async () => {
    const stack = await testStack(
      { FAKE_YTDLP_MODE: 'hang' },
      {
        pool: { timeoutMs: 800, maxRetries: 0 },
        resolver: { breaker: { failureThreshold: 2, coolDownMs: 60_000 } },
      },
    );
    for (const id of ['aaaaaaaaaaa', 'bbbbbbbbbbb']) {
      const error = await failure(stack.resolver.resolve(url(`https://youtu.be/${id}`), signal()));
      expect(isUserError(error) && error.code).toBe('FETCH_TIMEOUT');
    }
    const fast = Date.now();
    const error = await failure(stack.resolver.resolve(url('https://youtu.be/ccccccccccc'), signal()));
    expect(Date.now() - fast).toBeLessThan(400); // well under the 800 ms a lookup would wait
    expect(isUserError(error) && error.message).toBe(
      "YouTube is having trouble right now, so I've paused requests to it; please try again in a minute.",
    );
    expect(stack.spawns()).toHaveLength(2);
    expect(stack.resolver.breakerState('youtube').kind).toBe('open');
    const other = await stack.resolver.resolve(url(media.url('/song.mp3')), signal()); // other sources unaffected
    expect(other.kind).toBe('track');
    // Direct links have no breaker at all: the user picks their host (issue 10).
    expect(stack.resolver.stats().breakers).toEqual({ youtube: 'open' });
  });

  it('retries transient source errors in the pool, and an erroring source trips its breaker', async () => {
    const stderr = 'ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: HTTP Error 503: Service Unavailable';
    const stack = await testStack(
      { FAKE_YTDLP_MODE: 'fail', FAKE_YTDLP_STDERR: stderr },
      {
        pool: { maxRetries: 1, backoffBaseMs: 10, backoffMaxMs: 20 },
        resolver: { breaker: { failureThreshold: 2, coolDownMs: 60_000 } },
      },
    );
    for (let i = 0; i < 2; i++) {
      const error = await failure(stack.resolver.resolve(url(`https://youtu.be/dQw4w9WgXc${i}`), signal()));
      expect(error).toBeInstanceOf(YtDlpError);
      expect((error as YtDlpError).kind).toBe('network');
    }
    expect(stack.spawns()).toHaveLength(4); // each lookup: one attempt and one retry
    const error = await failure(stack.resolver.resolve(url(RICK), signal()));
    expect(isUserError(error) && error.message).toMatch(/^YouTube is having trouble/);
    expect(stack.spawns()).toHaveLength(4);
  });
});

describe('TrackResolver.suggest', () => {
  it('answers within the deadline (empty when yt-dlp is slow) and serves the late result next time', async () => {
    const stack = await testStack(
      { FAKE_YTDLP_MODE: 'slow', FAKE_YTDLP_DELAY_MS: '700' },
      { resolver: { suggestTimeoutMs: 200 } },
    );
    const started = Date.now();
    expect(await stack.resolver.suggest('never gonna', signal())).toEqual([]);
    expect(Date.now() - started).toBeLessThan(600);
    let choices = await stack.resolver.suggest('Never Gonna', signal()); // joins the running search
    for (let waited = 0; choices.length === 0 && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      choices = await stack.resolver.suggest('Never Gonna', signal());
    }
    expect(choices[0]).toEqual({
      name: 'Rick Astley - Never Gonna Give You Up (Official Music Video) (3:32)',
      value: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    });
    expect(choices).toHaveLength(5);
    expect(stack.spawns()).toHaveLength(1);
  });
});
