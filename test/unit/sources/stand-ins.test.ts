import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NOTES, UserError, isUserError, renderNote } from '../../../src/core/errors.js';
import type { Track } from '../../../src/core/track.js';
import type { PreparableSource } from '../../../src/ports/source.js';
import { SongCache } from '../../../src/resolver/song-cache.js';
import { StandInSuggester, videoTarget } from '../../../src/sources/catalog/stand-in-suggester.js';
import { MatchedStreamer, YouTubeMatcher } from '../../../src/sources/catalog/youtube-matcher.js';
import { YtDlpClient } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { YtDlpSource, type RefusalSuggestion } from '../../../src/sources/ytdlp/ytdlp-source.js';
import { systemClock } from '../../../src/ports/clock.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryStore } from '../resolver/memory-store.js';
import { FAKE_YTDLP, fakeEnv } from './fake-ytdlp-helpers.js';
import { failure, loopbackPolicy, signal } from './loopback-server.js';

/** Stand-ins while YouTube refuses this server: the SoundCloud suggestion for a link, matches for catalogue tracks. */

const track = (over: Partial<Track> & Pick<Track, 'id' | 'title'>): Track => ({
  source: 'youtube',
  url: `https://www.youtube.com/watch?v=${over.id.replace(/^youtube:/, '')}`,
  durationMs: 212_000,
  ...over,
});
const RICK_VIDEO = track({
  id: 'youtube:dQw4w9WgXcQ',
  title: 'Rick Astley - Never Gonna Give You Up (Official Music Video)',
  artist: 'Rick Astley',
});
const sc = (title: string, artist: string, seconds: number, page: string): Track => ({
  id: `soundcloud:${page}`,
  source: 'soundcloud',
  title,
  artist,
  durationMs: seconds * 1000,
  url: `https://soundcloud.com${page}`,
});
const RICK_ON_SC = sc('Never Gonna Give You Up', 'Rick Astley', 213, '/rick-astley-official/never-gonna-give-you-up-4');
const searcher = (results: readonly Track[] | Error, calls: string[] = []) => ({
  search: async (text: string) => {
    calls.push(text);
    if (results instanceof Error) throw results;
    return [...results];
  },
});

describe('videoTarget', () => {
  it('reads "Artist - Title" uploads, drops decorations, and credits Topic channels to their artist', () => {
    expect(videoTarget(RICK_VIDEO)).toEqual({
      title: 'Never Gonna Give You Up',
      artists: ['Rick Astley'],
      durationMs: 212_000,
    });
    expect(
      videoTarget(track({ id: 'youtube:x', title: 'Never Gonna Give You Up', artist: 'Rick Astley - Topic' })),
    ).toEqual({ title: 'Never Gonna Give You Up', artists: ['Rick Astley'], durationMs: 212_000 });
    expect(videoTarget(track({ id: 'youtube:y', title: 'Flickermood [HD]', artist: 'Forss' })).title).toBe(
      'Flickermood',
    );
  });
});

describe('StandInSuggester', () => {
  const youtube = searcher([track({ id: 'youtube:other', title: 'Something else' }), RICK_VIDEO]);

  it('finds the video by its id, searches SoundCloud for it, and offers the best match above the threshold', async () => {
    const asked: string[] = [];
    const suggester = new StandInSuggester({ youtube, soundcloud: searcher([RICK_ON_SC], asked) });
    expect(await suggester.suggest('dQw4w9WgXcQ', signal())).toEqual(RICK_ON_SC);
    expect(asked).toEqual(['Rick Astley - Never Gonna Give You Up']);
  });

  it('offers nothing when the best SoundCloud result is another version or another song', async () => {
    const poor = [
      sc('Never Gonna Give You Up (Nightcore Remix)', 'nightcore vibes', 151, '/n/ngg'),
      sc('my cat singing', 'Rick', 40, '/rick-123/cat'),
    ];
    const suggester = new StandInSuggester({ youtube, soundcloud: searcher(poor) });
    expect(await suggester.suggest('dQw4w9WgXcQ', signal())).toBeNull();
  });

  it('offers nothing without a title (the search does not find that very video), and never asks SoundCloud', async () => {
    const asked: string[] = [];
    const suggester = new StandInSuggester({ youtube, soundcloud: searcher([RICK_ON_SC], asked) });
    expect(await suggester.suggest('zzzzzzzzzzz', signal())).toBeNull();
    expect(asked).toEqual([]);
  });

  it('turns a failed lookup into no suggestion', async () => {
    const broken = new StandInSuggester({ youtube: searcher(new Error('yt-dlp died')), soundcloud: searcher([]) });
    expect(await broken.suggest('dQw4w9WgXcQ', signal())).toBeNull();
  });
});

describe('a YouTube link YouTube refuses (YtDlpSource)', () => {
  const source = (mode: string, suggestion: RefusalSuggestion) =>
    new YtDlpSource({
      client: new YtDlpClient({ binary: FAKE_YTDLP, clock: systemClock, env: fakeEnv({ FAKE_YTDLP_MODE: mode }) }),
      cache: new SongCache({ store: new MemoryStore(), clock: new FakeClock() }),
      policy: loopbackPolicy(),
      timeoutMs: 5_000,
      suggestion,
    });
  const record = (asked: string[], id: string, found: Track): Track => {
    asked.push(id);
    return found;
  };
  const link = (href: string) => ({ kind: 'url' as const, url: new URL(href), raw: href });
  const VIDEO = link('https://youtu.be/dQw4w9WgXcQ');

  it('keeps the classified failure and adds the SoundCloud suggestion as a note (title escaped, no query)', async () => {
    const offered = { ...RICK_ON_SC, title: 'Never *Gonna* Give', url: `${RICK_ON_SC.url}?utm_source=x#t=1` };
    const asked: string[] = [];
    const error = await failure(
      source('bot-check', { suggest: async (id) => record(asked, id, offered) }).resolve(VIDEO, signal()),
    );
    expect(isUserError(error) && error.code).toBe('YOUTUBE_BOT_CHECK');
    expect(asked).toEqual(['dQw4w9WgXcQ']);
    expect((error as UserError).note).toBe(
      renderNote('SOUNDCLOUD_SUGGESTION', {
        title: 'Never \\*Gonna\\* Give',
        by: ' by Rick Astley',
        url: 'https://soundcloud.com/rick-astley-official/never-gonna-give-you-up-4',
      }),
    );
  });

  it('adds nothing when there is no good match, or the match is not a SoundCloud page', async () => {
    for (const found of [null, { ...RICK_ON_SC, url: 'https://evil.example/never' }]) {
      const error = await failure(source('bot-check', { suggest: async () => found }).resolve(VIDEO, signal()));
      expect(isUserError(error) && error.code).toBe('YOUTUBE_BOT_CHECK');
      expect((error as UserError).note).toBeUndefined();
    }
  });

  it('looks for no stand-in when only this video is unavailable (not a refusal of the server)', async () => {
    const asked: string[] = [];
    const error = await failure(
      source('private', { suggest: async (id) => record(asked, id, RICK_ON_SC) }).resolve(VIDEO, signal()),
    );
    expect(isUserError(error) && error.code).toBe('YOUTUBE_PRIVATE');
    expect(asked).toEqual([]);
  });
});

describe('MatchedStreamer with a SoundCloud stand-in', () => {
  const SPOTIFY = {
    ...track({ id: 'spotify:4PTG', title: 'Never Gonna Give You Up', artist: 'Rick Astley' }),
    source: 'spotify' as const,
  };
  const YT_MATCH = track({ id: 'youtube:lYBUbBu4W08', title: 'Never Gonna Give You Up', artist: 'Rick Astley' });

  function setup(refusing: { now: boolean }) {
    const opened: string[] = [];
    const playable = (name: 'youtube' | 'soundcloud'): PreparableSource => ({
      name,
      canHandle: () => false,
      resolve: async () => {
        throw new Error('unused');
      },
      stream: async (t) => {
        opened.push(t.id);
        if (name === 'youtube') throw new UserError('YOUTUBE_BOT_CHECK');
        return { stream: Readable.from([Buffer.from('ogg')]), contentType: 'audio/ogg' };
      },
      prepare: async () => undefined,
    });
    const youtube = playable('youtube');
    const soundcloud = playable('soundcloud');
    const cache = new SongCache({ store: new MemoryStore(), clock: new FakeClock(), namespace: 'match' });
    const ytSearches: string[] = [];
    const matcher = new YouTubeMatcher({ searcher: searcher([YT_MATCH], ytSearches), cache });
    const standIn = new YouTubeMatcher({ searcher: searcher([RICK_ON_SC]) });
    const streamer = new MatchedStreamer(matcher, (m) => (m.source === 'soundcloud' ? soundcloud : youtube), {
      refused: (e) => isUserError(e) && e.code === 'YOUTUBE_BOT_CHECK',
      preferred: () => refusing.now,
      match: (t, s) => standIn.match(t, s),
    });
    return { streamer, opened, ytSearches };
  }

  it('a YouTube match refused plays the SoundCloud match, and the stream says SoundCloud served it', async () => {
    const { streamer, opened } = setup({ now: false });
    const media = await streamer.stream(SPOTIFY, { startMs: 0, signal: signal() });
    expect(media.servedBy).toBe('soundcloud');
    // The stand-in did not read back the YouTube match the first matcher had just cached.
    expect(opened).toEqual([YT_MATCH.id, RICK_ON_SC.id]);
  });

  it('while YouTube is known to refuse, goes straight to SoundCloud (no YouTube search, no YouTube run)', async () => {
    const { streamer, opened, ytSearches } = setup({ now: true });
    expect((await streamer.stream(SPOTIFY, { startMs: 0, signal: signal() })).servedBy).toBe('soundcloud');
    expect(opened).toEqual([RICK_ON_SC.id]);
    expect(ytSearches).toEqual([]);
  });
});

describe('the notes of the catalogue', () => {
  it('render without leftover placeholders', () => {
    expect(renderNote('FROM_SOUNDCLOUD')).toBe(NOTES.FROM_SOUNDCLOUD);
    expect(renderNote('SOUNDCLOUD_SUGGESTION', { title: 'T', by: '', url: 'https://soundcloud.com/a/b' })).not.toMatch(
      /[{}]/,
    );
  });
});
