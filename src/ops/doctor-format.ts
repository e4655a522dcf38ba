import type { CheckStatus, DoctorReport } from './doctor-types.js';
import type { Logger } from '../ports/logger.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

/**
 * The human report: one line per check (✓ ok, ! warning, ✗ failure) with its fix underneath when there
 * is one, then a summary. Plain text with no colour codes, so it reads the same in a terminal, a log file
 * and a support ticket.
 */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.results.map((r) => r.title.length), 10);
  const lines = ['tunebot doctor', ''];
  for (const result of report.results) {
    lines.push(`  ${MARK[result.status]} ${result.title.padEnd(width)}  ${result.message}`);
    if (result.fix && result.status !== 'ok') lines.push(`    ${' '.repeat(width)}  fix: ${result.fix}`);
  }
  const count = (status: CheckStatus) => report.results.filter((r) => r.status === status).length;
  const fails = count('fail');
  const warns = count('warn');
  lines.push(
    '',
    `${count('ok')} ok, ${warns} warning${warns === 1 ? '' : 's'}, ${fails} failure${fails === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Machine output for `--json`: stable field names, one object. */
export function reportJson(report: DoctorReport): string {
  return `${JSON.stringify({ ok: report.ok, results: report.results }, null, 2)}\n`;
}

/**
 * The start-up variant (LOG_LEVEL=debug): the whole report as one debug line, and failures again at warn so
 * they are seen at the default level too. Run it offline (`online: false`): the bot logs in itself.
 */
export function logReport(logger: Pick<Logger, 'debug' | 'warn'>, report: DoctorReport): void {
  logger.debug({ doctor: report.results }, formatReport(report));
  for (const failed of report.results.filter((r) => r.status === 'fail')) {
    logger.warn({ check: failed.id, fix: failed.fix }, `doctor: ${failed.title}: ${failed.message}`);
  }
}
