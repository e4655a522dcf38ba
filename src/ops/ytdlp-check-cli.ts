/**
 * `node dist/ops/ytdlp-check-cli.js [YT-DLP] [--expect-ejs VERSION]` (npm run check:ytdlp): fails (exit 1), with
 * the fix, when the yt-dlp at YT-DLP (default: yt-dlp on PATH) cannot solve YouTube's JavaScript challenges.
 * The image build runs it (Dockerfile.multiarch); so do the doctor and the self-updater, through ytdlp-check.ts.
 */
import { execFile } from 'node:child_process';
import { childEnvFrom } from '../core/child-env.js';
import { runYtDlpCheck, type HeaderRunner } from '../sources/ytdlp/ytdlp-check.js';

const run: HeaderRunner = (binary, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(
      binary,
      [...args],
      { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1024 * 1024, env: childEnvFrom(process.env) },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stderr, ...(error && typeof error.code === 'string' ? { error: error.code } : {}) });
      },
    );
  });

const argv = process.argv.slice(2);
const expectAt = argv.indexOf('--expect-ejs');
const expected = expectAt >= 0 ? argv[expectAt + 1] : undefined;
const binary = argv.find((a, i) => !a.startsWith('--') && (expectAt < 0 || i !== expectAt + 1)) ?? 'yt-dlp';
const { header, expectedEjs, problems } = await runYtDlpCheck(binary, run, expected);
const node = header.runtimes?.map((r) => `${r.name}-${r.version}`).join(', ') || 'none';
console.log(
  `yt-dlp ${header.version ?? '?'} at ${binary}: JS runtimes ${node}; yt_dlp_ejs ${header.libraries.get('yt_dlp_ejs') ?? 'missing'}` +
    `${expectedEjs ? ` (pinned ${expectedEjs})` : ''}; plugins ${header.pluginDirs.length ? header.pluginDirs.join(', ') : 'none'}`,
);
for (const problem of problems) console.error(`✗ ${problem.what}\n  fix: ${problem.fix}`);
if (problems.length === 0) console.log("✓ yt-dlp can solve YouTube's JavaScript challenges");
process.exitCode = problems.length === 0 ? 0 : 1;
