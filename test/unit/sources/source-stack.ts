import { join } from 'node:path';
import { systemClock } from '../../../src/ports/clock.js';
import type { Logger } from '../../../src/ports/logger.js';
import { createSourceStack, type SourceStackOptions } from '../../../src/resolver/create-sources.js';
import { MemoryStore } from '../resolver/memory-store.js';
import { RecordedDeezer } from './catalog-fakes.js';
import { FAKE_YTDLP, fakeEnv, readArgsLog, tempDir } from './fake-ytdlp-helpers.js';
import { loopbackPolicy } from './loopback-server.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

/**
 * The whole source stack exactly as the app builds it (createSourceStack), over the fake yt-dlp, loopback
 * origins and recorded play-dl responses. `spawns()` counts yt-dlp runs (FAKE_YTDLP_ARGS_LOG).
 */
export async function testStack(vars: Record<string, string> = {}, overrides: Partial<SourceStackOptions> = {}) {
  const log = join(tempDir(), 'args.log');
  const store = new MemoryStore();
  const stack = await createSourceStack({
    policy: loopbackPolicy(),
    clock: systemClock,
    logger: silentLogger,
    store,
    fetchTimeoutMs: 3_000,
    maxMediaBytes: 10_000_000,
    ytdlpPath: FAKE_YTDLP,
    ytdlp: { env: fakeEnv({ FAKE_YTDLP_ARGS_LOG: log, FAKE_YTDLP_EXPIRE: 'fresh', ...vars }) },
    spotifyApi: null,
    deezerApi: new RecordedDeezer(),
    attachmentHosts: ['127.0.0.1'],
    ...overrides,
  });
  const spawns = (): string[][] => {
    try {
      return readArgsLog(log);
    } catch {
      return [];
    }
  };
  return { ...stack, store, spawns };
}
