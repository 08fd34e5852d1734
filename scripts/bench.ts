/**
 * Benchmark: synthesizes every example several times in one process and prints, per example, the
 * median, worst and best wall time of `Sovereign.fromFile(...).synthesize(...)` (both halves, written to a
 * temporary folder), the resources and objects produced, and the process's peak resident memory.
 *
 * Usage: `npm run bench [-- RUNS]` (default 5 runs per example).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sovereign } from '../app/sovereign';

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
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
