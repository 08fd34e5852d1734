/**
 * A platform team's program, compiled with plain `tsc` against the packed catalyst-cdk and run with
 * plain `node` (scripts/check-package.sh): a Sovereign from a spec plus a custom Helm Blueprint.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlueprintMetadata, builtinCatalog, CertManager, Cluster, HelmBlueprint, HelmBlueprintProps, Sovereign } from 'catalyst-cdk';

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

const spec = `
apiVersion: catalyst.openova.io/v1alpha1
kind: Sovereign
metadata: { name: consumer }
spec:
  fqdn: consumer.example.org
  organization: { name: example, adminEmail: platform@example.org }
  regions: [{ location: fsn1 }]
  ssh: { publicKeys: ["${readFileSync(process.argv[2]!, 'utf8').trim()}"] }
  gitops: { url: https://git.example.org/platform/consumer.git }
  blueprints: { install: [podinfo] }
`;

const out = mkdtempSync(join(tmpdir(), 'catalyst-consumer-'));
const sovereign = Sovereign.fromYaml(spec, { catalog: builtinCatalog().with(Podinfo), blueprints: [new Podinfo({ replicas: 2 })] });
const report = sovereign.synthesize({ terraformOut: join(out, 'cdktf.out'), gitopsOut: join(out, 'gitops') });
const release = readFileSync(join(out, 'gitops', report.clusters[0]!.path, 'bp-podinfo', 'helmrelease.yaml'), 'utf8');
assert.match(release, /replicaCount: 2/);
const stack = JSON.parse(readFileSync(join(out, 'cdktf.out', 'stacks', report.stacks[0]!.name, 'cdk.tf.json'), 'utf8'));
assert.ok(Object.keys(stack.resource.hcloud_server).length >= 1);
console.log(`consumer OK: ${report.stacks[0]!.resources} resources, ${report.clusters[0]!.objects} objects, podinfo with 2 replicas`);
