/**
 * Prints the version manifest (`lib/versions.ts`): every Helm chart pin, the node software cloud-init
 * installs and the Terraform provider constraints, as aligned tables.
 *
 * Usage: `npm run versions`.
 */
import { table } from '../lib/table';
import { CHARTS, NODE_SOFTWARE, TERRAFORM_PROVIDERS } from '../lib/versions';

/** The whole manifest as text. */
export function renderVersions(): string {
  const charts = Object.entries(CHARTS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, pin]) => [name, pin.repository, pin.chart, pin.version]);
  const node = Object.entries(NODE_SOFTWARE).map(([name, version]) => [name, version]);
  const providers = Object.entries(TERRAFORM_PROVIDERS).map(([name, p]) => [name, p.source, p.constraint]);
  return [
    `Helm charts (${charts.length})`,
    table(['BLUEPRINT', 'REPOSITORY', 'CHART', 'VERSION'], charts),
    '',
    'Node software',
    table(['COMPONENT', 'VERSION'], node),
    '',
    'Terraform providers',
    table(['PROVIDER', 'SOURCE', 'CONSTRAINT'], providers),
  ].join('\n');
}

if (require.main === module) console.log(renderVersions());
