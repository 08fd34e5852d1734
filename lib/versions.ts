/**
 * The version manifest: every upstream version catalyst-cdk pins, in one place. Bumping a component
 * is one edit here; `npm run versions` prints the whole manifest.
 *
 * Chart pins are exact (no ranges) and come from the reference OpenOva bootstrap kit
 * (`shared/catalog/components.json`, snapshot 2026-04-30) unless a comment says otherwise.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** An upstream Helm chart pinned to one exact version. */
export interface ChartPin {
  /** Chart repository: an `https://` Helm repository index URL or an `oci://` registry path. */
  readonly repository: string;
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Exact chart version (semver, no range). */
  readonly version: string;
  /** Upstream project documentation, for docstrings and the README. */
  readonly docs: string;
}

/** Exact chart pins, keyed by Blueprint name. */
export const CHARTS = {
  cilium: { repository: 'https://helm.cilium.io', chart: 'cilium', version: '1.16.5', docs: 'https://docs.cilium.io/en/v1.16/helm-reference/' },
  'cert-manager': { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.16.2', docs: 'https://cert-manager.io/docs/installation/helm/' },
  flux: { repository: 'https://fluxcd-community.github.io/helm-charts', chart: 'flux2', version: '2.14.1', docs: 'https://github.com/fluxcd-community/helm-charts/tree/main/charts/flux2' },
  crossplane: { repository: 'https://charts.crossplane.io/stable', chart: 'crossplane', version: '1.18.0', docs: 'https://docs.crossplane.io/v1.18/software/install/' },
  'sealed-secrets': { repository: 'https://bitnami-labs.github.io/sealed-secrets', chart: 'sealed-secrets', version: '2.16.1', docs: 'https://github.com/bitnami-labs/sealed-secrets/tree/main/helm/sealed-secrets' },
  'spire-crds': { repository: 'https://spiffe.github.io/helm-charts-hardened', chart: 'spire-crds', version: '0.5.0', docs: 'https://github.com/spiffe/helm-charts-hardened/tree/main/charts/spire-crds' },
  spire: { repository: 'https://spiffe.github.io/helm-charts-hardened', chart: 'spire', version: '0.21.0', docs: 'https://github.com/spiffe/helm-charts-hardened/tree/main/charts/spire' },
  'nats-jetstream': { repository: 'https://nats-io.github.io/k8s/helm/charts', chart: 'nats', version: '1.2.0', docs: 'https://github.com/nats-io/k8s/tree/main/helm/charts/nats' },
  openbao: { repository: 'https://openbao.github.io/openbao-helm', chart: 'openbao', version: '0.16.0', docs: 'https://github.com/openbao/openbao-helm' },
  keycloak: { repository: 'https://charts.bitnami.com/bitnami', chart: 'keycloak', version: '25.2.0', docs: 'https://github.com/bitnami/charts/tree/main/bitnami/keycloak' },
  gitea: { repository: 'https://dl.gitea.com/charts', chart: 'gitea', version: '10.5.0', docs: 'https://gitea.com/gitea/helm-chart' },
  powerdns: { repository: 'https://schich.tel/helm-charts', chart: 'powerdns', version: '0.10.0', docs: 'https://github.com/pschichtel/helm-charts' },
  'external-dns': { repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.15.2', docs: 'https://github.com/kubernetes-sigs/external-dns/tree/master/charts/external-dns' },
} as const satisfies Record<string, ChartPin>;

/** Names of the pinned charts. */
export type ChartName = keyof typeof CHARTS;

/** Pins of the node-level software that cloud-init installs before Flux takes over. */
export const NODE_SOFTWARE = {
  /** k3s release installed on every node. Source: reference `infra/hetzner` default. */
  k3s: 'v1.31.4+k3s1',
  /** Helm CLI used once by cloud-init to pre-install Cilium and Flux (later adopted by their HelmReleases). */
  helm: 'v3.16.4',
  /** Ubuntu image of every server. */
  image: 'ubuntu-24.04',
} as const;

/** Terraform provider pins (`required_providers`); the bindings in `.gen/` are generated for these. */
export const TERRAFORM_PROVIDERS = {
  hcloud: { source: 'hetznercloud/hcloud', constraint: '~> 1.68.0', schema: 'schemas/hcloud-provider-schema.json' },
  random: { source: 'hashicorp/random', constraint: '~> 3.9.0', schema: 'schemas/random-provider-schema.json' },
} as const;

/**
 * The version in catalyst-cdk's `package.json`: the nearest one above this module, which is the
 * repository's when run from source and the package's when run from the `dist/` build.
 * @throws Error when no `package.json` is found above this module
 */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** This catalyst-cdk's version (`package.json`), named in the GitOps tree's README and ownership record. */
export const CATALYST_CDK_VERSION: string = packageVersion();
