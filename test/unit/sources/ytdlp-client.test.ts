import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { YtDlpClient, type YtDlpClientOptions } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { YtDlpError } from '../../../src/sources/ytdlp/ytdlp-errors.js';
import { isUserError } from '../../../src/core/errors.js';
import { isTransient } from '../../../src/core/transient.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { Logger } from '../../../src/ports/logger.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FAKE_YTDLP, fakeEnv, readArgsLog, readyPids, tempDir } from './fake-ytdlp-helpers.js';

interface LogLine {
  level: string;
  obj: object | string;
  msg?: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (obj: object | string, msg?: string) =>
    void lines.push({ level, obj, ...(msg ? { msg } : {}) });
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

function client(vars: Record<string, string> = {}, extra: Partial<YtDlpClientOptions> = {}) {
  const log = join(tempDir(), 'args.log');
  const lines: LogLine[] = [];
  const c = new YtDlpClient({
    binary: FAKE_YTDLP,
    clock: systemClock,
    env: fakeEnv({ FAKE_YTDLP_ARGS_LOG: log, ...vars }),
    logger: recordingLogger(lines),
    ...extra,
  });
  return { c, log, lines };
}

const signal = () => new AbortController().signal;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );

describe('YtDlpClient against the fake executable', () => {
  it('resolves a video to a track and its Opus format', async () => {
    const { c, log } = client();
    const { track, format } = await c.video('https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s', signal());
    expect(track).toMatchObject({ id: 'youtube:dQw4w9WgXcQ', durationMs: 212_000 });
    expect(format).toMatchObject({ formatId: '251', opusPassthrough: true, expiresAt: 1_700_021_600_000 });
    const [args] = readArgsLog(log);
    expect(args).toContain('--js-runtimes');
    expect(args?.slice(-2)).toEqual(['--', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s']);
  });

  it('resolves a YouTube Music link', async () => {
    const { c } = client();
    const { track, format } = await c.video('https://music.youtube.com/watch?v=lYBUbBu4W08&si=x', signal());
    expect(track.artist).toBe('Rick Astley');
    expect(format?.container).toBe('mp4');
  });

  it('rewrites media URLs for e2e tests (FAKE_YTDLP_MEDIA_URL / FAKE_YTDLP_EXPIRE)', async () => {
    const { c } = client({ FAKE_YTDLP_MEDIA_URL: 'http://127.0.0.1:8080/audio.webm', FAKE_YTDLP_EXPIRE: '2000000000' });
    const { format } = await c.video('https://youtu.be/dQw4w9WgXcQ', signal());
    expect(format?.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/audio\.webm\?expire=2000000000&/);
    expect(format?.expiresAt).toBe(2_000_000_000_000);
  });

  it('searches with ytsearchN: and maps the results', async () => {
    const { c, log } = client();
    const tracks = await c.search('never gonna give you up', signal(), 3);
    expect(tracks.map((t) => t.id)).toEqual(['youtube:dQw4w9WgXcQ', 'youtube:lYBUbBu4W08', 'youtube:jfKfPfyJRdk']);
    expect(readArgsLog(log)[0]?.at(-1)).toBe('ytsearch3:never gonna give you up');
  });

  it('treats a search starting with dashes as a search, not an option', async () => {
    const { c } = client();
    await expect(c.search('--exec touch /tmp/pwned', signal())).resolves.toHaveLength(5);
  });

  it('lists a playlist flat, capped at maxEntries', async () => {
    const { c } = client();
    const playlist = await c.playlist(
      'https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI',
      signal(),
      3,
    );
    expect(playlist.title).toBe('Classic Hits');
    expect(playlist.tracks.map((t) => t.id)).toEqual(['youtube:fJ9rUzIMcZQ', 'youtube:kJQP7kiw5Fk']);
    expect(playlist.skipped).toBe(1);
  });

  it('reports the version', async () => {
    expect(await client().c.version(signal())).toBe('2026.08.19');
  });

  it('maps an unavailable video to a UserError and logs stderr (not shown to the user)', async () => {
    const { c, lines } = client();
    const error = await failure(c.video('https://youtu.be/aaaaaaaaaaa', signal()));
    expect(isUserError(error) && error.code).toBe('YOUTUBE_REMOVED');
    expect((error as Error).message).not.toContain('aaaaaaaaaaa');
    expect((error as Error).cause).toBeInstanceOf(YtDlpError);
    const warn = lines.find((l) => l.level === 'warn');
    expect(JSON.stringify(warn?.obj)).toContain('Video unavailable');
  });

  it('maps an unsupported URL to UNSUPPORTED_QUERY', async () => {
    const error = await failure(client().c.video('https://example.com/not-a-video', signal()));
    expect(isUserError(error) && error.code).toBe('UNSUPPORTED_QUERY');
  });

  it('keeps garbage output as an internal bad-output error', async () => {
    const error = await failure(
      client({ FAKE_YTDLP_MODE: 'garbage' }).c.video('https://youtu.be/dQw4w9WgXcQ', signal()),
    );
    expect(error).toBeInstanceOf(YtDlpError);
    expect(error).toMatchObject({ kind: 'bad-output' });
  });

  it('keeps network failures internal and transient (the pool may retry them)', async () => {
    const vars = {
      FAKE_YTDLP_MODE: 'fail',
      FAKE_YTDLP_STDERR: 'ERROR: [youtube] x: Unable to download webpage: HTTP Error 503',
    };
    const error = await failure(client(vars).c.video('https://youtu.be/dQw4w9WgXcQ', signal()));
    expect(error).toMatchObject({ kind: 'network' });
    expect(isTransient(error)).toBe(true);
  });

  it('turns a hung yt-dlp into FETCH_TIMEOUT after the configured time', async () => {
    const clock = new FakeClock();
    const pidFile = join(tempDir(), 'pid');
    const { c } = client({ FAKE_YTDLP_MODE: 'hang', FAKE_YTDLP_PID_FILE: pidFile }, { clock, timeoutMs: 8_000 });
    const result = failure(c.video('https://youtu.be/dQw4w9WgXcQ', signal()));
    await readyPids(pidFile);
    await clock.advance(8_000);
    const error = await result;
    expect(isUserError(error) && error.code).toBe('FETCH_TIMEOUT');
    await clock.advance(10_000); // let the SIGKILL escalation run, in case SIGTERM was slow
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const pidFile = join(tempDir(), 'pid');
    const controller = new AbortController();
    const result = failure(
      client({ FAKE_YTDLP_MODE: 'hang', FAKE_YTDLP_PID_FILE: pidFile }).c.search('x', controller.signal),
    );
    await readyPids(pidFile);
    const reason = new DOMException('skipped', 'AbortError');
    controller.abort(reason);
    expect(await result).toBe(reason);
  });
});
