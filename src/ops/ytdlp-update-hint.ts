import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { troubleshooting } from './doctor-types.js';

/** Where the troubleshooting page explains an out-of-date or broken yt-dlp. */
export const YTDLP_DOC = troubleshooting('yt-dlp-missing-or-out-of-date');

/**
 * How a yt-dlp was installed, which decides how it is updated: `yt-dlp -U` works only for the release binaries
 * (zipapp, PyInstaller); for pip, pipx and venv installs it refuses ("You installed yt-dlp with pip…").
 */
export type YtDlpInstall =
  | { readonly kind: 'venv'; readonly pip: string }
  | { readonly kind: 'pipx' }
  | { readonly kind: 'pip' }
  | { readonly kind: 'release-binary'; readonly binary: string }
  | { readonly kind: 'unknown' };

export interface InstallProbe {
  readonly exists: (file: string) => boolean;
  readonly realpath: (file: string) => string;
}

const realFs: InstallProbe = { exists: existsSync, realpath: realpathSync };

/**
 * Classifies the yt-dlp at `binary` from its path (a venv has `pyvenv.cfg` one level above its `bin/`; pipx keeps
 * its venvs under `…/pipx/venvs/`) and the variant its `-v` header names (`pip`, `zip`, `linux_exe`, …).
 */
export function classifyYtDlpInstall(
  binary: string,
  variant: string | undefined,
  probe: InstallProbe = realFs,
): YtDlpInstall {
  let real = binary;
  try {
    real = probe.realpath(binary);
  } catch {
    // a missing file keeps its own path
  }
  if ([binary, real].some((p) => p.split(path.sep).includes('pipx'))) return { kind: 'pipx' };
  if (variant === 'zip' || variant?.endsWith('exe')) return { kind: 'release-binary', binary };
  for (const bin of new Set([path.dirname(binary), path.dirname(real)])) {
    const pip = path.join(bin, 'pip');
    if (probe.exists(path.join(path.dirname(bin), 'pyvenv.cfg')) && probe.exists(pip)) return { kind: 'venv', pip };
  }
  return variant === 'pip' ? { kind: 'pip' } : { kind: 'unknown' };
}

const VENV_INSTALL =
  'python3 -m venv /opt/yt-dlp && /opt/yt-dlp/bin/pip install "yt-dlp[default]", then YTDLP_PATH=/opt/yt-dlp/bin/yt-dlp';
const AUTO = 'or let the bot do it, checked before use: YTDLP_AUTO_UPDATE=daily';

/** The one update command that works for this install, never `yt-dlp -U` where it refuses. */
export function ytDlpUpdateFix(install: YtDlpInstall): string {
  const fix = {
    venv: () => `Update it in its venv: ${install.kind === 'venv' ? install.pip : 'pip'} install -U "yt-dlp[default]"`,
    pipx: () => 'Update it: pipx upgrade yt-dlp (pipx install --force "yt-dlp[default]" if it lacks yt_dlp_ejs)',
    pip: () =>
      'Update it with the pip that installed it: python3 -m pip install -U "yt-dlp[default]" (its self-update, -U, refuses pip installs; a venv is simpler: ' +
      `${VENV_INSTALL})`,
    'release-binary': () => `Update it: ${install.kind === 'release-binary' ? install.binary : 'yt-dlp'} -U`,
    unknown: () =>
      `Update it the way it was installed; a distribution's package is usually months behind, so prefer a venv: ${VENV_INSTALL}`,
  }[install.kind]();
  return `${fix}, ${AUTO} (${YTDLP_DOC}).`;
}
