import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allPanels, loadDashboard, substitute } from '../../support/prometheus-tools.js';

/**
 * The Grafana dashboard's shape (Grafana itself is not in Debian, so it is not started here; every query is
 * evaluated against a real Prometheus in test/e2e/ops-prometheus.test.ts).
 */
/** Grafana's template variable for the Prometheus datasource, as the dashboard spells it. */
const DATASOURCE_VARIABLE = '$' + '{datasource}';
const dashboard = loadDashboard();
const panels = allPanels(dashboard).filter((p) => p.type !== 'row');
const rows = allPanels(dashboard)
  .filter((p) => p.type === 'row')
  .map((r) => r.title);

describe('the Grafana dashboard', () => {
  it('has the rows an owner asks questions in', () => {
    for (const row of [
      /Overview/,
      /Playback/,
      /Frame health/,
      /Latency/,
      /errors/,
      /Cache and sources/,
      /Processes/,
      /Members/,
    ]) {
      expect(
        rows.some((title) => row.test(title)),
        `row ${row}`,
      ).toBe(true);
    }
  });

  it('has unique panel ids, fits a 24-column grid, and every panel explains itself', () => {
    const ids = allPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of allPanels(dashboard)) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type !== 'row') expect(p.description?.length ?? 0, `${p.title} description`).toBeGreaterThan(10);
    }
  });

  it('queries the provisioned datasource through the variable, filtered by job, instance and shard', () => {
    const provisioned = readFileSync('docker/grafana/provisioning/datasources/prometheus.yml', 'utf8');
    const uid = /uid: (\S+)/.exec(provisioned)?.[1];
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource') as unknown as {
      current: { value: string };
    };
    expect(variable.current.value).toBe(uid);
    for (const name of ['instance', 'shard']) {
      const v = dashboard.templating.list.find((x) => x.name === name);
      // "All" must also match series without the label (an unsharded bot has no shard label).
      expect(v).toMatchObject({ includeAll: true, allValue: '.*' });
    }
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe(DATASOURCE_VARIABLE);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.expr, p.title).toMatch(/instance=~"\$instance", shard=~"\$shard"/);
        expect(() => substitute(t.expr), p.title).not.toThrow();
      }
    }
  });

  it('covers the metrics the issue names', () => {
    const exprs = panels
      .flatMap((p) => p.targets ?? [])
      .map((t) => t.expr)
      .join('\n');
    for (const metric of [
      'tunebot_sessions',
      'tunebot_voice_frames_deficit_total',
      'tunebot_interaction_deferral_seconds_bucket',
      'tunebot_resolve_seconds_bucket',
      'tunebot_command_errors_total',
      'tunebot_resolve_cache_hit_ratio',
      'tunebot_source_health',
      'tunebot_child_processes',
      'tunebot_nodejs_eventloop_lag_p99_seconds',
      'tunebot_process_cpu_seconds_total',
      'tunebot_process_resident_memory_bytes',
      'tunebot_feedback_rating_count',
      'tunebot_streams',
      'tunebot_ready',
      'tunebot_store_healthy',
    ])
      expect(exprs, metric).toContain(metric);
  });
});
