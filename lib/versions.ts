/**
 * The version manifest: every upstream version catalyst-cdk pins, in one place. Bumping a component
 * is one edit here; `npm run versions` prints the whole manifest.
 *
 * Chart pins are exact (no ranges) and come from the reference OpenOva bootstrap kit
 * (`shared/catalog/components.json`, snapshot 2026-04-30) unless a comment says otherwise.
 */

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
  /**
   * Default k3s release of new clusters: the newest release of the newest maintained line in
   * `lib/k3s-releases.ts` (v1.37.1+k3s1, 2026-09-30, https://docs.k3s.io/release-notes/v1.37.X). k3s'
   * stable channel named v1.36.3+k3s1 at that date; a spec may pin any known release.
   */
  k3s: 'v1.37.1+k3s1',
  /** Helm CLI used once by cloud-init to pre-install Cilium and Flux (later adopted by their HelmReleases). */
  helm: 'v3.16.4',
  /** Ubuntu image of every server. */
  image: 'ubuntu-24.04',
  /**
   * local-path-provisioner image of the non-default `local-path` class servers deploy as a k3s AddOn
   * (the version k3s v1.37.1+k3s1 bundles, https://docs.k3s.io/release-notes/v1.37.X).
   */
  localPathProvisioner: 'rancher/local-path-provisioner:v0.0.37',
  /** Helper image local-path-provisioner runs to create and remove volume folders (k3s' mirror of busybox 1.37.0). */
  localPathHelper: 'rancher/mirrored-library-busybox:1.37.0',
} as const;

/** Terraform provider pins (`required_providers`); the bindings in `.gen/` are generated for these. */
export const TERRAFORM_PROVIDERS = {
  hcloud: { source: 'hetznercloud/hcloud', constraint: '~> 1.68.0', schema: 'schemas/hcloud-provider-schema.json' },
  random: { source: 'hashicorp/random', constraint: '~> 3.9.0', schema: 'schemas/random-provider-schema.json' },
} as const;
