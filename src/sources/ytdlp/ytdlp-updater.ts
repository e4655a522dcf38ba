/**
 * Self-updating yt-dlp that is never blind: a new yt-dlp (with the ejs it pins) is installed into a fresh staging
 * venv under DATA_DIR/yt-dlp, must pass the same check the image build runs (it starts, finds node and a
 * matching yt_dlp_ejs) and resolve the canary, and only then is switched in by renaming a symlink over
 * `current` (atomic: a run sees the old or the new yt-dlp, never half of one). On any failure the current one
 * stays, the candidate is deleted, and the outcome is logged and counted.
 *
 * Layout: DATA_DIR/yt-dlp/{staging-<t>/, versions/<version>-<t>/, current → versions/…}. `current/bin/yt-dlp`
 * is what the client runs once it exists (see `activeBinary`).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';

export type UpdateResult = 'switched' | 'current' | 'rejected' | 'failed';

/** Runs a program (no shell); never rejects. */
export type UpdateRunner = (
  command: string,
  args: readonly string[],
  timeoutMs: number,
) => Promise<{ code: number | null; stdout: string; stderr: string; error?: string }>;

export interface YtDlpUpdaterOptions {
  readonly dataDir: string;
  /** What pip installs (YTDLP_UPDATE_SOURCE: `yt-dlp[default]`, a wheel path or URL). */
  readonly source: string;
  /** The Python that builds the venv (YTDLP_UPDATE_PYTHON, default python3). */
  readonly python?: string;
  readonly run: UpdateRunner;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The version in use now (`yt-dlp --version` of the active binary). */
  readonly currentVersion: () => Promise<string | undefined>;
  /** The build-time check (ytdlp-check.ts) on a candidate: problems, empty when fine. */
  readonly check: (binary: string) => Promise<readonly { what: string; fix: string }[]>;
  /** Resolves the canary with a candidate; the catalogue code of the failure, or null when it played. */
  readonly canary: (binary: string) => Promise<string | null>;
  readonly onResult?: (result: UpdateResult) => void;
}

const root = (dataDir: string) => path.resolve(dataDir, 'yt-dlp');

/** The switched-in yt-dlp, when there is one. */
export function activeBinary(dataDir: string): string | undefined {
  const binary = path.join(root(dataDir), 'current', 'bin', 'yt-dlp');
  return existsSync(binary) ? binary : undefined;
}

export class YtDlpUpdater {
  private running: Promise<UpdateResult> | undefined;

  constructor(private readonly options: YtDlpUpdaterOptions) {}

  /** One update attempt (concurrent calls share it). */
  update(): Promise<UpdateResult> {
    this.running ??= this.attempt().finally(() => (this.running = undefined));
    return this.running;
  }

  private async attempt(): Promise<UpdateResult> {
    const { logger, onResult } = this.options;
    const staging = path.join(root(this.options.dataDir), `staging-${this.options.clock.now()}`);
    let result: UpdateResult;
    try {
      result = await this.stageAndSwitch(staging);
    } catch (error) {
      logger.warn({ err: error }, 'yt-dlp update failed; keeping the current one');
      result = 'failed';
    }
    if (result !== 'switched') await rm(staging, { recursive: true, force: true });
    onResult?.(result);
    return result;
  }

  private async stageAndSwitch(staging: string): Promise<UpdateResult> {
    const { run, logger, python = 'python3', source } = this.options;
    await mkdir(path.dirname(staging), { recursive: true });
    const venv = await run(python, ['-m', 'venv', staging], 120_000);
    if (venv.code !== 0) throw new Error(`${python} -m venv failed: ${tail(venv.stderr || venv.error)}`);
    const pip = await run(
      path.join(staging, 'bin', 'pip'),
      ['install', '--no-cache-dir', '--disable-pip-version-check', '--upgrade', source],
      600_000,
    );
    if (pip.code !== 0) throw new Error(`pip install ${source} failed: ${tail(pip.stderr || pip.error)}`);
    const binary = path.join(staging, 'bin', 'yt-dlp');
    const version = (await run(binary, ['--ignore-config', '--version'], 30_000)).stdout.trim();
    if (!version) return this.reject(version, 'the new yt-dlp does not start');
    if (version === (await this.options.currentVersion())) {
      logger.info({ version }, 'yt-dlp is up to date');
      return 'current';
    }
    const problems = await this.options.check(binary);
    if (problems.length > 0) return this.reject(version, problems.map((p) => `${p.what} (fix: ${p.fix})`).join('; '));
    const canary = await this.options.canary(binary);
    if (canary) return this.reject(version, `the canary failed with the new yt-dlp (${canary})`);
    await this.switchTo(staging, version);
    logger.info({ version }, 'yt-dlp updated: the new version passed its check and the canary and is now in use');
    return 'switched';
  }

  private reject(version: string, why: string): UpdateResult {
    this.options.logger.warn(
      { version, why },
      `yt-dlp ${version || '(new)'} was not switched in: ${why}; keeping the current one`,
    );
    return 'rejected';
  }

  /** versions/<version>-<t> ← staging; current → it, by renaming a fresh symlink over the old one. */
  private async switchTo(staging: string, version: string): Promise<void> {
    const base = root(this.options.dataDir);
    const versions = path.join(base, 'versions');
    await mkdir(versions, { recursive: true });
    const name = `${version}-${this.options.clock.now()}`;
    await rename(staging, path.join(versions, name));
    const previous = await readlink(path.join(base, 'current')).catch(() => undefined);
    const link = path.join(base, `current.${process.pid}.tmp`);
    await rm(link, { force: true });
    await symlink(path.join('versions', name), link);
    await rename(link, path.join(base, 'current'));
    // Keep the new one and the one before it (a run may still use it); remove older ones.
    const keep = new Set([name, previous ? path.basename(previous) : '']);
    for (const entry of await readdir(versions))
      if (!keep.has(entry)) await rm(path.join(versions, entry), { recursive: true, force: true });
  }
}

const tail = (text: string | undefined): string => (text ?? '').trim().split('\n').slice(-3).join(' | ').slice(0, 500);
