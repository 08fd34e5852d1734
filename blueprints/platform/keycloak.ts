import { z } from 'zod';
import { mergeValues, type BlueprintMetadata, type BlueprintProps, type GeneratedSecret } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin, IMAGES } from '../../lib/versions';
import { allow, bitnamiPreset, componentMetadata, propsField, resources, secretOrGenerated } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { CertManager } from './cert-manager';
import { ExternalSecrets } from './external-secrets';
import { HcloudCsi } from './hcloud-csi';

/** Keycloak's HTTP port inside the pod: the chart's default `containerPorts.http`. */
export const KEYCLOAK_HTTP_PORT = 8080;

/** Props of the Keycloak Blueprint. */
export interface KeycloakProps extends BlueprintProps {
  /** Keycloak replicas; more than one share sessions through the JDBC-ping cache stack. @default 1 */
  readonly replicas?: number;
  /** Name of the bootstrap administrator. @default 'admin' */
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

/** The Bitnami preset of the chart: `bitnamilegacy` images at the chart's tags, both charts' own NetworkPolicies off. */
const BITNAMI = bitnamiPreset({
  images: [
    { path: ['image'], image: IMAGES.keycloak },
    { path: ['postgresql', 'image'], image: IMAGES.keycloakPostgresql },
  ],
  networkPolicies: [['networkPolicy'], ['postgresql', 'primary', 'networkPolicy']],
});

/**
 * Keycloak: the identity provider (OIDC, SAML) for people using the Sovereign.
 *
 * Installs the Bitnami chart (with `bitnamiPreset`) in production mode behind a TLS-terminating
 * proxy (`proxyHeaders: xforwarded`) with its embedded PostgreSQL. The chart's Ingress is off:
 * exposure is decided by whatever Blueprint owns ingress. Both passwords come from Secrets:
 * generated at bootstrap, or your own named in the props.
 *
 * Source: `CHARTS.keycloak` (https://github.com/bitnami/charts/tree/main/bitnami/keycloak);
 * reference catalog entry `keycloak`.
 */
export class Keycloak extends HelmBlueprint<KeycloakProps> {
  /** The props a spec may set (`spec.blueprints.props.keycloak`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: propsField.replicas().optional().describe('Keycloak replicas; more than one share sessions; default 1'),
    adminUser: z.string().min(1).max(255).regex(/^\S+$/, { error: 'must be a user name without spaces, e.g. admin' }).optional().describe('Name of the bootstrap administrator; default admin'),
    adminSecret: propsField.objectName().optional().describe('Existing Secret in namespace keycloak with the admin password under admin-password; default: keycloak-admin, generated'),
    databaseSecret: propsField.objectName().optional().describe('Existing Secret in namespace keycloak with the PostgreSQL passwords under password and postgres-password; default: keycloak-postgresql, generated'),
  }) satisfies z.ZodType<KeycloakProps>;

  /** Catalog metadata: chart `keycloak` (Bitnami), namespace keycloak, after cert-manager and the Hetzner CSI driver (its PostgreSQL volume). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'keycloak',
    title: 'Keycloak',
    category: 'identity',
    tier: 'bootstrap-kit',
    summary: 'Identity provider for the people using the Sovereign, over OIDC and SAML.',
    pin: chartPin('keycloak'),
    podSecurity: 'the Bitnami charts run Keycloak and PostgreSQL as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [CertManager, HcloudCsi, ExternalSecrets],
    placementModes: ['active-hotstandby', 'single-region'],
    resources: { cpuMillis: 350, memoryMiB: 768 },
    network: {
      ingress: [
        allow.anywhere([KEYCLOAK_HTTP_PORT], 'people and OIDC clients reach Keycloak\'s HTTP port (chart value containerPorts.http, 8080) through the Cilium Ingress controller, which terminates TLS (proxyHeaders xforwarded)'),
      ],
    },
    kitSlot: 9,
  });

  /** The admin and database Secrets this instance reads: the props' own, else generated at bootstrap. */
  private secrets() {
    const namespaces = [this.metadata.namespace];
    return {
      admin: secretOrGenerated(this.props.adminSecret, { name: 'keycloak-admin', namespaces, randomKeys: ['admin-password'] }),
      database: secretOrGenerated(this.props.databaseSecret, { name: 'keycloak-postgresql', namespaces, randomKeys: ['password', 'postgres-password'] }),
    };
  }

  /**
   * Values of the chart `keycloak`: the Bitnami preset, replicas, production mode on plain HTTP
   * behind the proxy with its public hostname, admin and database passwords from Secrets, bundled
   * PostgreSQL on the cluster's storage class, no Ingress.
   *
   * Keycloak 26 refuses to start in production mode without a hostname unless strict hostname
   * checking is off (https://www.keycloak.org/server/hostname). The chart sets `KC_HOSTNAME` only
   * from its own Ingress (templates/configmap-env-vars.yaml), which is off, so the hostname
   * `https://<ctx.auth.hostname>` (`auth.<fqdn>`, the OIDC issuer's host, a cluster fact the
   * Terraform side shares) comes as an extra environment variable; strict checking stays on.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const secrets = this.secrets();
    return mergeValues(BITNAMI.values, {
      replicaCount: this.props.replicas ?? 1,
      production: true,
      proxyHeaders: 'xforwarded',
      extraEnvVars: [{ name: 'KC_HOSTNAME', value: `https://${ctx.auth.hostname}` }],
      auth: { adminUser: this.props.adminUser ?? 'admin', existingSecret: secrets.admin.name, passwordSecretKey: 'admin-password' },
      resources: resources('250m', '512Mi', '2Gi'),
      ingress: { enabled: false },
      postgresql: {
        enabled: true,
        auth: { existingSecret: secrets.database.name, secretKeys: { userPasswordKey: 'password', adminPasswordKey: 'postgres-password' } },
        primary: { resources: resources('100m', '256Mi', '1Gi'), persistence: { storageClass: ctx.storageClass } },
      },
    });
  }

  /** The reasons of the Bitnami preset. */
  protected valueReasons(): ValueReason[] {
    return BITNAMI.reasons;
  }

  /** Generates the admin and database Secrets at bootstrap unless the props name Secrets of your own. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    const secrets = this.secrets();
    return [...secrets.admin.generated, ...secrets.database.generated];
  }
}
