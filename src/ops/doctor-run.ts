import { loadEnv } from '../config.js';
import { runDoctor } from './doctor.js';
import { formatReport, reportJson } from './doctor-format.js';

const USAGE = `Usage: npm run doctor [-- --json] [-- --offline]

Checks this machine and configuration for everything the bot needs, and says how to fix what is missing.
  --json     machine-readable output
  --offline  do not contact Discord (by default the token is tried when one is configured)
Exit code 1 when any check fails.
`;

/** `npm run doctor` (through doctor-cli.js, which checks the Node version first). Reads .env like the bot does; exits 1 on any failure. */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => !['--json', '--offline', '--online'].includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown option ${unknown.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const report = await runDoctor({
    env: loadEnv(process.cwd()),
    ...(argv.includes('--offline') ? { online: false } : {}),
  });
  process.stdout.write(argv.includes('--json') ? reportJson(report) : formatReport(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `doctor crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
