import { describe, expect, it } from 'vitest';
import {
  bestMatch,
  scoreCandidate,
  searchTextFor,
  words,
  type MatchCandidate,
} from '../../../src/sources/catalog/match-score.js';
import { loadFixture } from './fake-ytdlp-helpers.js';

/** yt-dlp's real search result shape, as candidates. */
function candidatesFrom(fixture: string): MatchCandidate[] {
  const entries = (loadFixture(fixture)['entries'] as Record<string, unknown>[]) ?? [];
  return entries.map((e) => ({
    title: String(e['title']),
    artist: String(e['channel']),
    durationMs: typeof e['duration'] === 'number' ? e['duration'] * 1000 : null,
    isLive: e['live_status'] === 'is_live',
  }));
}

const rick = { title: 'Never Gonna Give You Up', artists: ['Rick Astley'], durationMs: 213_573 };

describe('scoreCandidate', () => {
  it("picks the artist's own upload of the same length from real search results", () => {
    const best = bestMatch(rick, candidatesFrom('search.json'));
    expect(best?.title).toBe('Never Gonna Give You Up'); // "Rick Astley - Topic", 214 s: the album audio
  });

  it('ranks the official video above shorts, other songs and live streams', () => {
    const [video, topic, live, other, shorts] = candidatesFrom('search.json').map((c) => scoreCandidate(rick, c).total);
    expect(video).toBeGreaterThan(0.9);
    expect(topic).toBeGreaterThan(video as number);
    for (const worse of [live, other, shorts]) expect(worse).toBeLessThan(0.55);
  });

  it('recognises VEVO channels and artists named in the title', () => {
    const despacito = {
      title: 'Despacito (feat. Daddy Yankee)',
      artists: ['Luis Fonsi', 'Daddy Yankee'],
      durationMs: 229_360,
    };
    const vevo = scoreCandidate(despacito, {
      title: 'Luis Fonsi - Despacito ft. Daddy Yankee',
      artist: 'LuisFonsiVEVO',
      durationMs: 282_000,
    });
    expect(vevo.artist).toBe(1);
    expect(vevo.title).toBe(1);
    const reupload = scoreCandidate(despacito, {
      title: 'Luis Fonsi - Despacito',
      artist: 'Music Channel 24',
      durationMs: 229_000,
    });
    expect(reupload.artist).toBe(0.8);
  });

  it('ignores remaster and official-video noise on both sides', () => {
    const queen = { title: 'Bohemian Rhapsody - Remastered 2011', artists: ['Queen'], durationMs: 354_320 };
    const score = scoreCandidate(queen, {
      title: 'Queen – Bohemian Rhapsody (Official Video Remastered)',
      artist: 'Queen Official',
      durationMs: 359_000,
    });
    expect(score.title).toBe(1);
    expect(score.artist).toBe(1);
    expect(score.total).toBeGreaterThan(0.9);
  });

  it('penalises versions nobody asked for, but not when the title asks for them', () => {
    const song = { title: 'Smells Like Teen Spirit', artists: ['Nirvana'], durationMs: 301_000 };
    const cover = scoreCandidate(song, {
      title: 'Smells Like Teen Spirit (Karaoke Version)',
      artist: 'Sing King',
      durationMs: 301_000,
    });
    const original = scoreCandidate(song, {
      title: 'Nirvana - Smells Like Teen Spirit (Official Music Video)',
      artist: 'Nirvana',
      durationMs: 279_000,
    });
    expect(cover.penalty).toBeGreaterThan(0);
    expect(original.total).toBeGreaterThan(cover.total);
    const liveWanted = {
      title: 'Smells Like Teen Spirit (Live at Reading)',
      artists: ['Nirvana'],
      durationMs: 290_000,
    };
    expect(
      scoreCandidate(liveWanted, {
        title: 'Nirvana - Smells Like Teen Spirit (Live at Reading 1992)',
        artist: 'Nirvana',
        durationMs: 291_000,
      }).penalty,
    ).toBe(0);
  });

  it('scores duration closeness linearly to zero at 30 s, and neutral when unknown', () => {
    const at = (ms: number | null) =>
      scoreCandidate(rick, { title: 'Never Gonna Give You Up', artist: 'Rick Astley', durationMs: ms }).duration;
    expect(at(213_573)).toBe(1);
    expect(at(228_573)).toBeCloseTo(0.5, 5);
    expect(at(300_000)).toBe(0);
    expect(at(null)).toBe(0.5);
  });

  it('finds nothing when no candidate is the song', () => {
    const obscure = { title: 'Completely Different Song', artists: ['Nobody Known'], durationMs: 100_000 };
    expect(bestMatch(obscure, candidatesFrom('search.json'))).toBeNull();
  });
});

describe('searchTextFor / words', () => {
  it('builds "Artist - Title" without remaster and featuring noise', () => {
    expect(searchTextFor({ title: 'Bohemian Rhapsody - Remastered 2011', artists: ['Queen'], durationMs: null })).toBe(
      'Queen - Bohemian Rhapsody',
    );
    expect(searchTextFor({ title: 'Despacito (feat. Daddy Yankee)', artists: ['Luis Fonsi'], durationMs: null })).toBe(
      'Luis Fonsi - Despacito',
    );
  });

  it('folds accents and punctuation', () => {
    expect(words('Beyoncé – Crazy in Love (ft. JAY-Z) [2003]')).toEqual([
      'beyonce',
      'crazy',
      'in',
      'love',
      'ft',
      'jay',
      'z',
    ]);
  });
});
