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

/**
 * A table of pins keyed by name whose entries keep their own type `P` (not the literal type of each
 * entry), so the API reference documents every entry as a `P`.
 */
function pinTable<P>() {
  return <T extends Record<string, P>>(table: T): { readonly [K in keyof T]: P } => table;
}

/** An image pinned with its tag. */
export interface TaggedImagePin extends ImagePin {
  /** Exact tag. */
  readonly tag: string;
}

/** Like `pinTable`, for images: an entry with a tag is a `TaggedImagePin`, one without an `ImagePin`. */
function imageTable<T extends Record<string, ImagePin>>(table: T): { readonly [K in keyof T]: T[K] extends { readonly tag: string } ? TaggedImagePin : ImagePin } {
  return table as { readonly [K in keyof T]: T[K] extends { readonly tag: string } ? TaggedImagePin : ImagePin };
}

/** A Terraform provider pinned in `required_providers`. */
export interface ProviderPin {
  /** Registry source, e.g. `hetznercloud/hcloud`. */
  readonly source: string;
  /** Version constraint, e.g. `~> 1.2.0` (patch releases only). */
  readonly constraint: string;
  /** Path of the provider schema the bindings and tests read, relative to the repository. */
  readonly schema: string;
}

/**
 * Exact chart pins, keyed by the chart's own name (`ChartPin.chart`), so one chart installed by two
 * Blueprints, or one Blueprint installing two charts (SPIRE's `spire-crds` and `spire`), has one pin.
 */
export const CHARTS = pinTable<ChartPin>()({
  /** Cilium: CNI, kube-proxy replacement, WireGuard and the Ingress controller. */
  cilium: { repository: 'https://helm.cilium.io', chart: 'cilium', version: '1.16.5', docs: 'https://docs.cilium.io/en/v1.16/helm-reference/' },
  /** cert-manager: certificates from ACME and other issuers. */
  'cert-manager': { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.16.2', docs: 'https://cert-manager.io/docs/installation/helm/' },
  /** Flux's controllers (fluxcd-community chart). */
  flux2: { repository: 'https://fluxcd-community.github.io/helm-charts', chart: 'flux2', version: '2.14.1', docs: 'https://github.com/fluxcd-community/helm-charts/tree/main/charts/flux2' },
  /** Crossplane: cloud resources as Kubernetes objects. */
  crossplane: { repository: 'https://charts.crossplane.io/stable', chart: 'crossplane', version: '1.18.0', docs: 'https://docs.crossplane.io/v1.18/software/install/' },
  /** Sealed Secrets: Secrets encrypted for Git. */
  'sealed-secrets': { repository: 'https://bitnami-labs.github.io/sealed-secrets', chart: 'sealed-secrets', version: '2.16.1', docs: 'https://github.com/bitnami-labs/sealed-secrets/tree/main/helm/sealed-secrets' },
  /** The CRDs of SPIRE, installed before the SPIRE chart. */
  'spire-crds': { repository: 'https://spiffe.github.io/helm-charts-hardened', chart: 'spire-crds', version: '0.5.0', docs: 'https://github.com/spiffe/helm-charts-hardened/tree/main/charts/spire-crds' },
  /** SPIRE: SPIFFE workload identities. */
  spire: { repository: 'https://spiffe.github.io/helm-charts-hardened', chart: 'spire', version: '0.21.0', docs: 'https://github.com/spiffe/helm-charts-hardened/tree/main/charts/spire' },
  /** NATS with JetStream. */
  nats: { repository: 'https://nats-io.github.io/k8s/helm/charts', chart: 'nats', version: '1.2.0', docs: 'https://github.com/nats-io/k8s/tree/main/helm/charts/nats' },
  /** OpenBao: secrets management. */
  openbao: { repository: 'https://openbao.github.io/openbao-helm', chart: 'openbao', version: '0.16.0', docs: 'https://github.com/openbao/openbao-helm' },
  /** Keycloak (Bitnami chart): the identity provider. */
  keycloak: { repository: 'https://charts.bitnami.com/bitnami', chart: 'keycloak', version: '25.2.0', docs: 'https://github.com/bitnami/charts/tree/main/bitnami/keycloak' },
  /** Gitea: the Sovereign's Git server. */
  gitea: { repository: 'https://dl.gitea.com/charts', chart: 'gitea', version: '10.5.0', docs: 'https://gitea.com/gitea/helm-chart' },
  /** Harbor: the container image and OCI artifact registry. */
  harbor: { repository: 'https://helm.goharbor.io', chart: 'harbor', version: '1.18.3', docs: 'https://github.com/goharbor/harbor-helm/tree/v1.18.3' },
  /** PowerDNS Authoritative: the Sovereign's DNS zone. */
  powerdns: { repository: 'https://schich.tel/helm-charts', chart: 'powerdns', version: '0.10.0', docs: 'https://github.com/pschichtel/helm-charts' },
  /** ExternalDNS: DNS records from Services and Ingresses. */
  'external-dns': { repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.15.2', docs: 'https://github.com/kubernetes-sigs/external-dns/tree/master/charts/external-dns' },
  /** Not the reference pin (Bitnami valkey 5.5.1 was never published): the Valkey project's own chart (`shared/charts/valkey/valkey-0.9.4`, tag valkey-0.9.4 of valkey-io/valkey-helm). */
  valkey: { repository: 'https://valkey.io/valkey-helm/', chart: 'valkey', version: '0.9.4', docs: 'https://github.com/valkey-io/valkey-helm/tree/valkey-0.9.4/valkey' },
  /** CloudNativePG: the PostgreSQL operator (operator 1.29.0). */
  'cloudnative-pg': { repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.28.0', docs: 'https://cloudnative-pg.io/documentation/1.29/' },
  /** SeaweedFS: the cluster's S3 endpoint (the `seaweedfs` chart, tag 4.22 of seaweedfs/seaweedfs). */
  seaweedfs: { repository: 'https://seaweedfs.github.io/seaweedfs/helm', chart: 'seaweedfs', version: '4.22.0', docs: 'https://github.com/seaweedfs/seaweedfs/tree/4.22/k8s/charts/seaweedfs' },
  /** External Secrets Operator: Secrets from OpenBao, other namespaces and password generators (2.4.1, API `external-secrets.io/v1`; the reference's 0.10.7 serves only v1beta1). */
  'external-secrets': { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.4.1', docs: 'https://external-secrets.io/latest/' },
  /** Velero: backups of the cluster's objects (app 1.18.0). */
  velero: { repository: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', version: '12.0.1', docs: 'https://velero.io/docs/v1.18/' },
  /** Stakater Reloader: rolling restarts when Secrets and ConfigMaps change. */
  reloader: { repository: 'https://stakater.github.io/stakater-charts', chart: 'reloader', version: '2.2.11', docs: 'https://github.com/stakater/Reloader' },
  /** Not in the reference catalog: Hetzner's cloud controller manager (`shared/charts/hcloud-ccm`, the release tag of hetznercloud/hcloud-cloud-controller-manager with the chart's version). */
  'hcloud-cloud-controller-manager': { repository: 'https://charts.hetzner.cloud', chart: 'hcloud-cloud-controller-manager', version: '1.35.0', docs: 'https://github.com/hetznercloud/hcloud-cloud-controller-manager/tree/v1.35.0/docs' },
  /** Not in the reference catalog: Hetzner's CSI driver for Volumes (`shared/charts/hcloud-csi`, the release tag of hetznercloud/csi-driver with the chart's version). */
  'hcloud-csi': { repository: 'https://charts.hetzner.cloud', chart: 'hcloud-csi', version: '2.22.1', docs: 'https://github.com/hetznercloud/csi-driver/tree/v2.22.1/chart' },
  /** Grafana Loki: the log store (SingleBinary mode), Loki 3.6.7. */
  loki: { repository: 'https://grafana.github.io/helm-charts', chart: 'loki', version: '7.0.0', docs: 'https://grafana.com/docs/loki/latest/setup/install/helm/' },
  /** Grafana Mimir: the metrics store (classic architecture), Mimir 3.0.4. */
  'mimir-distributed': { repository: 'https://grafana.github.io/helm-charts', chart: 'mimir-distributed', version: '6.0.6', docs: 'https://grafana.com/docs/helm-charts/mimir-distributed/latest/' },
  /** Grafana Tempo: the trace store (single binary), Tempo 2.9.0; the chart's final release in this repository, which marks it deprecated. */
  tempo: { repository: 'https://grafana.github.io/helm-charts', chart: 'tempo', version: '1.24.4', docs: 'https://github.com/grafana/helm-charts/tree/tempo-1.24.4/charts/tempo' },
  /** Langfuse v3: LLM tracing and evaluation (`shared/charts/langfuse`). */
  langfuse: { repository: 'https://langfuse.github.io/langfuse-k8s', chart: 'langfuse', version: '1.5.28', docs: 'https://langfuse.com/self-hosting/kubernetes-helm' },
  /** OpenTelemetry Collector: the OTLP entry point (`shared/charts/opentelemetry`; `mode` and `image.repository` have no default). */
  'opentelemetry-collector': { repository: 'https://open-telemetry.github.io/opentelemetry-helm-charts', chart: 'opentelemetry-collector', version: '0.152.0', docs: 'https://github.com/open-telemetry/opentelemetry-helm-charts/tree/opentelemetry-collector-0.152.0/charts/opentelemetry-collector' },
  /** Grafana Alloy: the node agent for pod logs and kubelet metrics (`shared/charts/alloy`). */
  alloy: { repository: 'https://grafana.github.io/helm-charts', chart: 'alloy', version: '1.8.0', docs: 'https://grafana.com/docs/alloy/latest/' },
  /** Grafana (the last release of grafana/helm-charts, `shared/charts/grafana`; the chart moved to grafana-community afterwards). */
  grafana: { repository: 'https://grafana.github.io/helm-charts', chart: 'grafana', version: '10.5.15', docs: 'https://github.com/grafana/helm-charts/tree/grafana-10.5.15/charts/grafana' },
  /** Kyverno: admission policies (validate, mutate, generate) and policy reports. */
  kyverno: { repository: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', version: '3.8.0', docs: 'https://kyverno.io/docs/installation/methods/' },
  /** Vertical Pod Autoscaler (cowboysysop chart): recommender, updater and admission controller. */
  'vertical-pod-autoscaler': { repository: 'https://cowboysysop.github.io/charts/', chart: 'vertical-pod-autoscaler', version: '11.1.1', docs: 'https://github.com/cowboysysop/charts/tree/master/charts/vertical-pod-autoscaler' },
  /** Trivy Operator: continuous vulnerability, configuration, RBAC and exposed-secret scans. */
  'trivy-operator': { repository: 'https://aquasecurity.github.io/helm-charts/', chart: 'trivy-operator', version: '0.32.1', docs: 'https://aquasecurity.github.io/trivy-operator/latest/getting-started/installation/helm/' },
  /** Falco: runtime threat detection from system calls. */
  falco: { repository: 'https://falcosecurity.github.io/charts', chart: 'falco', version: '8.0.2', docs: 'https://falco.org/docs/setup/kubernetes/' },
  /** Sigstore policy-controller: admission of container images by their cosign signatures. */
  'policy-controller': { repository: 'https://sigstore.github.io/helm-charts', chart: 'policy-controller', version: '0.10.6', docs: 'https://docs.sigstore.dev/policy-controller/overview/' },
  /**
   * Not pinned by the reference catalog (KEDA is README-only there): the newest release before the
   * catalog snapshot (`shared/charts/index.json`, tag v2.19.0 of kedacore/charts).
   */
  keda: { repository: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.19.0', docs: 'https://keda.sh/docs/2.19/deploy/' },
});

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

/** Exact pins of the upstream manifests installed without a chart, keyed by the upstream project's name. */
export const MANIFESTS = pinTable<ManifestsPin>()({
  /**
   * Rancher's system-upgrade-controller (`shared/charts/system-upgrade-controller`; the tag's
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
});

/**
 * A container image a Blueprint sets itself, by repository (registry host omitted when the chart
 * prepends one, e.g. Bitnami's `image.registry: docker.io`) and exact tag.
 */
export interface ImagePin {
  /** Image repository, e.g. `bitnamilegacy/keycloak`. */
  readonly repository: string;
  /** Exact tag; absent only where the consumer appends its own (see `k3sUpgrade`). */
  readonly tag?: string;
}

/**
 * Every container image whose repository or tag a Blueprint's values or manifests override, pinned
 * exactly. Where a Blueprint moves an image to another repository, the tag is the one the pinned chart
 * (or its bundled subchart) defaults to, so the image is the same build the chart was released with.
 */
export const IMAGES = imageTable({
  /** The controller image of the system-upgrade-controller release pinned in `MANIFESTS`. */
  systemUpgradeController: { repository: 'rancher/system-upgrade-controller', tag: 'v0.20.1' },
  /**
   * Rancher's k3s upgrade image: the Plans name only the repository and the controller appends the
   * Plan's version (`+` replaced by `-`), so the image always matches the k3s pin
   * (https://docs.k3s.io/upgrades/automated).
   */
  k3sUpgrade: { repository: 'rancher/k3s-upgrade' },
  /**
   * The Kubernetes project's kubectl image (with bash and jq, kubernetes/kubernetes#119592): only the
   * repository, as the syft-grype Blueprint runs the tag of the cluster's Kubernetes version (the k3s
   * release without its `+k3sN` suffix), so kubectl always matches the API server.
   */
  kubectl: { repository: 'registry.k8s.io/kubectl' },
  /** Syft (SBOMs), the `-debug` image of the release: the binary on distroless `debug-nonroot`, whose busybox shell runs the scan loop (`.goreleaser.yaml` at the tag). */
  syft: { repository: 'ghcr.io/anchore/syft', tag: 'v1.43.0-debug' },
  /** Grype (vulnerabilities), the `-debug` image of the release, as for Syft. */
  grype: { repository: 'ghcr.io/anchore/grype', tag: 'v0.111.1-debug' },
  /**
   * The reference project's cert-manager DNS-01 webhook for Dynadot: its CI tags each build with the
   * short commit (`.github/workflows/build-cert-manager-dynadot-webhook.yaml`); 5502d9a is the commit
   * that added it (openova-io/openova#291) and the only one that changed its sources since.
   */
  certManagerDynadotWebhook: { repository: 'ghcr.io/openova-io/openova/cert-manager-dynadot-webhook', tag: '5502d9a' },
  /**
   * coraza-spoa, the Coraza WAF as an HAProxy SPOE agent with the OWASP Core Rule Set v4 built in:
   * the reference's image and tag (its CI tags releases without a `v`, `.github/workflows/container-image.yaml`).
   */
  corazaSpoa: { repository: 'ghcr.io/corazawaf/coraza-spoa', tag: '0.7.0' },
  /**
   * HAProxy (Docker official image, Alpine variant) in front of coraza-spoa: the 3.0 LTS line, which
   * coraza-spoa's own FTW tests run against at v0.7.0 (`ftw/docker-compose.yml`).
   */
  haproxy: { repository: 'docker.io/library/haproxy', tag: '3.0.10-alpine' },
  /** Keycloak of the `keycloak` chart, from `bitnamilegacy` (the chart's `image.tag`). */
  keycloak: { repository: 'bitnamilegacy/keycloak', tag: '26.3.3-debian-12-r0' },
  /** keycloak-config-cli of the `keycloak` chart's realm import Job, from `bitnamilegacy` (the chart's `keycloakConfigCli.image.tag`). */
  keycloakConfigCli: { repository: 'bitnamilegacy/keycloak-config-cli', tag: '6.4.0-debian-12-r11' },
  /**
   * PostgreSQL of every CloudNativePG database cluster: the operator's default operand image at
   * v1.29.0 (`DefaultImageName` in pkg/versions/versions.go), pinned so an operator upgrade never
   * changes a database's PostgreSQL major version; the `system` flavour carries Barman Cloud, which
   * the in-tree backups need.
   */
  cnpgPostgresql: { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '18.3-system-trixie' },
  /**
   * PowerDNS Authoritative of the `powerdns` chart (its default repository and appVersion). Pinned
   * because the schema init container copies the gpgsql schema out of the very image the server runs.
   */
  powerdns: { repository: 'docker.io/powerdns/pdns-auth-50', tag: '5.0.3' },
  /** The contrib distribution of the OpenTelemetry Collector (the `opentelemetry-collector` chart leaves `image.repository` empty; tag = the chart's appVersion). */
  otelCollectorContrib: { repository: 'otel/opentelemetry-collector-contrib', tag: '0.150.1' },
  /** Velero's AWS object-store plugin, copied into the Velero server by an init container (the reference catalog's pin; plugin 1.14 pairs with Velero 1.18). */
  veleroPluginForAws: { repository: 'docker.io/velero/velero-plugin-for-aws', tag: 'v1.14.0' },
});

/** Names of the pinned charts. */
export type ChartName = keyof typeof CHARTS;

/**
 * The pin of one chart, for a Blueprint's `metadata.chart` (or a second chart it installs).
 *
 * @param name the chart's own name, the key in `CHARTS` (e.g. `flux2`, not the Blueprint name `flux`)
 * @returns the pin, the very object in `CHARTS`
 * @throws Error when `CHARTS` has no such chart (possible from JavaScript or a computed name), naming
 *   the chart and the pinned ones, so a Blueprint without a pin fails when its class is defined
 */
export function chartPin(name: ChartName): ChartPin {
  const pin = (CHARTS as Record<string, ChartPin>)[name];
  if (pin === undefined) {
    throw new Error(`no chart "${name}" in CHARTS (lib/versions.ts): pin it there under the chart's own name (repository, chart, version, docs), or use one of ${Object.keys(CHARTS).join(', ')}`);
  }
  return pin;
}

/** Names of the pinned images. */
export type ImageName = keyof typeof IMAGES;

/** Pins of the node-level software that cloud-init installs before Flux takes over. */
export const NODE_SOFTWARE = {
  /**
   * Default k3s release of new clusters: the newest release of the newest maintained line in
   * `lib/k3s-releases.ts` (released 2026-09-30, https://docs.k3s.io/release-notes/v1.37.X). k3s'
   * stable channel named v1.36.3+k3s1 at that date; a spec may pin any known release.
   */
  k3s: 'v1.37.1+k3s1',
  /** Helm CLI used once by cloud-init to pre-install Cilium and Flux (later adopted by their HelmReleases). */
  helm: 'v3.16.4',
  /** Ubuntu image of every server. */
  image: 'ubuntu-24.04',
  /**
   * local-path-provisioner image of the non-default `local-path` class servers deploy as a k3s AddOn
   * (the version the default k3s release bundles, https://docs.k3s.io/release-notes/v1.37.X).
   */
  localPathProvisioner: 'rancher/local-path-provisioner:v0.0.37',
  /** Helper image local-path-provisioner runs to create and remove volume folders (k3s' mirror of busybox 1.37.0). */
  localPathHelper: 'rancher/mirrored-library-busybox:1.37.0',
} as const;

/** Terraform provider pins (`required_providers`); the bindings in `.gen/` are generated for these. */
export const TERRAFORM_PROVIDERS = pinTable<ProviderPin>()({
  /** Hetzner Cloud. */
  hcloud: { source: 'hetznercloud/hcloud', constraint: '~> 1.68.0', schema: 'schemas/hcloud-provider-schema.json' },
  /** Random values: the k3s tokens. */
  random: { source: 'hashicorp/random', constraint: '~> 3.9.0', schema: 'schemas/random-provider-schema.json' },
});

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
