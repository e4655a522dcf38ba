import { describe, expect, it } from 'vitest';
import { AUDIO_FORMAT, playlistArgs, searchArgs, videoArgs } from '../../../src/sources/ytdlp/ytdlp-args.js';

const COMMON = ['--dump-single-json', '--no-progress', '--js-runtimes', 'node', '--socket-timeout', '10'];

describe('yt-dlp arguments', () => {
  it('video: one JSON document, opus-first audio, no playlist expansion, URL after --', () => {
    expect(AUDIO_FORMAT).toBe('bestaudio[acodec=opus]/bestaudio');
    expect(videoArgs('https://youtu.be/dQw4w9WgXcQ')).toEqual([
      ...COMMON,
      '--no-playlist',
      '-f',
      'bestaudio[acodec=opus]/bestaudio',
      '--',
      'https://youtu.be/dQw4w9WgXcQ',
    ]);
  });

  it('playlist: flat, capped with --playlist-items', () => {
    expect(playlistArgs('https://www.youtube.com/playlist?list=PL1', 1000)).toEqual([
      ...COMMON,
      '--flat-playlist',
      '--yes-playlist',
      '--playlist-items',
      '1:1000',
      '--',
      'https://www.youtube.com/playlist?list=PL1',
    ]);
    expect(playlistArgs('u', 0)).toContain('1:1');
  });

  it('search: ytsearchN: with the count clamped to 1–25 and newlines flattened', () => {
    expect(searchArgs('never gonna')).toEqual([...COMMON, '--flat-playlist', '--', 'ytsearch5:never gonna']);
    expect(searchArgs('a', 100).at(-1)).toBe('ytsearch25:a');
    expect(searchArgs('a', 0).at(-1)).toBe('ytsearch1:a');
    expect(searchArgs('line one\r\nline two').at(-1)).toBe('ytsearch5:line one line two');
  });

  it('keeps user text after -- so it can never become an option', () => {
    const args = videoArgs('--exec=rm -rf ~');
    expect(args.indexOf('--')).toBe(args.length - 2);
    expect(args.at(-1)).toBe('--exec=rm -rf ~');
  });

  it('honours the runtime path and socket timeout; owner extras come first, so ours win and -- stays last but one', () => {
    const args = videoArgs('u', {
      jsRuntime: 'node:/usr/bin/node',
      socketTimeoutSec: 5,
      extraArgs: ['--cookies', '/data/c.txt'],
    });
    expect(args).toEqual([
      '--cookies',
      '/data/c.txt',
      '--dump-single-json',
      '--no-progress',
      '--js-runtimes',
      'node:/usr/bin/node',
      '--socket-timeout',
      '5',
      '--no-playlist',
      '-f',
      AUDIO_FORMAT,
      '--',
      'u',
    ]);
  });

  it('scsearch: the same flat search on SoundCloud', () => {
    expect(searchArgs('never gonna', 3, {}, 'scsearch')).toEqual([
      ...COMMON,
      '--flat-playlist',
      '--',
      'scsearch3:never gonna',
    ]);
  });
});
