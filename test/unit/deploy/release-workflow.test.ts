import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * .github/workflows/release.yml: multi-arch images on v* tags and a weekly rebuild that picks up yt-dlp. The YAML
 * must parse, use the ecosystem's buildx/QEMU actions on Dockerfile.multiarch for the three platforms, keep the
 * image name configurable, and its tag-picking script is run here in a throwaway git repository.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: {
    push?: { tags?: string[] };
    schedule?: { cron: string }[];
    workflow_dispatch?: { inputs?: Record<string, unknown> };
  };
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}
const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
/** A GitHub Actions expression as it appears in the YAML. */
const expression = (inner: string) => `\${{ ${inner} }}`;
const action = (name: string) => steps.find((s) => s.uses?.split('@')[0] === name);

describe('release workflow', () => {
  it('runs on v* tags, weekly, and by hand', () => {
    expect(workflow.on.push?.tags).toEqual(['v*']);
    const crons = (workflow.on.schedule ?? []).map((s) => s.cron.split(' '));
    expect(crons).toHaveLength(1);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = crons[0] ?? [];
    expect([minute, hour].every((f) => /^\d+$/.test(f ?? ''))).toBe(true);
    expect([dayOfMonth, month]).toEqual(['*', '*']);
    expect(dayOfWeek).toMatch(/^[0-6]$/); // once a week
    expect(workflow.on.workflow_dispatch?.inputs).toHaveProperty('tag');
  });

  it('builds Dockerfile.multiarch for amd64, arm64 and arm/v7 with QEMU and buildx, and pushes', () => {
    for (const name of [
      'actions/checkout',
      'docker/setup-qemu-action',
      'docker/setup-buildx-action',
      'docker/login-action',
      'docker/build-push-action',
    ])
      expect(action(name), name).toBeDefined();
    const build = action('docker/build-push-action')?.with ?? {};
    expect(build.file).toBe('Dockerfile.multiarch');
    expect(build.push).toBe(true);
    expect(build.platforms).toBe(expression('env.PLATFORMS'));
    expect(workflow.env.PLATFORMS?.split(',')).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(action('docker/setup-qemu-action')?.with?.platforms).toBe('arm64,arm');
    // The weekly rebuild must not reuse a cached yt-dlp: that stage exists and is excluded from the cache.
    expect(build['no-cache-filters']).toBe('ytdlp-pip');
    expect(readFileSync(join(ROOT, 'Dockerfile.multiarch'), 'utf8')).toMatch(/^FROM \S+ AS ytdlp-pip$/m);
    expect(workflow.permissions.packages).toBe('write');
  });

  it('takes the image name from the TUNEBOT_IMAGE variable, else ghcr.io/<owner>/<repo>', () => {
    expect(workflow.env.IMAGE).toBe(expression("vars.TUNEBOT_IMAGE || format('ghcr.io/{0}', github.repository)"));
  });

  describe('the tag-picking step', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tunebot-release-'));
    afterAll(() => rmSync(repo, { recursive: true, force: true }));
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    for (const tag of ['v0.9.0', 'v0.10.0', 'v0.11.0-rc.1']) {
      writeFileSync(join(repo, 'f'), tag);
      git('add', 'f');
      git('commit', '-qm', tag);
      git('tag', tag);
    }
    const script = steps.find((s) => s.id === 'pick')?.run ?? '';
    const pick = (env: Record<string, string>) => {
      const output = join(repo, `out-${Math.random()}`);
      writeFileSync(output, '');
      const result = spawnSync('bash', ['-c', script], {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', IMAGE: 'ghcr.io/Some-Owner/TuneBot', GITHUB_OUTPUT: output, ...env },
      });
      expect(result.status, result.stderr).toBe(0);
      return Object.fromEntries(
        readFileSync(output, 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    };

    it('a pushed release tag: version, minor and latest, lower-cased', () => {
      const out = pick({ GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'v0.10.0' });
      expect(out.tags).toBe(
        'ghcr.io/some-owner/tunebot:0.10.0,ghcr.io/some-owner/tunebot:0.10,ghcr.io/some-owner/tunebot:latest',
      );
      expect(out.registry).toBe('ghcr.io');
      expect(out.version).toBe('0.10.0');
    });

    it('an older or pre-release tag never moves latest', () => {
      expect(pick({ GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'v0.9.0' }).tags).not.toContain(':latest');
      expect(pick({ GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'v0.11.0-rc.1' }).tags).toBe(
        'ghcr.io/some-owner/tunebot:0.11.0-rc.1',
      );
    });

    it('the weekly rebuild takes the newest release (v0.10.0 after v0.9.0, not the rc) and adds a dated tag', () => {
      const out = pick({ GITHUB_EVENT_NAME: 'schedule' });
      expect(out.tag).toBe('v0.10.0');
      expect(out.tags).toMatch(/:latest,ghcr\.io\/some-owner\/tunebot:0\.10\.0-\d{8}$/);
      expect(out.revision).toBe(git('rev-parse', 'v0.10.0^{commit}').stdout.trim());
    });

    it('a Docker Hub name logs in to docker.io', () => {
      expect(pick({ GITHUB_EVENT_NAME: 'schedule', IMAGE: 'someone/tunebot' }).registry).toBe('docker.io');
    });
  });
});
