import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency, startBot, startMediaServer, startOfflineDiscord } from './index.js';
import type { MediaServer, OfflineDiscord, ToneFormat } from './index.js';

const run = promisify(execFile);
let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer();
});
afterAll(async () => {
  await media.close();
});

/** Decodes a URL with ffmpeg to mono 48 kHz PCM. */
async function decode(url: string): Promise<Int16Array> {
  const { stdout } = await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', url, '-f', 's16le', '-ac', '1', '-ar', '48000', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 2);
}

describe('media server', () => {
  it.each(['ogg', 'webm', 'mp3', 'm4a', 'flac', 'wav'] as ToneFormat[])('serves a real %s tone', async (format) => {
    const url = await media.tone({ hz: 330, seconds: 1, format });
    const pcm = await decode(url);
    expect(pcm.length / 48_000).toBeCloseTo(1, 1);
    expect(Math.abs(dominantFrequency(pcm, { channels: 1 })! - 330)).toBeLessThan(1);
  });

  it('serves broken inputs and counts requests per path', async () => {
    const html = await fetch(media.html());
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect((await (await fetch(media.empty())).arrayBuffer()).byteLength).toBe(0);
    expect((await (await fetch(media.random(1000))).arrayBuffer()).byteLength).toBe(1000);
    expect((await fetch(media.status(403))).status).toBe(403);
    const spec = { hz: 330, seconds: 1, format: 'mp3' as const };
    const full = (await (await fetch(await media.tone(spec))).arrayBuffer()).byteLength;
    const cut = (await (await fetch(await media.truncated(spec, 0.25))).arrayBuffer()).byteLength;
    expect(cut).toBe(Math.floor(full * 0.25));
    const redirected = await fetch(media.redirect(media.html()), { redirect: 'manual' });
    expect([redirected.status, redirected.headers.get('location')]).toEqual([302, media.html()]);
    const ranged = await fetch(await media.tone(spec), { headers: { range: 'bytes=10-19' } });
    expect([ranged.status, (await ranged.arrayBuffer()).byteLength]).toEqual([206, 10]);
    expect((await fetch(media.redirect(media.html()))).status).toBe(200);
    expect(media.hits(media.html())).toBe(2);
    expect(media.hits('/redirect')).toBe(2);
    expect(media.hits('/never')).toBe(0);
  });

  it('stalls after a prefix and drips slowly', async () => {
    const stalled = await fetch(await media.stall({ hz: 330, seconds: 1, format: 'mp3' }, 1000), {
      signal: AbortSignal.timeout(2000),
    });
    const reader = stalled.body!.getReader();
    let received = 0;
    const deadline = Date.now() + 400;
    await expect(
      (async () => {
        for (;;) {
          const chunk = await reader.read();
          received += chunk.value?.length ?? 0;
          if (Date.now() > deadline) throw new Error('still stalled');
        }
      })(),
    ).rejects.toThrow();
    expect(received).toBe(1000);
    const started = performance.now();
    const slow = await fetch(await media.slow({ hz: 330, seconds: 1, format: 'wav' }, 400_000));
    await slow.arrayBuffer();
    expect(performance.now() - started).toBeGreaterThan(300);
  });

  it('streams endless radio with ICY metadata when asked', async () => {
    const controller = new AbortController();
    const res = await fetch(media.endless({ hz: 440, icy: true, metaint: 8000 }), {
      headers: { 'icy-metadata': '1' },
      signal: controller.signal,
    });
    expect(res.headers.get('icy-metaint')).toBe('8000');
    expect(res.headers.get('icy-name')).toBe('Offline Radio');
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size < 9000) {
      const { value } = await reader.read();
      chunks.push(value!);
      size += value!.length;
    }
    controller.abort();
    expect(Buffer.concat(chunks).toString('latin1')).toContain("StreamTitle='Tone 440 Hz';");
  });
});

describe('bot launcher', () => {
  let discord: OfflineDiscord;
  beforeAll(async () => {
    discord = await startOfflineDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  it('passes the fake environment, captures JSON and plain lines, and cleans up on kill', async () => {
    const bot = startBot(discord, {
      entry: 'test/offline-discord/env-probe.ts',
      nodeArgs: [],
      mediaHost: media.host,
      env: { EXTRA: 'yes', REMOVED: undefined },
    });
    const line = await bot.waitForLog((l) => l.json?.msg === 'env');
    expect(line.json!.env).toEqual({
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DATA_DIR: bot.dataDir,
      HTTP_PORT: '0',
      LOG_LEVEL: 'debug',
      NODE_EXTRA_CA_CERTS: discord.certPath,
      ALLOWED_PRIVATE_HOSTS: media.host,
      EXTRA: 'yes',
      REMOVED: null,
    });
    await bot.waitForLog('plain text');
    await bot.waitForLog(/^plain/);
    expect(existsSync(bot.dataDir)).toBe(true);
    expect(await bot.kill()).toEqual({ code: 0, signal: null });
    expect(bot.logs.at(-1)?.json?.msg).toBe('bye');
    expect(existsSync(bot.dataDir)).toBe(false);
  });

  it('fails waitUntilReady fast, with the output, when the process exits', async () => {
    const bot = startBot(discord, { entry: 'test/offline-discord/does-not-exist.js' });
    await expect(bot.waitUntilReady(10_000)).rejects.toThrow(/exited.*"code":1[\s\S]*Cannot find module/);
    expect((await bot.exited).code).toBe(1);
  });
});
