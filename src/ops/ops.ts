import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { FrameMonitor } from './frame-monitor.js';
import { OpsServer } from './http-server.js';
import { Metrics, type MetricsOptions } from './metrics.js';
import { ReadinessTracker } from './readiness.js';
import { FrameHistory } from './status-history.js';

export interface OpsOptions {
  /** Config.httpPort; 0 means no HTTP server at all (metrics are still collected, just not served). */
  readonly httpPort: number;
  readonly httpHost: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics?: MetricsOptions;
  /** FrameMonitor sampling period (default 5 s). */
  readonly frameIntervalMs?: number;
  /** Frame history sampling period for `/status` (default one minute). */
  readonly historyIntervalMs?: number;
}

/** Everything operational the composition root wires, built in one place. */
export interface Ops {
  readonly metrics: Metrics;
  readonly readiness: ReadinessTracker;
  readonly frames: FrameMonitor;
  /** Per-minute frame history for `/status` (the last hour). */
  readonly history: FrameHistory;
  /** Starts the HTTP server if enabled; resolves with its port (undefined when disabled). */
  start(): Promise<number | undefined>;
  /** Marks the process not ready, stops sampling and closes the server. */
  stop(): Promise<void>;
}

/**
 * Builds metrics, readiness, the frame monitor and (unless HTTP_PORT is 0) the ops HTTP server. A port that
 * is taken does not stop the bot: playing music matters more than being scraped, so it is logged loudly.
 */
export function createOps(options: OpsOptions): Ops {
  const metrics = new Metrics(options.metrics);
  const readiness = new ReadinessTracker();
  const frames = new FrameMonitor({
    clock: options.clock,
    sink: (guildId, sent, expected, silence) => metrics.recordFrames(guildId, sent, expected, silence),
    ...(options.frameIntervalMs !== undefined ? { intervalMs: options.frameIntervalMs } : {}),
  });
  const history = new FrameHistory({
    clock: options.clock,
    totals: () => metrics.frameTotals(),
    ...(options.historyIntervalMs !== undefined ? { intervalMs: options.historyIntervalMs } : {}),
  });
  const server =
    options.httpPort > 0
      ? new OpsServer({
          port: options.httpPort,
          host: options.httpHost,
          metrics,
          readiness: readiness.evaluate,
          logger: options.logger,
        })
      : undefined;
  return {
    metrics,
    readiness,
    frames,
    history,
    async start() {
      history.start();
      if (!server) return undefined;
      try {
        const { port } = await server.start();
        options.logger.info({ host: options.httpHost, port }, 'health and metrics endpoint listening');
        return port;
      } catch (error) {
        options.logger.error(
          { err: error, port: options.httpPort },
          'could not start the health/metrics endpoint (set HTTP_PORT to a free port, or 0 to disable it)',
        );
        return undefined;
      }
    },
    async stop() {
      readiness.markShuttingDown();
      frames.stop();
      history.stop();
      await server?.close();
    },
  };
}
