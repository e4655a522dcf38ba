/** Self-test fixture for bot-process.ts: prints the environment the launcher gave it, then idles. */
const timer = setInterval(() => undefined, 1000);
// Install the handler before printing: the test sends SIGTERM as soon as it sees the first line.
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ msg: 'bye' })}\n`);
  process.exit(0);
});
const keys = [
  'DISCORD_TOKEN',
  'DISCORD_API_URL',
  'DATA_DIR',
  'HTTP_PORT',
  'LOG_LEVEL',
  'NODE_EXTRA_CA_CERTS',
  'ALLOWED_PRIVATE_HOSTS',
  'EXTRA',
  'REMOVED',
];
process.stdout.write(
  `${JSON.stringify({ msg: 'env', env: Object.fromEntries(keys.map((k) => [k, process.env[k] ?? null])) })}\n`,
);
process.stderr.write('plain text on stderr\n');
