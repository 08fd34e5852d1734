/**
 * The bootstrap kit's Flux dependsOn edges: the reference kit's for the first twelve Blueprints
 * (`shared/catalog/bootstrap-kit.json`, slots 1-12), plus the edges of the Hetzner integration
 * (issue 9): Flux waits for the cloud controller manager (its pods schedule only on initialized
 * nodes), every stateful Blueprint for the CSI driver (its volumes). Written out by hand so the tests
 * compare the code against these facts rather than against itself.
 */
export const KIT_EDGES: Readonly<Record<string, readonly string[]>> = {
  cilium: [],
  'cert-manager': ['cilium'],
  flux: ['cert-manager', 'hcloud-cloud-controller-manager'],
  crossplane: ['flux'],
  'sealed-secrets': ['cert-manager'],
  spire: ['cert-manager', 'hcloud-csi'],
  'nats-jetstream': ['hcloud-csi', 'spire'],
  openbao: ['hcloud-csi', 'spire'],
  keycloak: ['cert-manager', 'cnpg', 'external-secrets', 'hcloud-csi'],
  gitea: ['cnpg', 'external-secrets', 'hcloud-csi', 'keycloak'],
  powerdns: ['cert-manager', 'cnpg', 'external-secrets'],
  'external-dns': ['cert-manager', 'external-secrets', 'powerdns'],
  cnpg: ['flux', 'hcloud-csi'],
  valkey: ['external-secrets', 'flux', 'hcloud-csi'],
  seaweedfs: ['cert-manager', 'external-secrets', 'flux', 'hcloud-csi'],
  harbor: ['cert-manager', 'cnpg', 'external-secrets', 'keycloak', 'seaweedfs'],
  loki: ['hcloud-csi', 'seaweedfs'],
  mimir: ['hcloud-csi', 'seaweedfs'],
  tempo: ['hcloud-csi', 'seaweedfs'],
  velero: ['external-secrets', 'seaweedfs'],
  'hcloud-cloud-controller-manager': ['cilium'],
  'hcloud-csi': ['hcloud-cloud-controller-manager'],
  'system-upgrade-controller': ['flux'],
  'external-secrets': ['cert-manager', 'openbao'],
  langfuse: ['cert-manager', 'cnpg', 'external-secrets', 'keycloak', 'seaweedfs'],
  opentelemetry: ['cert-manager', 'loki', 'mimir', 'tempo'],
  alloy: ['loki', 'mimir', 'opentelemetry'],
  grafana: ['cert-manager', 'cnpg', 'external-secrets', 'keycloak', 'loki', 'mimir', 'tempo'],
  kyverno: ['cilium'],
  vpa: [],
  trivy: ['cert-manager'],
  falco: ['cilium'],
  sigstore: ['cert-manager'],
  keda: [],
  reloader: [],
  'syft-grype': ['cert-manager', 'hcloud-csi'],
  coraza: ['cert-manager', 'cilium'],
  'cert-manager-dynadot-webhook': ['cert-manager', 'external-secrets'],
};
