import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Finding Debian's `prometheus` and `promtool` (scripts/provision.sh --with-prometheus installs them; .ci/run
 * passes that flag). PROMETHEUS / PROMTOOL override the binaries. A missing one fails the test with the fix,
 * never skips it: these tests are how a renamed metric or a broken rule is caught.
 */
export function prometheusBinary(name: 'prometheus' | 'promtool'): string {
  const override = process.env[name.toUpperCase()];
  if (override) return override;
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin'])) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(
    `${name} is not installed: run \`source scripts/provision.sh --with-prometheus\` (Debian's prometheus package)`,
  );
}

export function promtool(...args: string[]): { code: number | null; output: string } {
  const result = spawnSync(prometheusBinary('promtool'), args, { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly datasource?: { type: string; uid: string };
  readonly targets?: { expr: string; refId: string; legendFormat?: string; datasource?: { uid: string } }[];
  readonly panels?: DashboardPanel[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: DashboardPanel[];
  readonly templating: {
    list: { name: string; type: string; query: unknown; allValue?: string; includeAll?: boolean }[];
  };
}

export const DASHBOARD_FILE = 'docker/grafana/dashboards/tunebot.json';

export function loadDashboard(file = DASHBOARD_FILE): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels included (a collapsed row keeps its panels inside it). */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Grafana's variables as a test evaluates the queries: every instance and shard, the `tunebot` job. */
export const TEST_VARIABLES: Readonly<Record<string, string>> = {
  job: 'tunebot',
  instance: '.*',
  shard: '.*',
  __rate_interval: '20s',
  __interval: '5s',
  __range: '1h',
};

/** Substitutes `$name` and `${name}` as Grafana would; throws on one the test does not know. */
export function substitute(expr: string, variables: Readonly<Record<string, string>> = TEST_VARIABLES): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = variables[name];
    if (value === undefined) throw new Error(`unknown dashboard variable $${name} in ${expr}`);
    return value;
  });
}
