/**
 * Prints the version manifest (`lib/versions.ts`): every Helm chart pin (by chart name), the manifests
 * installed from Git, the container images Blueprints set, the node software cloud-init installs and
 * the Terraform provider constraints, as aligned tables.
 *
 * Usage: `npm run versions`.
 */
import { table } from '../lib/table';
import { CHARTS, IMAGES, MANIFESTS, NODE_SOFTWARE, TERRAFORM_PROVIDERS } from '../lib/versions';

/** The whole manifest as text. */
export function renderVersions(): string {
  const charts = Object.entries(CHARTS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, pin]) => [pin.chart, pin.repository, pin.version]);
  const manifests = Object.entries(MANIFESTS).map(([name, pin]) => [name, pin.repository, pin.path, pin.tag, pin.commit]);
  const images = Object.entries(IMAGES).map(([name, image]) => [name, image.repository, image.tag ?? 'from the Plan version']);
  const node = Object.entries(NODE_SOFTWARE).map(([name, version]) => [name, version]);
  const providers = Object.entries(TERRAFORM_PROVIDERS).map(([name, p]) => [name, p.source, p.constraint]);
  return [
    `Helm charts (${charts.length})`,
    table(['CHART', 'REPOSITORY', 'VERSION'], charts),
    '',
    `Manifests from Git (${manifests.length})`,
    table(['NAME', 'REPOSITORY', 'PATH', 'TAG', 'COMMIT'], manifests),
    '',
    `Images (${images.length})`,
    table(['IMAGE', 'REPOSITORY', 'TAG'], images),
    '',
    'Node software',
    table(['COMPONENT', 'VERSION'], node),
    '',
    'Terraform providers',
    table(['PROVIDER', 'SOURCE', 'CONSTRAINT'], providers),
  ].join('\n');
}

if (require.main === module) console.log(renderVersions());
