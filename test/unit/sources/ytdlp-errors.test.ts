import { describe, expect, it } from 'vitest';
import { YtDlpError, classifyStderr, toUserFacingError } from '../../../src/sources/ytdlp/ytdlp-errors.js';
import { isUserError } from '../../../src/core/errors.js';
import { isTransient } from '../../../src/core/transient.js';

describe('classifyStderr', () => {
  it.each([
    ['ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video is not available', 'unavailable'],
    ["ERROR: [youtube] abcdefghijk: Private video. Sign in if you've been granted access to this video", 'unavailable'],
    [
      'ERROR: [youtube] abcdefghijk: Sign in to confirm your age. This video may be inappropriate for some users.',
      'unavailable',
    ],
    [
      'ERROR: [youtube] abcdefghijk: Join this channel to get access to members-only content like this video',
      'unavailable',
    ],
    ['ERROR: [youtube:tab] PLx: The playlist does not exist.', 'unavailable'],
    [
      'ERROR: [youtube] abcdefghijk: Sign in to confirm you’re not a bot. Use --cookies-from-browser or --cookies',
      'blocked',
    ],
    ['ERROR: [youtube] abcdefghijk: Unable to download API page: HTTP Error 429: Too Many Requests', 'blocked'],
    ['ERROR: Unsupported URL: https://example.com/page', 'unsupported'],
    [
      'ERROR: [youtube] abcdefghijk: Requested format is not available. Use --list-formats for a list of available formats',
      'no-audio',
    ],
    [
      'ERROR: [youtube] abcdefghijk: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution>',
      'network',
    ],
    ['ERROR: [youtube] abcdefghijk: Unable to download API page: HTTP Error 503: Service Unavailable', 'network'],
    ['ERROR: [youtube] abcdefghijk: Unable to download webpage: The read operation timed out', 'network'],
    ['Usage: yt-dlp [OPTIONS] URL [URL...]\n\nyt-dlp: error: no such option: --js-runtimes', 'bad-invocation'],
    ['Traceback (most recent call last):\n  File "yt_dlp/__main__.py", line 17\nKeyError: \'formats\'', 'crashed'],
    ['', 'crashed'],
  ])('%s → %s', (stderr, kind) => {
    expect(classifyStderr(stderr)).toBe(kind);
  });

  it('judges by ERROR lines, not by warnings that happen to mention other words', () => {
    const stderr =
      'WARNING: [youtube] Video unavailable in one client, retrying\nERROR: [youtube] x: HTTP Error 503: Service Unavailable';
    expect(classifyStderr(stderr)).toBe('network');
  });
});

describe('YtDlpError / toUserFacingError', () => {
  it('marks only network failures transient', () => {
    expect(isTransient(new YtDlpError('network', 'x'))).toBe(true);
    expect(isTransient(new YtDlpError('unavailable', 'x'))).toBe(false);
    expect(isTransient(new YtDlpError('crashed', 'x'))).toBe(false);
  });

  it.each([
    ['unavailable', 'TRACK_UNAVAILABLE'],
    ['no-audio', 'NOT_AUDIO'],
    ['unsupported', 'UNSUPPORTED_QUERY'],
    ['blocked', 'SOURCE_UNAVAILABLE'],
    ['timeout', 'FETCH_TIMEOUT'],
    ['spawn-failed', 'SOURCE_UNAVAILABLE'],
  ] as const)('maps %s to UserError %s, keeping the cause and hiding stderr', (kind, code) => {
    const cause = new YtDlpError(kind, 'detail', {
      exitCode: 1,
      stderr: 'ERROR: secret https://rr1.googlevideo.com/x?ip=1.2.3.4',
    });
    const error = toUserFacingError(cause);
    expect(isUserError(error) && error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('googlevideo');
  });

  it.each(['network', 'crashed', 'bad-output', 'output-too-large', 'bad-invocation'] as const)(
    'keeps %s as an internal error (outage or bug)',
    (kind) => {
      const error = new YtDlpError(kind, 'x');
      expect(toUserFacingError(error)).toBe(error);
    },
  );
});
