import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../../src/config.js';
import { replicasFor } from '../../../src/core/shard-plan.js';

/**
 * deploy/kubernetes/ validated without a cluster. `kubectl kustomize` renders each overlay (kustomize errors,
 * missing files, bad patches fail here); every rendered object is then checked against the Kubernetes OpenAPI
 * schemas (kubernetes-models, generated from the upstream OpenAPI documents; `kubectl apply --dry-run=client`
 * would need an API server for its discovery and schema download). On top, the rules that tie the manifests to
 * the bot: replicas cover every shard once, probes hit the endpoints the bot serves, the grace period covers
 * its shutdown, every secret it reads is in the example Secret.
 */
const ROOT = new URL('../../../deploy/kubernetes/', import.meta.url);
const OVERLAYS = ['redis', 'external-store', 'prometheus-operator'] as const;
/** The bot exits at most this long after SIGTERM (src/main.ts). */
const BOT_SHUTDOWN_DEADLINE_S = 10;

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML, validated against the Kubernetes schemas above; the checks read it freely
type Yaml = any;
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Yaml;
  data?: Yaml;
};

function render(overlay: string): Manifest[] {
  const out = execFileSync('kubectl', ['kustomize', new URL(`overlays/${overlay}`, ROOT).pathname], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out).map((d) => d.toJS() as Manifest);
}

async function modelFor(m: Manifest): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = m.apiVersion.includes('/') ? m.apiVersion.split('/') : ['', m.apiVersion];
  const path =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${m.kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${m.kind}`;
  const module = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = module[m.kind];
  if (!model) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  return model;
}

const find = (ms: Manifest[], kind: string, name: string): Manifest => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`${kind}/${name} missing`);
  return m;
};

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const manifests = render(overlay);

  it('renders objects that all validate against the Kubernetes schemas', async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(4);
    for (const m of manifests) {
      const Model = await modelFor(m);
      expect(() => new Model(m).validate(), `${m.kind}/${m.metadata.name}`).not.toThrow();
    }
  });

  it('runs every shard exactly once, and each pod derives its own shards from its name', () => {
    const set = find(manifests, 'StatefulSet', 'tunebot');
    const config = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('tunebot-config'))!;
    const env = config.data as Record<string, string>;
    expect(env.SHARDS).toBe('ordinal');
    const count = Number(env.SHARD_COUNT);
    const perPod = Number(env.SHARDS_PER_POD);
    expect(set.spec.replicas).toBe(replicasFor(count, perPod));
    const seen: number[] = [];
    for (let ordinal = 0; ordinal < set.spec.replicas; ordinal += 1) {
      const parsed = parseConfig({ ...env, DISCORD_TOKEN: 'MTIz.NDU2.Nzg5', POD_NAME: `tunebot-${ordinal}` });
      seen.push(...(parsed.shards?.ids ?? []));
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('probes the endpoints the bot serves, on an address the kubelet reaches, and waits out its shutdown', () => {
    const set = find(manifests, 'StatefulSet', 'tunebot');
    const pod = set.spec.template.spec;
    const [bot] = pod.containers;
    const env = find(manifests, 'ConfigMap', manifests.find((m) => m.kind === 'ConfigMap')!.metadata.name).data;
    expect(env.HTTP_HOST).toBe('0.0.0.0');
    const port = bot.ports.find((p: { name: string }) => p.name === 'http').containerPort;
    expect(port).toBe(Number(env.HTTP_PORT));
    expect(bot.livenessProbe.httpGet.path).toBe('/healthz');
    expect(bot.readinessProbe.httpGet.path).toBe('/readyz');
    expect(bot.args).toEqual(['node', 'dist/main.js']); // npm would exit at once on SIGTERM
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(BOT_SHUTDOWN_DEADLINE_S + 5);
    expect(set.spec.updateStrategy.rollingUpdate.maxUnavailable).toBe(1);
    expect(bot.resources.requests.memory).toBeDefined();
    expect(bot.resources.limits.cpu).toBeUndefined(); // throttling is heard as stutter
  });

  it('selects its own pods everywhere, and reads only secrets the example Secret documents', () => {
    const set = find(manifests, 'StatefulSet', 'tunebot');
    const podLabels = set.spec.template.metadata.labels;
    expect(matches(set.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(matches(find(manifests, 'Service', 'tunebot').spec.selector, podLabels)).toBe(true);
    expect(matches(find(manifests, 'PodDisruptionBudget', 'tunebot').spec.selector.matchLabels, podLabels)).toBe(true);
    expect(find(manifests, 'Service', 'tunebot').spec.clusterIP).toBe('None');
    const example = readFileSync(new URL('secret.example.yaml', ROOT), 'utf8');
    const keys = set.spec.template.spec.containers[0].env
      .filter((e: Yaml) => e.valueFrom?.secretKeyRef)
      .map((e: Yaml) => e.valueFrom.secretKeyRef);
    for (const ref of keys) {
      expect(ref.name).toBe('tunebot');
      expect(example).toContain(ref.key);
    }
  });
});

describe('the rest of deploy/kubernetes', () => {
  it('the example Secret and the plain-Prometheus scrape job parse and validate', async () => {
    const [secret] = parseAllDocuments(readFileSync(new URL('secret.example.yaml', ROOT), 'utf8')).map(
      (d) => d.toJS() as Manifest,
    );
    const Model = await modelFor(secret!);
    expect(() => new Model(secret).validate()).not.toThrow();
    const scrape = parseAllDocuments(readFileSync(new URL('prometheus-scrape.yaml', ROOT), 'utf8'))[0]!.toJS();
    expect(scrape.scrape_configs[0].kubernetes_sd_configs[0].role).toBe('pod');
  });

  it('the store differs per overlay: in-cluster Redis, or STORE_URL from the Secret', () => {
    const envOf = (overlay: string) =>
      find(render(overlay), 'StatefulSet', 'tunebot').spec.template.spec.containers[0].env;
    expect(envOf('redis').find((e: Yaml) => e.name === 'STORE_URL').value).toBe('redis://tunebot-redis:6379/0');
    expect(find(render('redis'), 'Service', 'tunebot-redis').spec.ports[0].port).toBe(6379);
    expect(envOf('external-store').find((e: Yaml) => e.name === 'STORE_URL').valueFrom.secretKeyRef.key).toBe(
      'STORE_URL',
    );
  });

  it('the base env file is what the bot parses', () => {
    const env = parseEnv(readFileSync(new URL('base/tunebot.env', ROOT), 'utf8'));
    expect(() => parseConfig({ ...env, DISCORD_TOKEN: 'MTIz.NDU2.Nzg5', POD_NAME: 'tunebot-0' })).not.toThrow();
  });
});
