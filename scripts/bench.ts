/**
 * Benchmark: synthesizes every example several times in one process and prints, per example, the
 * median, worst and best wall time of `Sovereign.fromFile(...).synthesize(...)` (both halves, written to a
 * temporary folder), the resources and objects produced, and the process's peak resident memory.
 *
 * Then it measures how rendering one cluster's GitOps tree scales with the number of Blueprints: the
 * solo spec with 0 and with 200 extra toy Blueprints (one small chart each), reporting objects, wall
 * time and construct visits (nodes returned by `node.findAll`, the walk cdk8s synthesis and
 * validation do), so a cost that grows with the square of the Blueprint count shows.
 *
 * Usage: `npm run bench [-- RUNS]` (default 5 runs per example).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Node } from 'constructs';
import { Sovereign } from '../app/sovereign';
import { builtinCatalog } from '../blueprints';
import { HelmBlueprint } from '../blueprints/helm';
import type { BlueprintClass, BlueprintMetadata } from '../lib/blueprint';

const runs = Number(process.argv[2] ?? 5);
const examples = readdirSync(join(__dirname, '..', 'examples')).filter((f) => f.endsWith('.yaml')).sort();
console.log(`runs per example: ${runs}`);
for (const file of examples) {
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-bench-'));
    const start = process.hrtime.bigint();
    const report = Sovereign.fromFile(join(__dirname, '..', 'examples', file)).synthesize({ terraformOut: join(dir, 'tf'), gitopsOut: join(dir, 'gitops') });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    rmSync(dir, { recursive: true, force: true });
    const resources = report.stacks.reduce((n, s) => n + s.resources, 0);
    const objects = report.clusters.reduce((n, c) => n + c.objects, 0);
    summary = `${report.stacks.length} stack(s), ${resources} resources and data sources, ${report.clusters.length} cluster(s), ${objects} Kubernetes objects`;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${file.padEnd(14)} median ${median.toFixed(0).padStart(5)} ms  worst ${times[times.length - 1]!.toFixed(0).padStart(5)} ms  best ${times[0]!.toFixed(0)} ms  ${summary}`);
}

/** A toy Blueprint class named `name`: one small OCI chart in its own namespace. */
function toyBlueprint(name: string): BlueprintClass {
  return class extends HelmBlueprint {
    static readonly metadata: BlueprintMetadata = {
      name,
      title: name,
      category: 'apps',
      tier: 'a-la-carte',
      summary: 'A toy Blueprint for the scaling benchmark.',
      chart: { repository: 'oci://registry.example.org/charts', chart: 'toy', version: '1.0.0', docs: 'https://example.org/toy' },
      namespace: name,
      podSecurity: { level: 'restricted', reason: 'toy' },
      releaseName: name,
      dependsOn: ['cert-manager'],
      installsCrds: false,
      placementModes: ['single-region'],
      resources: { cpuMillis: 10, memoryMiB: 16 },
      sources: ['scripts/bench.ts'],
    };

    protected curatedValues(): Record<string, unknown> {
      return { replicaCount: 1 };
    }
  };
}

let visits = 0;
const findAll = Node.prototype.findAll;
Node.prototype.findAll = function (this: Node, ...args: Parameters<Node['findAll']>) {
  const found = findAll.apply(this, args);
  visits += found.length;
  return found;
};
for (const extra of [0, 200]) {
  const toys = Array.from({ length: extra }, (_, i) => toyBlueprint(`toy-${String(i).padStart(3, '0')}`));
  const catalog = builtinCatalog().with(...toys);
  const spec = readFileSync(join(__dirname, '..', 'examples', 'solo.yaml'), 'utf8').replace('  gitops:', `  blueprints:\n    install: [${catalog.names().join(', ')}]\n  gitops:`);
  const sovereign = Sovereign.fromYaml(spec, { catalog });
  visits = 0;
  const start = process.hrtime.bigint();
  const tree = sovereign.gitopsTree();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`GitOps tree with ${String(sovereign.blueprints.length).padStart(3)} Blueprints: ${tree.clusters[0]!.objects} objects in ${ms.toFixed(0)} ms, ${visits} construct visits (${(visits / tree.clusters[0]!.objects).toFixed(1)} per object)`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
