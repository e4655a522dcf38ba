import type { FfmpegInfo } from '../media/ffmpeg-locator.js';
import type { YtDlpLocation } from '../sources/ytdlp/ytdlp-binary.js';
import type { APIApplication, APIUser } from 'discord.js';

/** What the doctor learns from Discord about the bot behind the token. */
export interface DiscordIdentity {
  readonly user: Pick<APIUser, 'id' | 'username'>;
  readonly application: Pick<
    APIApplication,
    'id' | 'name' | 'flags' | 'bot_public' | 'bot_require_code_grant' | 'install_params'
  >;
}

/** Fetches the identity; rejects with the REST error (which carries `status` for HTTP answers). */
export type DiscordProbe = (apiUrl: string, token: string, timeoutMs: number) => Promise<DiscordIdentity>;

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the report. `fix` says what to do, whenever the status is not ok. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly message: string;
  readonly fix?: string;
}

export interface DoctorReport {
  /** False when any check failed (the CLI exits 1). */
  readonly ok: boolean;
  readonly results: readonly CheckResult[];
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface CommandResult {
  /** Exit code; null when it could not start or was killed (see `error`). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run: `ENOENT`, `EACCES`, `ETIMEDOUT` … */
  readonly error?: string;
}

export type CommandRunner = (command: string, args: readonly string[], timeoutMs: number) => Promise<CommandResult>;

/** The filesystem calls the data-directory check makes. */
export interface DoctorFs {
  mkdir(path: string): Promise<unknown>;
  writeFile(path: string, data: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/**
 * Everything the checks read from the machine, injectable so tests can simulate a broken setup. Only `env`
 * is required; the rest default to the real thing.
 */
export interface DoctorOptions {
  /** The environment as the bot would see it (`loadEnv(cwd)`: .env under the process environment). */
  readonly env: Env;
  readonly nodeVersion?: string;
  readonly run?: CommandRunner;
  readonly fs?: DoctorFs;
  /** Dynamic import; a rejection means the package is not installed or does not load on this platform. */
  readonly load?: (specifier: string) => Promise<unknown>;
  readonly locateFfmpeg?: (override: string | undefined) => FfmpegInfo | undefined;
  readonly locateYtDlp?: (configuredPath: string | undefined, pathEnv: string | undefined) => Promise<YtDlpLocation>;
  readonly discord?: DiscordProbe;
  /** Ask Discord (token valid, intents, invite). Default: whenever a well-formed token is configured. */
  readonly online?: boolean;
  readonly now?: () => number;
  /** Unique part of the data-dir probe file name. */
  readonly probeName?: string;
}

/** The resolved dependencies every check receives. */
export type DoctorContext = Required<Omit<DoctorOptions, 'online'>> & { readonly online: boolean | undefined };

/** Wraps one check so a bug in it becomes a failed line instead of a crashed doctor. */
export async function safely(
  id: string,
  title: string,
  check: () => Promise<CheckResult> | CheckResult,
): Promise<CheckResult> {
  try {
    return await check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      id,
      title,
      status: 'fail',
      message: `the check itself failed: ${message}`,
      fix: 'Report this with the output of npm run doctor -- --json.',
    };
  }
}

/** A section of docs/troubleshooting.md (symptom → cause → fix), named in a finding's fix; a unit test checks it exists. */
export const troubleshooting = (anchor: string): string => `docs/troubleshooting.md#${anchor}`;
