/**
 * The owner's remedies turned into yt-dlp options: a private copy of the cookies file, the PO-token provider's
 * extractor argument, and YTDLP_ARGS (validated in config-ytdlp.ts).
 *
 * Invariants: the owner's cookies file is only ever read (yt-dlp rewrites the jar it is given at every exit, so
 * it gets a copy under DATA_DIR, mode 0600, refreshed when the owner's file changes); its contents never reach
 * a log; the extras are placed before the bot's own options (ytdlp-args.ts), so user text stays after `--`.
 */
import { chmod, copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../ports/logger.js';

export interface OwnerRemedies {
  readonly cookies?: string;
  readonly potProvider?: string;
  readonly args: readonly string[];
}

export interface OwnerYtDlpOptions {
  /** Options for every run, in order: cookies copy, PO-token provider, YTDLP_ARGS. */
  readonly extraArgs: readonly string[];
  /** Run before each yt-dlp run: refreshes the cookies copy when the owner replaced the file. */
  readonly beforeRun?: () => Promise<void>;
}

/** The bgutil-ytdlp-pot-provider plugin's extractor argument (plugin getpot_bgutil_http.py, `base_url`). */
export const potProviderArgs = (baseUrl: string): string[] => [
  '--extractor-args',
  `youtubepot-bgutilhttp:base_url=${baseUrl}`,
];

/** Builds the owner's options; copies the cookies file under `dataDir` first (and warns if others can read it). */
export async function ownerYtDlpOptions(
  remedies: OwnerRemedies,
  dataDir: string,
  logger: Logger,
): Promise<OwnerYtDlpOptions> {
  const pot = remedies.potProvider ? potProviderArgs(remedies.potProvider) : [];
  if (!remedies.cookies) return { extraArgs: [...pot, ...remedies.args] };
  const jar = new CookieCopy(remedies.cookies, path.resolve(dataDir, 'yt-dlp', 'cookies.txt'), logger);
  await jar.refresh();
  return { extraArgs: ['--cookies', jar.copy, ...pot, ...remedies.args], beforeRun: () => jar.refresh() };
}

/** The private copy of the owner's cookies file that yt-dlp may rewrite. */
export class CookieCopy {
  private copiedMtimeMs = -1;
  private warned = false;

  constructor(
    private readonly owner: string,
    readonly copy: string,
    private readonly logger: Logger,
  ) {}

  /** Copies the owner's file when it changed since the last copy (a cheap stat otherwise). Never throws. */
  async refresh(): Promise<void> {
    try {
      const info = await stat(this.owner);
      this.warnIfShared(info.mode);
      if (info.mtimeMs === this.copiedMtimeMs) return;
      await mkdir(path.dirname(this.copy), { recursive: true, mode: 0o700 });
      await copyFile(this.owner, this.copy);
      await chmod(this.copy, 0o600);
      this.copiedMtimeMs = info.mtimeMs;
      this.logger.info({ copy: this.copy }, 'YTDLP_COOKIES copied for yt-dlp (your file is never modified)');
    } catch (error) {
      this.logger.warn(
        { code: (error as NodeJS.ErrnoException).code },
        'YTDLP_COOKIES could not be copied; yt-dlp keeps the last copy',
      );
    }
  }

  private warnIfShared(mode: number): void {
    if (this.warned || (mode & 0o077) === 0) return;
    this.warned = true;
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    this.logger.warn(
      { file: this.owner, mode: octal },
      `YTDLP_COOKIES is readable by other users (mode ${octal}); it holds a signed-in YouTube session: run chmod 600 on it`,
    );
  }
}
