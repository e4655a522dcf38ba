import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import type { Track } from '../../../src/core/track.js';
import type { Query } from '../../../src/ports/source.js';
import { readTags } from '../../../src/sources/local/local-tags.js';
import { LocalSource, safeLocalPath } from '../../../src/sources/local/local-source.js';
import { flacFile, id3File, opusFile } from './audio-tag-builders.js';
import { drain, failure, signal } from './loopback-server.js';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'local-source-'));
  root = join(base, 'media');
  const put = (rel: string, bytes: Buffer | string) => {
    const file = join(root, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, bytes);
  };
  put('Rick Astley/01 - track.mp3', id3File('Never Gonna Give You Up', 'Rick Astley'));
  put(
    'Daft Punk/Discovery/04.flac',
    flacFile(['TITLE=Harder, Better, Faster, Stronger', 'ARTIST=Daft Punk', 'ALBUM=Discovery']),
  );
  put('Forss/flickermood.opus', opusFile(['title=Flickermood', 'artist=Forss']));
  put('Beyonce/crazy.mp3', id3File('Crazy in Love', 'Beyoncé', 4, 1));
  put('untagged/Some_Demo_Song.wav', Buffer.from('RIFF\0\0\0\0WAVEfmt '));
  put('notes.txt', 'not audio');
  put('.hidden/secret.mp3', id3File('Hidden', 'Nobody'));
  writeFileSync(join(base, 'secret.mp3'), id3File('Outside', 'Nobody'));
  symlinkSync(join(base, 'secret.mp3'), join(root, 'link-out.mp3'));
});

const search = (text: string): Query => ({ kind: 'search', text });
const local = (raw: string): Query => ({ kind: 'url', url: new URL(raw), raw });

describe('readTags', () => {
  it('reads ID3v2.3 Latin-1, ID3v2.4 UTF-16, FLAC and Opus comments', () => {
    expect(readTags(id3File('Never Gonna Give You Up', 'Rick Astley'))).toEqual({
      title: 'Never Gonna Give You Up',
      artist: 'Rick Astley',
    });
    expect(readTags(id3File('Crazy in Love', 'Beyoncé', 4, 1))).toEqual({ title: 'Crazy in Love', artist: 'Beyoncé' });
    expect(readTags(id3File('Ça va', 'Zoë', 4, 3))).toEqual({ title: 'Ça va', artist: 'Zoë' });
    expect(readTags(flacFile(['TITLE=Digital Love', 'ARTIST=Daft Punk']))).toEqual({
      title: 'Digital Love',
      artist: 'Daft Punk',
    });
    expect(readTags(opusFile(['TITLE=Flickermood', 'ARTIST=Forss']))).toEqual({
      title: 'Flickermood',
      artist: 'Forss',
    });
  });

  it('yields nothing for truncated or foreign bytes', () => {
    expect(readTags(id3File('Title', 'Artist').subarray(0, 15))).toEqual({});
    expect(readTags(Buffer.from('RIFF....WAVE'))).toEqual({});
    expect(readTags(Buffer.alloc(0))).toEqual({});
  });
});

describe('LocalSource', () => {
  it('indexes audio files by tags and names, skipping hidden folders, links and other files', async () => {
    const source = new LocalSource({ root });
    const found = await source.search('', 50);
    expect(found).toEqual([]);
    await source.index.ready();
    expect(source.index.size).toBe(5);
    expect((await source.search('rick never', 5)).map((t) => t.title)).toEqual(['Never Gonna Give You Up']);
    expect((await source.search('harder bet', 5))[0]).toMatchObject({
      artist: 'Daft Punk',
      url: 'local:Daft Punk/Discovery/04.flac',
    });
    expect((await source.search('beyonce', 5))[0]?.title).toBe('Crazy in Love');
    expect((await source.search('demo song', 5))[0]?.title).toBe('Some Demo Song');
    expect(await source.search('hidden', 5)).toEqual([]);
  });

  it('handles local: queries always, plain searches only when it is the search source', () => {
    const off = new LocalSource({ root });
    const on = new LocalSource({ root, search: true });
    expect(off.canHandle(search('local:flickermood'))).toBe(true);
    expect(off.canHandle(local('local:Forss/flickermood.opus'))).toBe(true);
    expect(off.canHandle(search('flickermood'))).toBe(false);
    expect(on.canHandle(search('flickermood'))).toBe(true);
  });

  it('resolves exact paths and searches, and streams the file from disk', async () => {
    const source = new LocalSource({ root });
    const byPath = await source.resolve(search('local:Rick Astley/01 - track.mp3'), signal());
    expect(byPath).toMatchObject({
      kind: 'track',
      track: { id: 'local:Rick Astley/01 - track.mp3', source: 'local', title: 'Never Gonna Give You Up' },
    });
    const bySearch = await source.resolve(search('local:flickermood'), signal());
    const track = (bySearch as { track: Track }).track;
    expect(track.artist).toBe('Forss');
    const played = await source.stream(track, { startMs: 0, signal: signal() });
    expect(played.contentType).toBe('audio/ogg');
    expect(await drain(played.stream)).toEqual(readFileSync(join(root, 'Forss/flickermood.opus')));
    const none = await failure(source.resolve(search('local:nothing like this'), signal()));
    expect(isUserError(none) && none.message).toMatch(/Nothing in the local music library/);
  });

  it('never leaves MEDIA_DIR: traversal, encoded traversal, absolute paths, NUL bytes and symlinks', async () => {
    const source = new LocalSource({ root });
    for (const query of [
      local('local:../secret.mp3'),
      local('local:%2e%2e/secret.mp3'),
      local('local:Rick%20Astley/../../secret.mp3'),
      search('local:Rick Astley/../../secret.mp3'),
      search('local:/etc/passwd.mp3'),
      search('local:..\\secret.mp3'),
    ]) {
      const error = await failure(source.resolve(query, signal()));
      expect(isUserError(error) && error.message, JSON.stringify(query)).toMatch(/isn't inside the bot's music folder/);
    }
    const link = await failure(source.resolve(search('local:link-out.mp3'), signal()));
    expect(isUserError(link) && link.message).toMatch(/isn't inside/);
    for (const url of [
      'local:../secret.mp3',
      'local:link-out.mp3',
      'local:/etc/passwd',
      'local:a\0b.mp3',
      'file:///etc/passwd',
    ]) {
      const tampered: Track = { id: url, source: 'local', title: 'x', url, durationMs: null };
      expect(isUserError(await failure(source.stream(tampered, { startMs: 0, signal: signal() }))), url).toBe(true);
    }
    await expect(safeLocalPath(root, 'Forss/flickermood.opus')).resolves.toContain('flickermood.opus');
  });

  it('finds files added after start: exact paths at once, searches after a refresh', async () => {
    const source = new LocalSource({ root, staleAfterMs: 0 });
    await source.index.ready();
    writeFileSync(join(root, 'Forss', 'journeyman.mp3'), id3File('Journeyman', 'Forss'));
    expect((await source.search('journeyman', 5)).map((t) => t.title)).toEqual(['Journeyman']);
    writeFileSync(join(root, 'Forss', 'new-one.mp3'), id3File('Brand New', 'Forss'));
    const exact = await source.resolve(search('local:Forss/new-one.mp3'), signal());
    expect(exact).toMatchObject({ kind: 'track', track: { title: 'Brand New' } });
  });
});
