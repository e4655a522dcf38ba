import { describe, expect, it } from 'vitest';
import { readId3v1, readTags, tagBytesWanted } from '../../../src/sources/local/local-tags.js';
import { id3File } from './audio-tag-builders.js';
import { escapeText } from '../../../src/core/format.js';

const box = (type: string, ...children: Buffer[]): Buffer => {
  const body = Buffer.concat(children);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};
const item = (type: string, text: string) =>
  box(type, box('data', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from(text, 'utf8')));

/** An M4A head as encoders write it for the web: ftyp, then moov (with udta/meta/ilst) before mdat. */
function m4a(title: string, artist: string): Buffer {
  const meta = box(
    'meta',
    Buffer.alloc(4),
    box('hdlr', Buffer.alloc(25)),
    box('ilst', item('\u00a9nam', title), item('\u00a9ART', artist)),
  );
  return Buffer.concat([
    box('ftyp', Buffer.from('M4A \0\0\0\0isomM4A ', 'latin1')),
    box('moov', box('mvhd', Buffer.alloc(100)), box('udta', meta)),
    box('mdat', Buffer.alloc(64)),
  ]);
}

describe('more tag formats', () => {
  it('reads MP4 ilst title and artist', () => {
    expect(readTags(m4a('Apple Orchard', 'AAC Trio'))).toEqual({ title: 'Apple Orchard', artist: 'AAC Trio' });
    expect(readTags(m4a('Cut', 'Short').subarray(0, 60))).toEqual({});
  });

  it('reads ID3v1 from the last 128 bytes', () => {
    const tail = Buffer.alloc(128);
    tail.write('TAG', 0, 'latin1');
    tail.write('Old School', 3, 'latin1');
    tail.write('Tape Deck', 33, 'latin1');
    expect(readId3v1(Buffer.concat([Buffer.alloc(500), tail]))).toEqual({ title: 'Old School', artist: 'Tape Deck' });
    expect(readId3v1(Buffer.alloc(200))).toEqual({});
  });

  it('asks for more head only where the tags lie past it', () => {
    const id3 = id3File('Title', 'Artist');
    expect(tagBytesWanted(id3)).toBe(0);
    const wanted = tagBytesWanted(id3.subarray(0, 12));
    expect(wanted).toBeGreaterThan(12);
    expect(readTags(id3.subarray(0, wanted))).toEqual({ title: 'Title', artist: 'Artist' });
    const mp4 = m4a('T', 'A');
    expect(tagBytesWanted(mp4.subarray(0, 40))).toBeGreaterThan(40);
    expect(tagBytesWanted(Buffer.from('OggS'))).toBe(0);
  });

  it('neutralises timestamps, emoji and command mentions from untrusted titles', () => {
    expect(escapeText('<t:0:R> <:x:1> </play:1>')).not.toMatch(/<t:|<:|<\//);
  });
});
