import { z } from 'zod';
import { mergeValues, type Blueprint, type BlueprintConstruct, type BlueprintMetadata, type BlueprintProps, type GeneratedSecret, type NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { BlueprintError } from '../../lib/errors';
import { isOidcConsumer, type OidcClient, type OidcClientClaim, type S3BucketClaim, type S3Consumer, type SharedSecret } from '../../lib/services';
import { chartPin, IMAGES } from '../../lib/versions';
import { allow, bitnamiPreset, componentMetadata, propsField, resources, secretOrGenerated } from '../common';
import { EXTERNAL_DATABASE_PASSWORD_KEY, EXTERNAL_DATABASE_PORT, externalDatabasePropsField, type ExternalDatabase } from '../external-database';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { cnpgBackupBucket, postgresPropsField, type PostgresConsumer, type PostgresOptions } from '../postgres';
import { CertManager } from './cert-manager';
import { Cnpg } from './cnpg';
import { ExternalSecrets } from './external-secrets';
import { HcloudCsi } from './hcloud-csi';

/** Keycloak's HTTP port inside the pod: the chart's default `containerPorts.http`. */
export const KEYCLOAK_HTTP_PORT = 8080;

/** Key of the client secret in each confidential client's Secret (`OidcClient.secretKey`). */
export const OIDC_CLIENT_SECRET_KEY = 'client-secret';

/**
 * Redirect URIs of the Kubernetes API server's public client: kubelogin (`kubectl oidc-login`)
 * listens on `localhost:8000`, else `localhost:18000`, for the authorization code
 * (https://github.com/int128/kubelogin/blob/master/docs/usage.md).
 */
export const KUBERNETES_CLIENT_REDIRECT_URIS: readonly string[] = ['http://localhost:8000', 'http://localhost:18000'];

/** One OIDC client the realm declares: a consumer's claim, or the Kubernetes API server's own client. */
export interface RealmClient extends Omit<OidcClientClaim, 'rootUrl'> {
  /** Base URL of the application; absent for the Kubernetes client, whose redirect URIs are absolute and whose users run kubectl. */
  readonly rootUrl?: string;
  /** Name of the Blueprint that claimed it (`kubernetes` for the API server's client, which Keycloak declares itself). */
  readonly consumer: string;
  /**
   * The Secret in namespace `keycloak` holding its client secret under `OIDC_CLIENT_SECRET_KEY`
   * (`keycloak-client-<clientId>`), generated in the cluster; absent for the public Kubernetes client,
   * which has no secret (kubelogin runs on people's machines and cannot keep one).
   */
  readonly secretName?: string;
}

/** Client ids the realm accepts: lowercase letters, digits and `-`, starting with a letter (they name a Secret and an environment variable). */
const CLIENT_ID = /^[a-z][a-z0-9-]{0,62}$/;

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
   * Keycloak's database: a CloudNativePG cluster in namespace `keycloak` (instances, volume size,
   * backups to the cluster's S3 endpoint; see `postgresPropsField`). Ignored with `externalDatabase`.
   * @default one instance of 10Gi, no backups
   */
  readonly database?: PostgresOptions;
  /**
   * A PostgreSQL database of your own instead of the CloudNativePG cluster; its password comes from
   * the Secret it names (namespace `keycloak`, key `password`).
   * @default none: the CloudNativePG cluster
   */
  readonly externalDatabase?: ExternalDatabase;
}

/** The Bitnami preset of the chart: `bitnamilegacy` images at the chart's tags, both charts' own NetworkPolicies off. */
const BITNAMI = bitnamiPreset({
  images: [
    { path: ['image'], image: IMAGES.keycloak },
    { path: ['keycloakConfigCli', 'image'], image: IMAGES.keycloakConfigCli },
  ],
  networkPolicies: [['networkPolicy']],
});

/**
 * Keycloak: the identity provider (OIDC, SAML) for people using the Sovereign, and the OIDC issuer
 * every other Blueprint logs people in through.
 *
 * Installs the Bitnami chart (with `bitnamiPreset`) in production mode behind a TLS-terminating
 * proxy (`proxyHeaders: xforwarded`). The chart's Ingress is off: exposure is decided by whatever
 * Blueprint owns ingress. The admin password comes from a Secret: generated in the cluster, or your
 * own named in the props.
 *
 * The database is a CloudNativePG cluster in namespace `keycloak`, rendered into this folder with
 * `cluster.blueprint(Cnpg).render(...)`; the chart's embedded Bitnami PostgreSQL is off and
 * `externalDatabase` takes the operator's host, database, owner and `<cluster>-app` Secret (key
 * `password`) from `Cnpg.database`. JDBC's default `sslmode=prefer` encrypts the connection, as
 * CloudNativePG serves TLS. `props.externalDatabase` names a database of your own instead.
 *
 * The realm (`cluster.auth.realm`) and its clients are declared as code with the chart's bundled
 * keycloak-config-cli Job (`keycloakConfigCli.*`, a Helm post-install/post-upgrade hook that
 * re-runs whenever the realm file changes; https://github.com/adorsys/keycloak-config-cli): the
 * Kubernetes API server's public client (`cluster.auth.kubernetesClientId`) and one confidential
 * client per claim of every `OidcConsumer` in the cluster (see `realmClients`). A consumer reads its
 * client with `cluster.blueprint(Keycloak).oidcClient(cluster, this)`. Client secrets are generated
 * in the cluster (`generatedSecrets`) and reach the Job as environment variables from those Secrets;
 * the realm file in Git holds only `$(env:...)` placeholders, which keycloak-config-cli substitutes
 * (`IMPORT_VARSUBSTITUTION_ENABLED`).
 *
 * Source: `CHARTS.keycloak` (https://github.com/bitnami/charts/tree/main/bitnami/keycloak);
 * reference catalog entry `keycloak`.
 */
export class Keycloak extends HelmBlueprint<KeycloakProps> implements PostgresConsumer, S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.keycloak`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: propsField.replicas().optional().describe('Keycloak replicas; more than one share sessions; default 1'),
    adminUser: z.string().min(1).max(255).regex(/^\S+$/, { error: 'must be a user name without spaces, e.g. admin' }).optional().describe('Name of the bootstrap administrator; default admin'),
    adminSecret: propsField.objectName().optional().describe('Existing Secret in namespace keycloak with the admin password under admin-password; default: keycloak-admin, generated'),
    /** The CloudNativePG database (`PostgresOptions`). */
    database: postgresPropsField(),
    /** An external PostgreSQL instead of the CloudNativePG one (`ExternalDatabase`). */
    externalDatabase: externalDatabasePropsField('keycloak'),
  }) satisfies z.ZodType<KeycloakProps>;

  /**
   * Catalog metadata: chart `keycloak` (Bitnami), namespace keycloak, after cert-manager (the
   * reference's edge), the Hetzner CSI driver (its database's volumes), CloudNativePG (extra edge:
   * the operator must run, and its CRDs exist, before the database `Cluster` in this folder applies)
   * and external-secrets (extra edge: it generates the admin and client Secrets in the cluster).
   */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'keycloak',
    title: 'Keycloak',
    category: 'identity',
    tier: 'bootstrap-kit',
    summary: 'Identity provider for the people using the Sovereign, over OIDC and SAML.',
    pin: chartPin('keycloak'),
    podSecurity: 'the Bitnami charts run Keycloak and PostgreSQL as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [CertManager, HcloudCsi, Cnpg, ExternalSecrets],
    placementModes: ['active-hotstandby', 'single-region'],
    resources: { cpuMillis: 450, memoryMiB: 1024 },
    network: {
      ingress: [
        allow.anywhere([KEYCLOAK_HTTP_PORT], 'people and OIDC clients reach Keycloak\'s HTTP port (chart value containerPorts.http, 8080) through the Cilium Ingress controller, which terminates TLS (proxyHeaders xforwarded)'),
      ],
    },
    kitSlot: 9,
  });

  /**
   * Every client the realm declares in a cluster, sorted by client id: the Kubernetes API server's
   * public client, then each claim of each `OidcConsumer` Blueprint of the cluster (a reverse read:
   * it adds no dependency edge). A consumer's `oidcClients` should read only its own props and the
   * cluster facts, so this never depends on the order Blueprints are bound in.
   *
   * @throws BlueprintError naming both claimants (the Kubernetes client, then consumers by name)
   *   when two claims (or a claim and the Kubernetes client) use one client id, and naming the consumer when a client id is not lowercase letters,
   *   digits and `-` starting with a letter (at most 63 characters)
   */
  realmClients(cluster: Cluster): RealmClient[] {
    const kubernetes: RealmClient = {
      consumer: 'kubernetes',
      clientId: cluster.auth.kubernetesClientId,
      name: 'Kubernetes API',
      redirectUris: KUBERNETES_CLIENT_REDIRECT_URIS,
    };
    const byId = new Map<string, RealmClient>([[kubernetes.clientId, kubernetes]]);
    for (const bp of [...cluster.blueprints.values()].filter(isOidcConsumer).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
      const consumer = bp.metadata.name;
      for (const claim of bp.oidcClients(cluster)) {
        if (!CLIENT_ID.test(claim.clientId)) {
          throw new BlueprintError(`Blueprint ${consumer} claims the OIDC client id ${JSON.stringify(claim.clientId)}, which is not lowercase letters, digits and "-" starting with a letter (at most 63 characters); use e.g. "${consumer}"`);
        }
        const taken = byId.get(claim.clientId);
        if (taken) {
          throw new BlueprintError(`Blueprints ${taken.consumer} and ${consumer} both claim the OIDC client "${claim.clientId}" in realm ${cluster.auth.realm}; give one of them another client id`);
        }
        byId.set(claim.clientId, { ...claim, consumer, secretName: `keycloak-client-${claim.clientId}` });
      }
    }
    return [...byId.values()].sort((a, b) => a.clientId.localeCompare(b.clientId));
  }

  /**
   * What `consumer` needs to log people in with its client `clientId`: the issuer and endpoint URLs
   * (from `cluster.auth`, so renaming the realm or the Sovereign's FQDN moves every consumer) and the
   * Secret holding the client secret in namespace `keycloak` (copy it into your namespace).
   *
   * @param cluster the cluster the consumer is bound into
   * @param consumer the consumer Blueprint; it must claim `clientId` in its `oidcClients(cluster)`
   * @param clientId the client id. @default the consumer's Blueprint name
   * @throws BlueprintError naming the consumer and the client when the consumer does not claim it,
   *   and as `realmClients` does
   */
  oidcClient(cluster: Cluster, consumer: Blueprint, clientId: string = consumer.metadata.name): OidcClient {
    const client = this.realmClients(cluster).find((c) => c.clientId === clientId && c.consumer === consumer.metadata.name);
    if (!client?.secretName) {
      const claimed = isOidcConsumer(consumer) ? consumer.oidcClients(cluster).map((c) => c.clientId) : [];
      const has = claimed.length > 0 ? `it claims ${claimed.map((c) => `"${c}"`).join(', ')}` : 'it claims none';
      throw new BlueprintError(`Blueprint ${consumer.metadata.name} reads the OIDC client "${clientId}" from Keycloak, but ${has}; return it from ${consumer.constructor.name}.oidcClients(cluster)`);
    }
    const issuerUrl = cluster.auth.issuerUrl;
    const endpoint = (path: string) => `${issuerUrl}/protocol/openid-connect/${path}`;
    const secret: SharedSecret = { namespace: this.metadata.namespace, name: client.secretName, keys: [OIDC_CLIENT_SECRET_KEY] };
    return { clientId, issuerUrl, authorizeUrl: endpoint('auth'), tokenUrl: endpoint('token'), userInfoUrl: endpoint('userinfo'), secret, secretKey: OIDC_CLIENT_SECRET_KEY };
  }

  /**
   * The realm file keycloak-config-cli imports (keycloak-config-cli's format, the Keycloak realm
   * representation): the realm of `cluster.auth.realm`, enabled, with every client of `realmClients`
   * on the authorization code flow (no direct password grants), each with a `groups` claim (group
   * names, as the API server's `--oidc-groups-claim=groups` and the consumers' role mappings read it).
   * A confidential client's `secret` is the placeholder `$(env:<variable>)` of `clientSecretVariable`.
   */
  realmImport(cluster: Cluster): Record<string, unknown> {
    const groups = {
      name: 'groups',
      protocol: 'openid-connect',
      protocolMapper: 'oidc-group-membership-mapper',
      config: { 'claim.name': 'groups', 'full.path': 'false', 'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' },
    };
    const clients = this.realmClients(cluster).map((c) => ({
      clientId: c.clientId,
      name: c.name,
      enabled: true,
      protocol: 'openid-connect',
      publicClient: c.secretName === undefined,
      ...(c.secretName === undefined ? {} : { clientAuthenticatorType: 'client-secret', secret: `$(env:${clientSecretVariable(c.clientId)})` }),
      standardFlowEnabled: true,
      directAccessGrantsEnabled: false,
      ...(c.rootUrl === undefined ? {} : { rootUrl: c.rootUrl }),
      redirectUris: [...c.redirectUris],
      webOrigins: ['+'],
      protocolMappers: [groups],
    }));
    return { realm: cluster.auth.realm, enabled: true, clients };
  }

  /** The admin Secret this instance reads: the props' own, else generated in the cluster. */
  private adminSecret() {
    return secretOrGenerated(this.props.adminSecret, { name: 'keycloak-admin', namespaces: [this.metadata.namespace], randomKeys: ['admin-password'] });
  }

  /** Whether CloudNativePG runs the database (no `externalDatabase`). */
  usesCnpg(_cluster: Cluster): boolean {
    return this.props.externalDatabase === undefined;
  }

  /** The database's backup bucket when `database.backups` is on (and the database is CloudNativePG's). */
  s3Buckets(cluster: Cluster): S3BucketClaim[] {
    return this.usesCnpg(cluster) && this.props.database?.backups ? [cnpgBackupBucket(this)] : [];
  }

  /** The chart's `externalDatabase` values: the CloudNativePG cluster's facts, or the props' own database. */
  private externalDatabaseValues(cluster: Cluster): Record<string, unknown> {
    const own = this.props.externalDatabase;
    if (own) {
      return {
        host: own.host,
        port: own.port ?? EXTERNAL_DATABASE_PORT,
        user: own.user,
        database: own.database,
        existingSecret: own.passwordSecret,
        existingSecretPasswordKey: EXTERNAL_DATABASE_PASSWORD_KEY,
        extraParams: `sslmode=${own.sslMode ?? 'require'}`,
      };
    }
    const db = cluster.blueprint(Cnpg).database(cluster, this);
    return { host: db.host, port: db.port, user: db.user, database: db.database, existingSecret: db.secret, existingSecretPasswordKey: 'password' };
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
    return mergeValues(BITNAMI.values, {
      replicaCount: this.props.replicas ?? 1,
      production: true,
      proxyHeaders: 'xforwarded',
      extraEnvVars: [{ name: 'KC_HOSTNAME', value: `https://${ctx.auth.hostname}` }],
      auth: { adminUser: this.props.adminUser ?? 'admin', existingSecret: this.adminSecret().name, passwordSecretKey: 'admin-password' },
      resources: resources('250m', '512Mi', '2Gi'),
      ingress: { enabled: false },
      keycloakConfigCli: {
        enabled: true,
        resources: resources('100m', '256Mi', '512Mi'),
        extraEnvVars: [
          { name: 'IMPORT_VARSUBSTITUTION_ENABLED', value: 'true' },
          ...this.realmClients(ctx).flatMap((c) => (c.secretName === undefined ? [] : [{ name: clientSecretVariable(c.clientId), valueFrom: { secretKeyRef: { name: c.secretName, key: OIDC_CLIENT_SECRET_KEY } } }])),
        ],
        configuration: { [`${ctx.auth.realm}.json`]: `${JSON.stringify(this.realmImport(ctx), null, 2)}\n` },
      },
      postgresql: { enabled: false },
      externalDatabase: this.externalDatabaseValues(ctx),
    });
  }

  /** Renders the chart (see `HelmBlueprint.render`) and, unless `externalDatabase` is set, the CloudNativePG cluster of its database. */
  protected override render(scope: BlueprintConstruct, cluster: Cluster): void {
    super.render(scope, cluster);
    if (this.usesCnpg(cluster)) cluster.blueprint(Cnpg).render(scope, cluster, this, this.props.database);
  }

  /** The metadata's allowances and, with the CloudNativePG database, its network (`Cnpg.withDatabaseNetwork`). */
  override networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    return this.usesCnpg(cluster) ? cluster.blueprint(Cnpg).withDatabaseNetwork(cluster, this, base) : base;
  }

  /** The reasons of the Bitnami preset. */
  protected valueReasons(): ValueReason[] {
    return BITNAMI.reasons;
  }

  /**
   * Generates the admin Secret unless the props name one of your own, and the client secret of
   * every confidential client of the realm (`keycloak-client-<clientId>`, key `client-secret`).
   */
  generatedSecrets(ctx: Cluster): GeneratedSecret[] {
    const clients = this.realmClients(ctx).flatMap((c) => (c.secretName === undefined ? [] : [{ name: c.secretName, namespaces: [this.metadata.namespace], randomKeys: [OIDC_CLIENT_SECRET_KEY] }]));
    return [...this.adminSecret().generated, ...clients];
  }
}

/**
 * The environment variable the keycloak-config-cli Job reads a client's secret from:
 * `KEYCLOAK_CLIENT_SECRET_<CLIENT ID>`, upper case with `-` as `_` (client ids are lowercase
 * letters, digits and `-`, so no two clients share one).
 */
export function clientSecretVariable(clientId: string): string {
  return `KEYCLOAK_CLIENT_SECRET_${clientId.toUpperCase().replace(/-/g, '_')}`;
}
