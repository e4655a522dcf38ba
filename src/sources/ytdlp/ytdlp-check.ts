/**
 * The one check that a yt-dlp install can solve YouTube's JavaScript challenges, from its `-v` debug header:
 * used at image build time (`node dist/ops/ytdlp-check-cli.js`, Dockerfile.multiarch), by `npm run doctor`, and
 * by the self-updater before it switches a new yt-dlp in.
 *
 * yt-dlp ≥ 2025.11.12 needs a JS runtime (`[debug] JS runtimes: node-22.12.0`; `none`, `none (disabled)` or
 * `(unsupported)` fail) and the challenge-solver package it pins (`yt_dlp_ejs-0.8.0` in `[debug] Optional
 * libraries:`), of the same major.minor as the one its dist-info `Requires-Dist` names (yt-dlp rejects another,
 * jsc/_builtin/ejs.py). Formats: test/fixtures/ytdlp/debug-headers.json. Pure except `runYtDlpCheck`.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface YtDlpHeader {
  /** `2026.08.19` from `[debug] yt-dlp version stable@2026.08.19 from yt-dlp/yt-dlp [594bd50c2] (pip)`. */
  readonly version: string | undefined;
  /**
   * How this yt-dlp was built, the last `(…)` of that line: `pip` (pip, pipx or a venv: `yt-dlp -U` refuses),
   * `zip` or `*_exe` (the release binaries, which update themselves), `source`, … undefined when missing.
   */
  readonly variant: string | undefined;
  /** `node-22.23.3` → { name: node, version: 22.23.3 }; empty when none; undefined when the line is missing. */
  readonly runtimes:
    | readonly { readonly name: string; readonly version: string; readonly unsupported: boolean }[]
    | undefined;
  readonly runtimesDisabled: boolean;
  /** Optional libraries by name (`yt_dlp_ejs` → `0.8.0`). */
  readonly libraries: ReadonlyMap<string, string>;
  readonly pluginDirs: readonly string[];
}

export interface YtDlpProblem {
  readonly what: string;
  readonly fix: string;
}

const debugLine = (text: string, label: string): string | undefined =>
  text
    .split(/\r?\n/)
    .find((line) => line.startsWith(`[debug] ${label}: `))
    ?.slice(`[debug] ${label}: `.length)
    .trim();

export function parseDebugHeader(stderr: string): YtDlpHeader {
  const versionLine = stderr.split(/\r?\n/).find((l) => l.startsWith('[debug] yt-dlp version '));
  const version = versionLine ? /(\d{4}\.\d{2}\.\d{2}(?:\.\d+)?)/.exec(versionLine)?.[1] : undefined;
  const variant = versionLine ? /\((\w+)\)\s*$/.exec(versionLine)?.[1] : undefined;
  const runtimesText = debugLine(stderr, 'JS runtimes');
  const runtimesDisabled = runtimesText === 'none (disabled)';
  const runtimes =
    runtimesText === undefined
      ? undefined
      : runtimesText.startsWith('none')
        ? []
        : runtimesText.split(', ').map((entry) => {
            const m = /^([\w.]+?)-(\S+)(?: \(unsupported\))?$/.exec(entry.trim());
            return {
              name: m?.[1] ?? entry,
              version: m?.[2] ?? 'unknown',
              unsupported: entry.includes('(unsupported)'),
            };
          });
  const libraries = new Map<string, string>();
  for (const entry of (debugLine(stderr, 'Optional libraries') ?? '').split(', ')) {
    const m = /^(.+)-([^-]+)$/.exec(entry.trim());
    if (m) libraries.set(m[1] as string, m[2] as string);
  }
  const plugins = debugLine(stderr, 'Plugin directories') ?? 'none';
  return {
    version,
    variant,
    runtimes,
    runtimesDisabled,
    libraries,
    pluginDirs: plugins.startsWith('none') ? [] : plugins.split(', '),
  };
}

const INSTALL =
  'pip install -U "yt-dlp[default]" (in its venv: /opt/yt-dlp/bin/pip, or pipx install --force "yt-dlp[default]")';
const majorMinor = (v: string): string => v.split('.').slice(0, 2).join('.');

/** What is wrong with this install for YouTube, each with its fix; empty when it can solve the challenges. */
export function evaluateHeader(header: YtDlpHeader, expectedEjs?: string): YtDlpProblem[] {
  const problems: YtDlpProblem[] = [];
  if (!header.version) {
    return [
      { what: 'yt-dlp printed no debug header (not yt-dlp, or it failed to start)', fix: `Install it: ${INSTALL}` },
    ];
  }
  const node = header.runtimes?.find((r) => r.name === 'node');
  if (header.runtimesDisabled || !header.runtimes || header.runtimes.length === 0) {
    problems.push({
      what: `yt-dlp ${header.version} finds no JavaScript runtime${header.runtimesDisabled ? ' (disabled)' : ''}, so it cannot solve YouTube's challenges`,
      fix: 'Put Node >= 22 on the PATH yt-dlp sees (tunebot passes --js-runtimes node), and do not pass --no-js-runtimes.',
    });
  } else if (!node || node.unsupported) {
    problems.push({
      what: `yt-dlp finds ${header.runtimes.map((r) => `${r.name} ${r.version}${r.unsupported ? ' (unsupported)' : ''}`).join(', ')}, not a supported node`,
      fix: "Install Node >= 22 (yt-dlp's minimum for node) on the PATH yt-dlp sees.",
    });
  }
  const ejs = header.libraries.get('yt_dlp_ejs');
  if (!ejs) {
    problems.push({
      what: `yt-dlp ${header.version} has no yt_dlp_ejs (its challenge solver): plain "pip install yt-dlp" leaves it out`,
      fix: INSTALL,
    });
  } else if (expectedEjs && majorMinor(ejs) !== majorMinor(expectedEjs)) {
    problems.push({
      what: `yt_dlp_ejs ${ejs} is installed but yt-dlp ${header.version} needs ${expectedEjs}`,
      fix: INSTALL,
    });
  }
  return problems;
}

/**
 * The yt-dlp-ejs version the install at `binary` pins, from its dist-info (`Requires-Dist: yt-dlp-ejs==0.8.0;
 * extra == "default"`): a venv (`<root>/bin/yt-dlp`, `<root>/lib/python3.N/site-packages/`) or a pip `--target`
 * directory (`<dir>/bin/yt-dlp`, `<dir>/yt_dlp-*.dist-info`). Undefined when not found (a zipapp, a distro package).
 */
export function pinnedEjsVersion(binary: string): string | undefined {
  let root: string;
  try {
    root = path.dirname(path.dirname(realpathSync(binary)));
  } catch {
    return undefined;
  }
  const candidates = [root];
  try {
    for (const lib of readdirSync(path.join(root, 'lib')))
      candidates.push(path.join(root, 'lib', lib, 'site-packages'));
  } catch {
    // not a venv
  }
  for (const dir of candidates) {
    let entries: string[];
    try {
      entries = readdirSync(dir).filter((e) => /^yt_dlp-.*\.dist-info$/.test(e));
    } catch {
      continue;
    }
    for (const info of entries) {
      try {
        const metadata = readFileSync(path.join(dir, info, 'METADATA'), 'utf8');
        const pin = /^Requires-Dist: yt-dlp-ejs\s*==\s*([\w.]+)/im.exec(metadata)?.[1];
        if (pin) return pin;
      } catch {
        // no METADATA
      }
    }
  }
  return undefined;
}

export type HeaderRunner = (
  binary: string,
  args: readonly string[],
  timeoutMs: number,
) => Promise<{ code: number | null; stderr: string; error?: string }>;

export interface YtDlpCheckResult {
  readonly header: YtDlpHeader;
  readonly expectedEjs: string | undefined;
  readonly problems: readonly YtDlpProblem[];
}

/** The arguments whose header is read: the bot's own runtime option, and no user config (exits 2: no URL). */
export const HEADER_ARGS = ['-v', '--ignore-config', '--js-runtimes', 'node'] as const;

/** Runs `binary -v` and evaluates its header. Never throws. */
export async function runYtDlpCheck(
  binary: string,
  run: HeaderRunner,
  expectedEjs?: string,
): Promise<YtDlpCheckResult> {
  const result = await run(binary, HEADER_ARGS, 30_000);
  const header = parseDebugHeader(result.stderr);
  const expected = expectedEjs ?? pinnedEjsVersion(binary);
  const problems =
    result.error && !header.version
      ? [
          {
            what: `${binary} does not run (${result.error})`,
            fix: `Install yt-dlp: ${INSTALL}, or set YTDLP_PATH to it.`,
          },
        ]
      : evaluateHeader(header, expected);
  return { header, expectedEjs: expected, problems };
}
