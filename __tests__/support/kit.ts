/**
 * The reference bootstrap kit's Flux dependsOn edges for the first twelve Blueprints
 * (`shared/catalog/bootstrap-kit.json`, slots 1-12): the expected graph, written out by hand so the
 * tests compare the code against the catalog facts rather than against itself.
 */
export const KIT_EDGES: Readonly<Record<string, readonly string[]>> = {
  cilium: [],
  'cert-manager': ['cilium'],
  flux: ['cert-manager'],
  crossplane: ['flux'],
  'sealed-secrets': ['cert-manager'],
  spire: ['cert-manager'],
  'nats-jetstream': ['spire'],
  openbao: ['spire'],
  keycloak: ['cert-manager'],
  gitea: ['keycloak'],
  powerdns: ['cert-manager'],
  'external-dns': ['cert-manager', 'powerdns'],
};
