import { execFile } from 'node:child_process';
import { childEnv } from '../../core/child-env.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { YouTubeCanary, canaryOutcome } from './youtube-canary.js';
import type { YouTubeHealth } from './youtube-health.js';
import { runYtDlpCheck } from './ytdlp-check.js';
import { YtDlpClient, type YtDlpClientOptions } from './ytdlp-client.js';
import { YtDlpUpdater, type UpdateResult, type UpdateRunner } from './ytdlp-updater.js';

export interface YtDlpMaintenanceOptions {
  readonly client: YtDlpClient;
  /** The options the shared client was built with (a candidate is tried with the same owner options). */
  readonly clientOptions: Pick<YtDlpClientOptions, 'args' | 'env'>;
  readonly autoUpdate: 'off' | 'daily' | 'startup';
  readonly updateSource: string;
  readonly python?: string;
  readonly canaryUrl: string | undefined;
  readonly canaryIntervalMs: number;
  readonly dataDir: string;
  readonly health: YouTubeHealth;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onUpdate?: (result: UpdateResult) => void;
  readonly run?: UpdateRunner;
}

/**
 * Runs a program without a shell, in `env` (pip, the venv's Python and the candidate yt-dlp get the same
 * minimal environment as every other child: never the bot's secrets); never rejects.
 */
export const programRunner =
  (env: NodeJS.ProcessEnv): UpdateRunner =>
  (command, args, timeoutMs) =>
    new Promise((resolve) => {
      execFile(
        command,
        [...args],
        { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024, env },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr, ...(error && typeof error.code === 'string' ? { error: error.code } : {}) });
        },
      );
    });

/**
 * The hourly canary and the checked self-update (YTDLP_AUTO_UPDATE): `startup` tries once now, `daily` now
 * and every 24 h. A candidate yt-dlp is checked and canaried with the owner's options before it is used.
 */
export function startYtDlpMaintenance(options: YtDlpMaintenanceOptions): {
  stop(): void;
  updater: YtDlpUpdater | null;
  canary: YouTubeCanary | null;
} {
  const { client, clock, logger, health, dataDir } = options;
  const canary = options.canaryUrl
    ? new YouTubeCanary({
        client,
        url: options.canaryUrl,
        intervalMs: options.canaryIntervalMs,
        health,
        clock,
        logger,
        dataDir,
      })
    : null;
  canary?.start();
  if (options.autoUpdate === 'off') return { stop: () => canary?.stop(), updater: null, canary };
  const run = options.run ?? programRunner(options.clientOptions.env ?? childEnv(process.env));
  const updater = new YtDlpUpdater({
    dataDir,
    source: options.updateSource,
    ...(options.python ? { python: options.python } : {}),
    run,
    clock,
    logger,
    currentVersion: () => client.version(AbortSignal.timeout(15_000)).catch(() => undefined),
    check: async (binary) => (await runYtDlpCheck(binary, run)).problems,
    canary: async (binary) => {
      if (!options.canaryUrl) return null;
      const candidate = new YtDlpClient({ ...options.clientOptions, binary, clock, logger });
      return canaryOutcome(candidate, options.canaryUrl);
    },
    ...(options.onUpdate ? { onResult: options.onUpdate } : {}),
  });
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const tick = (): void => {
    void updater
      .update()
      .then(() => canary?.check())
      .finally(() => {
        if (options.autoUpdate === 'daily') {
          timer = clock.setTimeout(tick, 24 * 3_600_000);
          timer.unref?.();
        }
      });
  };
  tick();
  return {
    stop: () => {
      canary?.stop();
      if (timer) clock.clearTimeout(timer);
    },
    updater,
    canary,
  };
}
