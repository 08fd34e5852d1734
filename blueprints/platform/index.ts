/**
 * Every built-in Blueprint module; a new built-in adds its line here and its class to
 * `BUILTIN_BLUEPRINTS` in `../index.ts`.
 */
export * from './cilium';
export * from './cert-manager';
export * from './flux';
export * from './crossplane';
export * from './sealed-secrets';
export * from './spire';
export * from './nats-jetstream';
export * from './openbao';
export * from './keycloak';
export * from './gitea';
export * from './powerdns';
export * from './external-dns';
export * from './cnpg';
export * from './seaweedfs';
export * from './harbor';
export * from './hcloud-cloud-controller-manager';
export * from './hcloud-csi';
export * from './system-upgrade-controller';
export * from './external-secrets';
