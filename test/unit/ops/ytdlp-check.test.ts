import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { evaluateHeader, parseDebugHeader, pinnedEjsVersion } from '../../../src/sources/ytdlp/ytdlp-check.js';
import { FAKE_YTDLP, FIXTURES } from '../sources/fake-ytdlp-helpers.js';

/** The real `yt-dlp -v` header formats, one per install state (test/fixtures/ytdlp/debug-headers.json). */
const HEADERS = JSON.parse(readFileSync(join(FIXTURES, 'debug-headers.json'), 'utf8')) as {
  lines: string[];
  variants: Record<string, Record<string, string>>;
};
function header(variant: string): string {
  const fields: Record<string, string> = {
    argv: "['-v', '--ignore-config', '--js-runtimes', 'node']",
    version: '2026.08.19',
    ...HEADERS.variants[variant],
  };
  return HEADERS.lines
    .map((l) => l.replace(/\{(\w+)\}/g, (_, k: string) => fields[k] ?? `{${k}}`).replace('{{}}', '{}'))
    .join('\n');
}

/** A venv like /opt/yt-dlp whose bin/yt-dlp is the fake, pinning `ejs` in its dist-info METADATA. */
function venv(ejs = '0.8.0'): string {
  const root = mkdtempSync(join(tmpdir(), 'ytdlp-venv-'));
  mkdirSync(join(root, 'bin'));
  const info = join(root, 'lib', 'python3.11', 'site-packages', 'yt_dlp-2026.8.19.dist-info');
  mkdirSync(info, { recursive: true });
  writeFileSync(
    join(info, 'METADATA'),
    `Metadata-Version: 2.4\nName: yt-dlp\nVersion: 2026.8.19\nProvides-Extra: default\nRequires-Dist: yt-dlp-ejs==${ejs}; extra == 'default'\n`,
  );
  const bin = join(root, 'bin', 'yt-dlp');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_YTDLP}" "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

describe('parseDebugHeader / evaluateHeader on each install state', () => {
  it('a healthy install: node and a matching yt_dlp_ejs, no problems', () => {
    const parsed = parseDebugHeader(header('healthy'));
    expect(parsed.version).toBe('2026.08.19');
    expect(parsed.variant).toBe('pip'); // how it was installed: decides how the doctor says to update it
    expect(parsed.runtimes).toEqual([{ name: 'node', version: '22.23.3', unsupported: false }]);
    expect(parsed.libraries.get('yt_dlp_ejs')).toBe('0.8.0');
    expect(evaluateHeader(parsed, '0.8.0')).toEqual([]);
  });

  it('with the PO-token plugin: its directory is listed', () => {
    expect(parseDebugHeader(header('pot-plugin')).pluginDirs).toEqual([
      '/opt/yt-dlp/lib/python3.11/site-packages/yt_dlp_plugins',
    ]);
  });

  it.each([
    ['no-runtime', /finds no JavaScript runtime/, /Node >= 22/],
    ['runtime-disabled', /no JavaScript runtime \(disabled\)/, /--no-js-runtimes/],
    ['node-unsupported', /node 20\.19\.2 \(unsupported\)/, /Node >= 22/],
    ['no-ejs', /has no yt_dlp_ejs/, /yt-dlp\[default\]/],
    ['ejs-mismatch', /yt_dlp_ejs 0\.7\.1 is installed but yt-dlp 2026\.08\.19 needs 0\.8\.0/, /yt-dlp\[default\]/],
  ])('%s fails with the fix', (variant, what, fix) => {
    const problems = evaluateHeader(parseDebugHeader(header(variant)), '0.8.0');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.what).toMatch(what);
    expect(problems[0]?.fix).toMatch(fix);
  });

  it('a patch release of the pinned ejs is fine (yt-dlp compares major.minor)', () => {
    expect(
      evaluateHeader(parseDebugHeader(header('healthy').replace('yt_dlp_ejs-0.8.0', 'yt_dlp_ejs-0.8.2')), '0.8.0'),
    ).toEqual([]);
  });

  it('no header at all is a failure too', () => {
    expect(evaluateHeader(parseDebugHeader('Traceback (most recent call last):'))[0]?.what).toMatch(/no debug header/);
  });
});

describe('pinnedEjsVersion', () => {
  it("reads the pin from the venv's yt_dlp dist-info", () => {
    expect(pinnedEjsVersion(venv('0.8.0'))).toBe('0.8.0');
    expect(pinnedEjsVersion('/nonexistent/bin/yt-dlp')).toBeUndefined();
  });
});

describe('npm run check:ytdlp (dist/ops/ytdlp-check-cli.js, as the image build runs it)', () => {
  const cli = (bin: string, install: string) =>
    promisify(execFile)(process.execPath, ['dist/ops/ytdlp-check-cli.js', bin], {
      // The check runs yt-dlp in the minimal child environment: the fake's switch is passed through on purpose.
      env: { ...process.env, FAKE_YTDLP_INSTALL: install, CHILD_ENV_PASSTHROUGH: 'FAKE_YTDLP_*' },
    })
      .then(({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }))
      .catch((error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        out: error.stdout + error.stderr,
      }));

  it('passes a healthy install and fails each broken one with its fix', async () => {
    const bin = venv('0.8.0');
    const ok = await cli(bin, 'healthy');
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/yt-dlp 2026\.08\.19 .*JS runtimes node-22\.23\.3; yt_dlp_ejs 0\.8\.0 \(pinned 0\.8\.0\)/);
    for (const [install, fix] of [
      ['no-runtime', /Node >= 22/],
      ['no-ejs', /yt-dlp\[default\]/],
      ['ejs-mismatch', /needs 0\.8\.0/],
    ] as const) {
      const bad = await cli(bin, install);
      expect(bad.code, install).toBe(1);
      expect(bad.out).toMatch(fix);
    }
  });
});
