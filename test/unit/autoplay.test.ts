import { describe, expect, it } from 'vitest';
import { pickAutoplay, playedKeys, songKey } from '../../src/core/autoplay.js';
import type { Track } from '../../src/core/track.js';

const yt = (id: string, title: string, artist?: string): Track => ({
  id: `youtube:${id}`,
  source: 'youtube',
  title,
  url: `https://www.youtube.com/watch?v=${id}`,
  durationMs: 200_000,
  ...(artist ? { artist } : {}),
});

describe('autoplay choice', () => {
  it('treats uploads of one song as one song', () => {
    expect(songKey(yt('a', 'Queen – Bohemian Rhapsody (Official Video Remastered)', 'Queen Official'))).toBe(
      songKey(yt('b', 'Bohemian Rhapsody [Remastered 2011]', 'Queen - Topic')),
    );
    expect(songKey(yt('a', 'Queen - Bohemian Rhapsody'))).not.toBe(songKey(yt('c', 'Queen - Radio Ga Ga')));
  });

  it('never picks a played track, the same video under another URL, or the same song under another id', () => {
    const history = [yt('aaaaaaaaaaa', 'Queen - Bohemian Rhapsody'), yt('bbbbbbbbbbb', 'a-ha - Take On Me')];
    const played = playedKeys(history);
    const candidates = [
      yt('aaaaaaaaaaa', 'Queen - Bohemian Rhapsody'),
      { ...yt('x', 'x'), id: 'http:https://youtu.be/bbbbbbbbbbb', url: 'https://youtu.be/bbbbbbbbbbb' },
      yt('ccccccccccc', 'Bohemian Rhapsody (Official Audio)', 'Queen'),
      { ...yt('ddddddddddd', 'Live Radio'), isLive: true },
      yt('eeeeeeeeeee', 'Toto - Africa'),
    ];
    expect(pickAutoplay(candidates, played)?.id).toBe('youtube:eeeeeeeeeee');
    expect(pickAutoplay(candidates.slice(0, 3), played)).toBeNull();
  });
});
