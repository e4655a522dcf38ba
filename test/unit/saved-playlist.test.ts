import { describe, expect, it } from 'vitest';
import { m3uFileName, nameKey, readRecord, toM3u, validPlaylistName } from '../../src/core/saved-playlist.js';

describe('saved playlist names', () => {
  it('keeps ordinary names, trimmed and with whitespace collapsed, in any script', () => {
    expect(validPlaylistName('  Road   Trip ')).toBe('Road Trip');
    expect(validPlaylistName('Rock & Roll (’90s)'.replace('’', "'"))).toBe("Rock & Roll ('90s)");
    expect(validPlaylistName('夜のドライブ')).toBe('夜のドライブ');
    expect(nameKey('Road Trip')).toBe(nameKey('ROAD trip'));
  });

  it.each(['', '  ', 'a'.repeat(33), '<@123>', '@everyone', '**x**', '`x`', '-x', '[link](http://x)'])(
    'refuses %j',
    (name) => {
      expect(() => validPlaylistName(name)).toThrow(expect.objectContaining({ code: 'PLAYLIST_BAD_NAME' }));
    },
  );
});

describe('records and export', () => {
  const record = {
    version: 1,
    name: 'Mix',
    createdAt: 1,
    updatedAt: 2,
    tracks: [
      { id: 'a', source: 'http', title: 'One\nline', url: 'https://x/1.ogg', durationMs: 61_400, artist: 'Band' },
      { id: 'b', source: 'radio', title: 'Radio', url: 'https://x/live', durationMs: null, isLive: true },
      { bogus: true },
    ],
  };

  it('reads stored records field by field, dropping malformed tracks', () => {
    expect(readRecord(record)?.tracks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(readRecord({ ...record, version: 9 })).toBeUndefined();
    expect(readRecord('nonsense')).toBeUndefined();
  });

  it('exports extended M3U that keeps each entry on its own lines', () => {
    expect(toM3u(readRecord(record)!)).toBe(
      '#EXTM3U\n#PLAYLIST:Mix\n#EXTINF:61,Band - One line\nhttps://x/1.ogg\n#EXTINF:-1,Radio\nhttps://x/live\n',
    );
    expect(m3uFileName("Rock & Roll ('90s)")).toBe('Rock_Roll_90s_.m3u');
  });
});
