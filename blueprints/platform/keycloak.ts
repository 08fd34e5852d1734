import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, GeneratedSecret } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin, IMAGES } from '../../lib/versions';
import { BITNAMI_ALLOW_LEGACY_IMAGES, BITNAMI_LEGACY_IMAGE, BITNAMI_OWN_NETWORK_POLICY } from '../bitnami';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { CertManager } from './cert-manager';
import { HcloudCsi } from './hcloud-csi';

/** Props of the Keycloak Blueprint. */
export interface KeycloakProps extends BlueprintProps {
  /**
   * Keycloak replicas; more than one share sessions through the JDBC-ping cache stack.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Name of the bootstrap administrator.
   * @default 'admin'
   */
  readonly adminUser?: string;
  /**
   * Existing Secret (namespace `keycloak`) holding the administrator password under the key
   * `admin-password`. The Blueprint never carries the password itself.
   * @default 'keycloak-admin', generated with a random password at bootstrap
   */
  readonly adminSecret?: string;
  /**
   * Existing Secret (namespace `keycloak`) with the passwords of the embedded PostgreSQL: key
   * `password` for the Keycloak database user and `postgres-password` for the superuser.
   * @default 'keycloak-postgresql', generated with random passwords at bootstrap
   */
  readonly databaseSecret?: string;
}

/**
 * Keycloak: the identity provider (OIDC, SAML) for people using the Sovereign.
 *
 * Installs the Bitnami chart in production mode behind a TLS-terminating proxy (`proxyHeaders:
 * xforwarded`) with its embedded PostgreSQL. The chart's Ingress is off: exposure is decided by
 * whatever Blueprint owns ingress. Both passwords come from Secrets: generated at bootstrap, or your own named in the props.
 *
 * The Bitnami charts create NetworkPolicies of their own by default (`networkPolicy.enabled`,
 * `primary.networkPolicy.enabled`) that allow all egress (`allowExternalEgress`); policies add up,
 * so they would undo the namespace's default deny. They are off: the Blueprint's allowances
 * (`metadata.network`) are the namespace's only policies.
 *
 * Images come from `docker.io/bitnamilegacy` because Bitnami stopped publishing these versions
 * under `docker.io/bitnami`, at the tags the charts default to (`IMAGES.keycloak`,
 * `IMAGES.keycloakPostgresql`); the charts then refuse non-default repositories unless
 * `global.security.allowInsecureImages` is set, which is why it is.
 *
 * Source: chart `keycloak` (`CHARTS.keycloak`; Keycloak 26.3.3) from https://charts.bitnami.com/bitnami
 * (https://github.com/bitnami/charts/tree/main/bitnami/keycloak); reference catalog entry `keycloak`
 * (bootstrap-kit slot 09).
 */
export class Keycloak extends HelmBlueprint<KeycloakProps> {
  /** The props a spec may set (`spec.blueprints.props.keycloak`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: z.number().int().min(1).optional(),
    adminUser: z.string().min(1).optional(),
    adminSecret: z.string().min(1).optional(),
    databaseSecret: z.string().min(1).optional(),
  }) satisfies z.ZodType<KeycloakProps>;

  /** Catalog metadata: the pinned chart `keycloak` (Bitnami), namespace keycloak, bootstrap kit, depends on cert-manager and the Hetzner CSI driver (its PostgreSQL volume). */
  static readonly metadata: BlueprintMetadata = {
    name: 'keycloak',
    title: 'Keycloak',
    category: 'identity',
    tier: 'bootstrap-kit',
    summary: 'Identity provider for the people using the Sovereign, over OIDC and SAML.',
    chart: chartPin('keycloak'),
    namespace: 'keycloak',
    podSecurity: { level: 'restricted', reason: 'the Bitnami charts run Keycloak and PostgreSQL as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile' },
    releaseName: 'keycloak',
    dependsOn: [CertManager, HcloudCsi],
    installsCrds: false,
    placementModes: ['active-hotstandby', 'single-region'],
    resources: { cpuMillis: 350, memoryMiB: 768 },
    network: {
      ingress: [
        { peer: 'anywhere', ports: [{ port: 8080 }], reason: 'people and OIDC clients reach Keycloak\'s HTTP port (chart value containerPorts.http, 8080) through the Cilium Ingress controller, which terminates TLS (proxyHeaders xforwarded)' },
      ],
    },
    sources: [CHARTS.keycloak.docs, 'catalog/components.json#keycloak', 'catalog/bootstrap-kit.json slot 9'],
  };

  /**
   * Values of the pinned chart `keycloak` (Bitnami) from the props and context: `bitnamilegacy` images,
   * replicas, production mode on plain HTTP behind the proxy with its public hostname, admin and
   * database passwords from Secrets, bundled PostgreSQL on the cluster's storage class, no Ingress,
   * and neither chart's own NetworkPolicy (see the class).
   *
   * Keycloak 26 refuses to start in production mode without a hostname unless strict hostname
   * checking is off (https://www.keycloak.org/server/hostname). The chart sets `KC_HOSTNAME` only
   * from its own Ingress (templates/configmap-env-vars.yaml), which is off, so the hostname
   * `https://<ctx.auth.hostname>` (`auth.<fqdn>`, the OIDC issuer's host) comes as an extra
   * environment variable; strict checking stays on.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    return {
      global: { security: { allowInsecureImages: true } },
      image: { repository: IMAGES.keycloak.repository, tag: IMAGES.keycloak.tag },
      replicaCount: this.props.replicas ?? 1,
      production: true,
      proxyHeaders: 'xforwarded',
      extraEnvVars: [{ name: 'KC_HOSTNAME', value: `https://${ctx.auth.hostname}` }],
      auth: {
        adminUser: this.props.adminUser ?? 'admin',
        existingSecret: this.props.adminSecret ?? 'keycloak-admin',
        passwordSecretKey: 'admin-password',
      },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      ingress: { enabled: false },
      networkPolicy: { enabled: false },
      postgresql: {
        enabled: true,
        image: { repository: IMAGES.keycloakPostgresql.repository, tag: IMAGES.keycloakPostgresql.tag },
        auth: {
          existingSecret: this.props.databaseSecret ?? 'keycloak-postgresql',
          secretKeys: { userPasswordKey: 'password', adminPasswordKey: 'postgres-password' },
        },
        primary: {
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          persistence: { storageClass: ctx.storageClass },
          networkPolicy: { enabled: false },
        },
      },
    };
  }

  /** The legacy Bitnami images and the charts' own NetworkPolicies turned off (see the class). */
  protected valueReasons(): ValueReason[] {
    return [
      { path: ['global', 'security', 'allowInsecureImages'], reason: BITNAMI_ALLOW_LEGACY_IMAGES },
      { path: ['image', 'repository'], reason: BITNAMI_LEGACY_IMAGE },
      { path: ['postgresql', 'image', 'repository'], reason: BITNAMI_LEGACY_IMAGE },
      { path: ['networkPolicy', 'enabled'], reason: BITNAMI_OWN_NETWORK_POLICY },
      { path: ['postgresql', 'primary', 'networkPolicy', 'enabled'], reason: BITNAMI_OWN_NETWORK_POLICY },
    ];
  }

  /** Generates the admin and database Secrets at bootstrap unless the props name Secrets of your own. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    const ns = [this.metadata.namespace];
    return [
      ...(this.props.adminSecret ? [] : [{ name: 'keycloak-admin', namespaces: ns, randomKeys: ['admin-password'] }]),
      ...(this.props.databaseSecret ? [] : [{ name: 'keycloak-postgresql', namespaces: ns, randomKeys: ['password', 'postgres-password'] }]),
    ];
  }
}
