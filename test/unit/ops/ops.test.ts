import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createOps } from '../../../src/ops/ops.js';
import { systemClock } from '../../../src/ports/clock.js';
import { recordingLogger } from '../store/recording-logger.js';

describe('createOps', () => {
  it('serves nothing when HTTP_PORT is 0 but still collects metrics', async () => {
    const ops = createOps({
      httpPort: 0,
      httpHost: '127.0.0.1',
      logger: recordingLogger(),
      clock: systemClock,
      metrics: { defaultMetrics: false },
    });
    expect(await ops.start()).toBeUndefined();
    ops.metrics.countCommand('play');
    expect((await ops.metrics.render()).body).toContain('tunebot_commands_total{command="play"} 1');
    await ops.stop();
    expect(ops.readiness.evaluate()).toMatchObject({ ready: false, reason: 'shutting down' });
  });

  it('logs, and keeps going, when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const logger = recordingLogger();
    const ops = createOps({
      httpPort: port,
      httpHost: '127.0.0.1',
      logger,
      clock: systemClock,
      metrics: { defaultMetrics: false },
    });
    expect(await ops.start()).toBeUndefined();
    expect(logger.lines.find((l) => l.level === 'error')?.msg).toContain(
      'set HTTP_PORT to a free port, or 0 to disable it',
    );
    await ops.stop();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
});
