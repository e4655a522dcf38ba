import { pino, type DestinationStream } from 'pino';
import type { Logger } from './ports/logger.js';

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Secrets scrubbed from every line, whatever field or message they hide in. */
  secrets: readonly string[];
  destination?: DestinationStream;
}

/**
 * pino, JSON by default. Secrets are removed in `streamWrite`, after serialisation, so a token cannot leak
 * through an error message, a URL or a nested object that a redact path would miss.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets.filter((s) => s.length >= 8);
  const scrub = (line: string): string => secrets.reduce((text, secret) => text.split(secret).join('[REDACTED]'), line);
  const transport = options.pretty && !options.destination ? prettyTransport() : undefined;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[REDACTED]' },
      hooks: { streamWrite: scrub },
      ...(transport ? { transport } : {}),
    },
    options.destination,
  ) as unknown as Logger;
}

function prettyTransport(): { target: string; options: object } | undefined {
  try {
    // pino-pretty is a dev dependency: used when present, JSON otherwise.
    import.meta.resolve('pino-pretty');
    return { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } };
  } catch {
    return undefined;
  }
}
