import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { promtool } from '../../support/prometheus-tools.js';

/** The alert rules, checked and unit-tested by Prometheus's own promtool (Debian's 2.42). */
const RULES = 'docker/prometheus/alerts.yml';
const RULE_TESTS = 'docker/prometheus/alerts.test.yml';

describe('alert rules (promtool)', () => {
  it('pass promtool check rules', () => {
    const { code, output } = promtool('check', 'rules', RULES);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(code, output).toBe(0);
  });

  it('pass their unit tests with synthetic series (promtool test rules)', () => {
    const { code, output } = promtool('test', 'rules', RULE_TESTS);
    expect(output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });

  it('the compose Prometheus config is valid and loads the rules', () => {
    const { code, output } = promtool('check', 'config', 'docker/prometheus.yml');
    expect(code, output).toBe(0);
    expect(output).toContain('prometheus/alerts.yml');
  });

  it('every alert has a runbook line and a firing case in the tests', () => {
    const rules = readFileSync(RULES, 'utf8');
    const tests = readFileSync(RULE_TESTS, 'utf8');
    const alerts = [...rules.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]!);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'TunebotDown',
        'TunebotNotReady',
        'TunebotFrameDeficit',
        'TunebotSlowDeferral',
        'TunebotErrorRatio',
        'TunebotSourceCanaryFailing',
        'TunebotStoreUnhealthy',
        'TunebotMemoryGrowing',
      ]),
    );
    expect([...rules.matchAll(/^\s+runbook: "/gm)].length).toBe(alerts.length);
    for (const alert of alerts) {
      // A block that expects the alert to fire (exp_alerts with labels), not only one where it stays quiet.
      const firing = new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`);
      expect(tests, `${alert} needs a firing test case`).toMatch(firing);
    }
  });
});
