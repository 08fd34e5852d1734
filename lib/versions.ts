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
  /** Not in the reference catalog: Hetzner's cloud controller manager (`shared/charts/hcloud-ccm`, tag v1.35.0 of hetznercloud/hcloud-cloud-controller-manager). */
  'hcloud-cloud-controller-manager': { repository: 'https://charts.hetzner.cloud', chart: 'hcloud-cloud-controller-manager', version: '1.35.0', docs: 'https://github.com/hetznercloud/hcloud-cloud-controller-manager/tree/v1.35.0/docs' },
  /** Not in the reference catalog: Hetzner's CSI driver for Volumes (`shared/charts/hcloud-csi`, tag v2.22.1 of hetznercloud/csi-driver). */
  'hcloud-csi': { repository: 'https://charts.hetzner.cloud', chart: 'hcloud-csi', version: '2.22.1', docs: 'https://github.com/hetznercloud/csi-driver/tree/v2.22.1/chart' },
} as const satisfies Record<string, ChartPin>;

/**
 * An upstream project that publishes no Helm chart, installed from the plain manifests in its Git
 * repository at one exact tag; Flux fetches them itself, so no copy lives in this repository.
 */
export interface ManifestsPin {
  /** `https://` URL of the Git repository. */
  readonly repository: string;
  /** Exact release tag, e.g. `v0.20.1`. */
  readonly tag: string;
  /** Commit the tag points to (40 hex digits): Flux checks out this commit, so a moved tag changes nothing. */
  readonly commit: string;
  /** Folder of the manifests inside the repository, e.g. `manifests` (no leading `./`). */
  readonly path: string;
  /** Upstream project documentation, for docstrings and the README. */
  readonly docs: string;
}

/** Exact pins of the upstream manifests installed without a chart, keyed by Blueprint name. */
export const MANIFESTS = {
  /**
   * Rancher's system-upgrade-controller v0.20.1 (`shared/charts/system-upgrade-controller`; the tag's
   * commit read from the upstream repository). Its `manifests/` folder carries no image tag of the
   * release (the repository's root kustomization pins an older one), so the Blueprint sets the image
   * from `IMAGES`.
   */
  'system-upgrade-controller': {
    repository: 'https://github.com/rancher/system-upgrade-controller',
    tag: 'v0.20.1',
    commit: 'f1362a3fe1a8d55a0c65847f7c2779909dc7ec95',
    path: 'manifests',
    docs: 'https://github.com/rancher/system-upgrade-controller/tree/v0.20.1',
  },
} as const satisfies Record<string, ManifestsPin>;

/** Container images the Blueprints set themselves, pinned exactly (`repository:tag`). */
export const IMAGES = {
  /** The controller image of the system-upgrade-controller release pinned in `MANIFESTS`. */
  systemUpgradeController: { repository: 'rancher/system-upgrade-controller', tag: 'v0.20.1' },
  /**
   * Rancher's k3s upgrade image: the Plans name only the repository and the controller appends the
   * Plan's version (`+` replaced by `-`, e.g. `v1.31.4-k3s1`), so the image always matches the k3s pin
   * (https://docs.k3s.io/upgrades/automated).
   */
  k3sUpgrade: { repository: 'rancher/k3s-upgrade' },
} as const;

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
