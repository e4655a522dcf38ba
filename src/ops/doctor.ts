import { execFile } from 'node:child_process';
import { childEnvFrom } from '../core/child-env.js';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { locateFfmpeg } from '../media/ffmpeg-locator.js';
import { locateYtDlp } from '../sources/ytdlp/ytdlp-binary.js';
import { hostChecks } from './doctor-host.js';
import { runtimeChecks } from './doctor-runtime.js';
import { youtubeChecks } from './doctor-youtube.js';
import { discordChecks, restDiscordProbe } from './doctor-discord.js';
import type { CommandRunner, DoctorContext, DoctorOptions, DoctorReport } from './doctor-types.js';

export type {
  CheckResult,
  CheckStatus,
  CommandResult,
  CommandRunner,
  DoctorFs,
  DoctorOptions,
  DoctorReport,
  Env,
} from './doctor-types.js';

/**
 * Runs every check and returns the report; never throws (a check that crashes is reported as failed).
 * Used by `npm run doctor` and, at debug level, by the bot at start-up.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const context = withDefaults(options);
  const results = [
    ...(await runtimeChecks(context)),
    ...(await hostChecks(context)),
    ...(await youtubeChecks(context)),
    ...(await discordChecks(context)),
  ];
  return { ok: results.every((r) => r.status !== 'fail'), results };
}

function withDefaults(options: DoctorOptions): DoctorContext {
  return {
    env: options.env,
    nodeVersion: options.nodeVersion ?? process.versions.node,
    run: options.run ?? runCommand,
    fs: options.fs ?? { mkdir: (path) => mkdir(path, { recursive: true }), writeFile, unlink },
    load: options.load ?? ((specifier) => import(specifier)),
    locateFfmpeg: options.locateFfmpeg ?? locateFfmpeg,
    locateYtDlp: options.locateYtDlp ?? ((configuredPath, pathEnv) => locateYtDlp({ configuredPath, pathEnv })),
    discord: options.discord ?? restDiscordProbe,
    online: options.online,
    now: options.now ?? Date.now,
    probeName: options.probeName ?? `.doctor-${process.pid}-${Date.now()}`,
  };
}

/** Runs a program without a shell; never rejects. */
export const runCommand: CommandRunner = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8', env: childEnvFrom(process.env) },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const code = typeof error.code === 'number' ? error.code : null;
        const reason = error.killed ? 'ETIMEDOUT' : typeof error.code === 'string' ? error.code : undefined;
        resolve({ code, stdout, stderr, ...(reason ? { error: reason } : {}) });
      },
    );
  });
