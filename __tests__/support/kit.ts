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
  seaweedfs: ['cert-manager', 'flux', 'hcloud-csi'],
  harbor: ['cert-manager', 'cnpg', 'external-secrets', 'keycloak', 'seaweedfs'],
  'hcloud-cloud-controller-manager': ['cilium'],
  'hcloud-csi': ['hcloud-cloud-controller-manager'],
  'system-upgrade-controller': ['flux'],
  'external-secrets': ['cert-manager', 'openbao'],
};
