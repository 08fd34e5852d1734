/**
 * A platform team's program, compiled with plain `tsc` against the packed catalyst-cdk and run with
 * plain `node` (scripts/check-package.sh): a Sovereign composed in TypeScript with a custom Helm
 * Blueprint, and the same Blueprints bound into a cdk8s chart of its own.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { BlueprintMetadata, CertManager, Cluster, HelmBlueprint, HelmBlueprintProps, SovereignBuilder } from 'catalyst-cdk';

interface PodinfoProps extends HelmBlueprintProps {
  /** Pod replicas. @default 1 */
  readonly replicas?: number;
}

class Podinfo extends HelmBlueprint<PodinfoProps> {
  static readonly metadata: BlueprintMetadata = {
    name: 'podinfo',
    title: 'podinfo',
    category: 'apps',
    tier: 'a-la-carte',
    summary: 'Demo web service.',
    chart: { repository: 'oci://ghcr.io/stefanprodan/charts', chart: 'podinfo', version: '6.7.1', docs: 'https://github.com/stefanprodan/podinfo' },
    namespace: 'podinfo',
    podSecurity: { level: 'restricted', reason: 'runs as non-root' },
    releaseName: 'podinfo',
    dependsOn: [CertManager],
    installsCrds: false,
    placementModes: ['active-active'],
    resources: { cpuMillis: 10, memoryMiB: 32 },
    sources: ['https://github.com/stefanprodan/podinfo'],
  };

  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    return { replicaCount: this.props.replicas ?? 1, ui: { message: ctx.cluster.name } };
  }
}

const key = readFileSync(process.argv[2]!, 'utf8').trim();
const out = mkdtempSync(join(tmpdir(), 'catalyst-consumer-'));

// A Sovereign composed in TypeScript: typed regions, a custom Blueprint with typed props.
const sovereign = new SovereignBuilder('consumer', {
  fqdn: 'consumer.example.org',
  organization: { name: 'example', adminEmail: 'platform@example.org' },
  ssh: { publicKeys: [key] },
  gitops: { url: 'https://git.example.org/platform/consumer.git' },
})
  .addRegion({ location: 'fsn1', workerPools: [{ name: 'general', serverType: 'cx33', count: 1 }] })
  .addBlueprint(new Podinfo({ replicas: 2 }))
  .build();
const report = sovereign.synthesize({ terraformOut: join(out, 'cdktf.out'), gitopsOut: join(out, 'gitops') });
const release = readFileSync(join(out, 'gitops', report.clusters[0]!.path, 'bp-podinfo', 'helmrelease.yaml'), 'utf8');
assert.match(release, /replicaCount: 2/);
const stack = JSON.parse(readFileSync(join(out, 'cdktf.out', 'stacks', report.stacks[0]!.name, 'cdk.tf.json'), 'utf8'));
assert.ok(Object.keys(stack.resource.hcloud_server).length >= 2);

// The same Blueprints bound into a cdk8s chart of the consumer's own.
const certManager = new CertManager();
const podinfo = new Podinfo();
const cluster = Cluster.fromAttributes({ fqdn: 'consumer.example.org' }, [certManager, podinfo]);
const chart = new Chart(new App(), 'platform');
certManager.bind(chart, cluster);
const bound = podinfo.bind(chart, cluster);
assert.equal(bound.release?.name, 'bp-podinfo');
const kinds = (chart.toJson() as Array<{ kind: string }>).map((o) => o.kind);
assert.ok(kinds.includes('ClusterIssuer') && kinds.includes('HelmRelease'));
console.log(`consumer OK: ${report.stacks[0]!.resources} resources, ${report.clusters[0]!.objects} objects, podinfo with 2 replicas; ${kinds.length} objects bound into its own chart`);
