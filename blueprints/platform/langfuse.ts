import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { OidcClientClaim, OidcConsumer, S3BucketClaim, S3Consumer } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, propsField, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { cnpgBackupBucket, postgresPropsField, type PostgresConsumer, type PostgresOptions } from '../postgres';
import { copySecret } from '../secrets';
import { ACME_HTTP01_SOLVER_PORT, CertManager } from './cert-manager';
import { Cnpg } from './cnpg';
import { ExternalSecrets } from './external-secrets';
import { Keycloak } from './keycloak';
import { SeaweedFs } from './seaweedfs';

/** Langfuse web's HTTP port: the chart's `langfuse.web.service.port` (3000). */
export const LANGFUSE_HTTP_PORT = 3000;

/** UID of the `nextjs` (web) and `expressjs` (worker) users the Langfuse images run as; their Dockerfiles name the users, so the kubelet needs the number to verify `runAsNonRoot`. */
const LANGFUSE_UID = 1001;

/** The generated Secret (namespace `langfuse`) with NextAuth's session secret and the API key salt. */
const APP_SECRET = 'langfuse-app';

/** The generated Secret (namespace `langfuse`) with the bundled ClickHouse's password, read by ClickHouse and by Langfuse. */
const CLICKHOUSE_SECRET = 'langfuse-clickhouse';

/** The bucket of raw ingestion events. */
const EVENTS_BUCKET = 'langfuse-events';

/** The bucket of media attachments. */
const MEDIA_BUCKET = 'langfuse-media';

/** The generated Secret (namespace `langfuse`) with the bundled Valkey's password, read by Valkey and by Langfuse. */
const VALKEY_SECRET = 'langfuse-valkey';

/** Names of the local copies of the provider Secrets (namespace `langfuse`). */
const COPIES = {
  /** The S3 credentials of Langfuse's identity in SeaweedFS. */
  s3: 'langfuse-s3',
  /** The Keycloak client secret. */
  oidc: 'langfuse-oidc',
} as const;

/** Props of the Langfuse Blueprint. */
export interface LangfuseProps extends BlueprintProps {
  /** Public host name of the Langfuse UI and API (`NEXTAUTH_URL`, the OIDC redirect). @default `langfuse.<sovereign fqdn>` */
  readonly hostname?: string;
  /** Replicas of the web container (UI and ingestion API). @default 1 */
  readonly webReplicas?: number;
  /** Replicas of the worker (asynchronous event processing). @default 1 */
  readonly workerReplicas?: number;
  /** Log in through the Sovereign's Keycloak (a client `langfuse` in its realm); e-mail/password sign-up is then off. @default true */
  readonly oidc?: boolean;
  /** Size of the bundled ClickHouse's data volume (traces, observations, scores). @default '20Gi' */
  readonly clickhouseStorageSize?: string;
  /**
   * Existing Secret (namespace `langfuse`) holding `ENCRYPTION_KEY`, 64 hexadecimal characters
   * (`openssl rand -hex 32`), under the key `encryption-key`: Langfuse encrypts stored LLM API keys
   * with it. Without it, LLM connections (playground, evaluations) cannot be saved.
   * @default none
   */
  readonly encryptionKeySecret?: string;
  /** Ingress class to expose Langfuse with (host = `hostname`, TLS from the cert-manager issuer). No Ingress without it. @default none */
  readonly ingressClassName?: string;
  /** Langfuse's PostgreSQL database (CloudNativePG, namespace `langfuse`). @default one instance of 10Gi, no backups */
  readonly database?: PostgresOptions;
}

/**
 * Langfuse v3: tracing, evaluation and prompt management for LLM applications (web UI and API, plus
 * a worker that processes events).
 *
 * Its stores, each from the Blueprint that provides it (no host or Secret name written here):
 * PostgreSQL from CloudNativePG (`PostgresConsumer`, `cluster.blueprint(Cnpg)`), the buckets
 * `langfuse-events` and `langfuse-media` on SeaweedFS (one identity for both) (`S3Consumer`, `cluster.blueprint(SeaweedFs).bucket`, credentials
 * copied with `copySecret`), and login through Keycloak (`OidcConsumer`, client `langfuse`, secret copied; e-mail
 * sign-up off while OIDC is on). NextAuth's secret, the salt and ClickHouse's password are generated
 * in the cluster.
 *
 * Redis is the chart's bundled Bitnami Valkey (one standalone primary, password generated in the
 * cluster, its own allow-all NetworkPolicy off): the Valkey Blueprint's connection getter was not
 * available when this Blueprint was written; switching means `redis.deploy: false` with the host,
 * port and copied password from it. ClickHouse is the chart's bundled Bitnami subchart, as one replica without ZooKeeper (cluster mode
 * off): no ClickHouse Blueprint is in the kit, and the Altinity operator (the other chart data we
 * have) would add an operator and its CRDs for one consumer. The subchart's own NetworkPolicy
 * (allowing all egress) is off so the namespace's default deny holds. Batch exports are off: they
 * hand the browser a presigned URL of the S3 endpoint, which is reachable in the cluster only. Media
 * attachments use presigned URLs too (this chart version always configures them), so only SDKs
 * running in the cluster can upload media until the S3 endpoint is published.
 * Usage telemetry to Langfuse is off.
 *
 * Source: `CHARTS.langfuse` (https://github.com/langfuse/langfuse-k8s, https://langfuse.com/self-hosting);
 * the subchart's values from bitnami/charts `bitnami/clickhouse` at the version the chart's
 * Chart.yaml pins; reference kit slot 26, whose edges cnpg, keycloak and cert-manager are kept; extra
 * edges: SeaweedFS, its object store, and external-secrets, which generates its Secrets and copies
 * the providers' ones.
 */
export class Langfuse extends HelmBlueprint<LangfuseProps> implements OidcConsumer, PostgresConsumer, S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.langfuse`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    hostname: propsField.hostname().optional().describe('Public host name of Langfuse; default langfuse.<fqdn>'),
    webReplicas: wholeNumber(1, 10).optional().describe('Replicas of the web container, 1-10; default 1'),
    workerReplicas: wholeNumber(1, 10).optional().describe('Replicas of the worker, 1-10; default 1'),
    oidc: z.boolean().optional().describe('Log in through the Sovereign\'s Keycloak (e-mail sign-up off); default true'),
    clickhouseStorageSize: propsField.storageSize().optional().describe('Size of the ClickHouse data volume; default 20Gi'),
    encryptionKeySecret: propsField.objectName().optional().describe('Existing Secret in namespace langfuse with 64 hex characters under encryption-key; default none'),
    ingressClassName: propsField.objectName().optional().describe('Ingress class to expose Langfuse with; no Ingress without it'),
    /** The CloudNativePG database (`PostgresOptions`). */
    database: postgresPropsField(),
  }) satisfies z.ZodType<LangfuseProps>;

  /** Catalog metadata: chart `langfuse`, namespace langfuse, after CNPG, Keycloak and cert-manager (reference), SeaweedFS and external-secrets. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'langfuse',
    title: 'Langfuse',
    category: 'ai-ml',
    tier: 'bootstrap-kit',
    summary: 'Tracing, evaluation and prompt management for LLM applications.',
    pin: chartPin('langfuse'),
    podSecurity: `the curated values run web and worker as UID ${LANGFUSE_UID} with no capabilities and the RuntimeDefault seccomp profile; the Bitnami ClickHouse is restricted by default`,
    dependsOn: [Cnpg, Keycloak, CertManager, SeaweedFs, ExternalSecrets],
    placementModes: ['single-region'],
    resources: { cpuMillis: 1050, memoryMiB: 2176 },
    timeout: '15m',
    network: {
      ingress: [allow.anywhere([LANGFUSE_HTTP_PORT], `people and SDKs reach the web container's HTTP port (chart value langfuse.web.service.port, ${LANGFUSE_HTTP_PORT}) through the Cilium Ingress controller`)],
    },
    kitSlot: 26,
    templateValues: [
      { path: 'redis.networkPolicy.enabled', template: 'charts/valkey/templates/networkpolicy.yaml', why: 'the bundled Bitnami valkey subchart (alias redis; values from bitnami/charts at the version Chart.yaml pins) renders its allow-all-egress NetworkPolicy only when this is on (its default is true)' },
      ...['redis.primary.resourcesPreset', 'redis.primary.resources', 'redis.primary.persistence.size'].map((path) => ({
        path,
        template: 'charts/valkey/templates/primary/application.yaml',
        why: 'the bundled Bitnami valkey subchart (alias redis) renders the primary\'s resources and its data volume claim from it; the chart data here has only the parent chart\'s values.yaml',
      })),
      { path: 'clickhouse.zookeeper.enabled', template: 'charts/clickhouse/templates/statefulset.yaml', why: 'the bundled Bitnami clickhouse subchart (values from bitnami/charts at the version Chart.yaml pins) points ClickHouse at ZooKeeper only when it is on, and its Chart.yaml deploys the zookeeper subchart on this condition' },
      { path: 'clickhouse.networkPolicy.enabled', template: 'charts/clickhouse/templates/networkpolicy.yaml', why: 'the bundled Bitnami clickhouse subchart renders its allow-all-egress NetworkPolicy only when this is on (the subchart\'s default is true)' },
      { path: 'clickhouse.resources', template: 'charts/clickhouse/templates/statefulset.yaml', why: 'the bundled Bitnami clickhouse subchart renders the container resources from it (toYaml), in place of resourcesPreset' },
      { path: 'clickhouse.persistence.size', template: 'charts/clickhouse/templates/statefulset.yaml', why: 'the bundled Bitnami clickhouse subchart sizes the data volume claim template from it' },
    ],
  });

  /** Public host name of this instance in a cluster. */
  hostname(ctx: Cluster): string {
    return this.props.hostname ?? `langfuse.${ctx.sovereign.fqdn}`;
  }

  /** Whether people log in through Keycloak. */
  private get oidc(): boolean {
    return this.props.oidc ?? true;
  }

  /** Langfuse's buckets: raw events and media; with database backups, the CNPG backup bucket too. */
  s3Buckets(_ctx: Cluster): readonly S3BucketClaim[] {
    return [
      { bucket: EVENTS_BUCKET, purpose: 'Langfuse raw ingestion events (web writes, worker reads)' },
      { bucket: MEDIA_BUCKET, purpose: 'Langfuse media attachments of traces (images, audio, files)' },
      ...(this.props.database?.backups ? [cnpgBackupBucket(this)] : []),
    ];
  }

  /** The Keycloak client Langfuse logs people in with: `langfuse`, redirected to NextAuth's Keycloak callback (none with `oidc: false`). */
  oidcClients(ctx: Cluster): readonly OidcClientClaim[] {
    if (!this.oidc) return [];
    const root = `https://${this.hostname(ctx)}`;
    return [{ clientId: this.metadata.name, name: 'Langfuse', redirectUris: [`${root}/api/auth/callback/keycloak`], rootUrl: `${root}/` }];
  }

  /** Always true: Langfuse's database is a CloudNativePG cluster in its namespace. */
  usesCnpg(_ctx: Cluster): boolean {
    return true;
  }

  /**
   * Values of the chart `langfuse`: web and worker (replicas, requests, restricted), NextAuth URL
   * and secrets from Secrets, Keycloak login, no telemetry; PostgreSQL and S3 external (their
   * Blueprints'), ClickHouse and Valkey bundled as one replica each; optional Ingress.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const host = this.hostname(ctx);
    const db = ctx.blueprint(Cnpg).database(ctx, this);
    const bucket = ctx.blueprint(SeaweedFs).bucket(ctx, this, EVENTS_BUCKET);
    const media = ctx.blueprint(SeaweedFs).bucket(ctx, this, MEDIA_BUCKET);
    const client = this.oidc ? ctx.blueprint(Keycloak).oidcClient(ctx, this) : undefined;
    const ref = (name: string, key: string) => ({ secretKeyRef: { name, key } });
    const oidcEnv = client
      ? [
          { name: 'AUTH_KEYCLOAK_CLIENT_ID', value: client.clientId },
          { name: 'AUTH_KEYCLOAK_CLIENT_SECRET', valueFrom: ref(COPIES.oidc, client.secretKey) },
          { name: 'AUTH_KEYCLOAK_ISSUER', value: client.issuerUrl },
          { name: 'AUTH_DISABLE_USERNAME_PASSWORD', value: 'true' },
        ]
      : [];
    return {
      langfuse: {
        nextauth: { url: `https://${host}`, secret: ref(APP_SECRET, 'nextauth-secret') },
        salt: ref(APP_SECRET, 'salt'),
        ...(p.encryptionKeySecret ? { encryptionKey: ref(p.encryptionKeySecret, 'encryption-key') } : {}),
        features: { telemetryEnabled: false, signUpDisabled: client !== undefined },
        additionalEnv: oidcEnv,
        podSecurityContext: restrictedPodSecurityContext({ user: LANGFUSE_UID }),
        securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: false }),
        image: { pullPolicy: 'IfNotPresent' },
        web: { replicas: p.webReplicas ?? 1, resources: resources('250m', '512Mi', '2Gi') },
        worker: { replicas: p.workerReplicas ?? 1, resources: resources('250m', '512Mi', '2Gi') },
        ingress: p.ingressClassName
          ? {
              enabled: true,
              className: p.ingressClassName,
              annotations: { 'cert-manager.io/cluster-issuer': ctx.blueprint(CertManager).clusterIssuerName() },
              hosts: [{ host, paths: [{ path: '/', pathType: 'Prefix' }] }],
              tls: { enabled: true, secretName: 'langfuse-tls' },
            }
          : { enabled: false },
      },
      postgresql: {
        deploy: false,
        host: db.host,
        port: db.port,
        auth: { username: db.user, database: db.database, existingSecret: db.secret, secretKeys: { userPasswordKey: 'password' } },
      },
      redis: {
        deploy: true,
        architecture: 'standalone',
        auth: { existingSecret: VALKEY_SECRET, existingSecretPasswordKey: 'password' },
        primary: { resourcesPreset: 'none', resources: resources('50m', '128Mi', '512Mi'), persistence: { size: '2Gi' } },
        networkPolicy: { enabled: false },
      },
      clickhouse: {
        deploy: true,
        replicaCount: 1,
        shards: 1,
        clusterEnabled: false,
        resourcesPreset: 'none',
        resources: resources('500m', '1Gi', '3Gi'),
        persistence: { size: p.clickhouseStorageSize ?? '20Gi' },
        zookeeper: { enabled: false },
        networkPolicy: { enabled: false },
        auth: { existingSecret: CLICKHOUSE_SECRET, existingSecretKey: 'password' },
      },
      s3: {
        deploy: false,
        bucket: bucket.bucket,
        endpoint: bucket.endpoint,
        region: bucket.region,
        forcePathStyle: bucket.forcePathStyle,
        accessKeyId: { secretKeyRef: { name: COPIES.s3, key: bucket.accessKeyIdKey } },
        secretAccessKey: { secretKeyRef: { name: COPIES.s3, key: bucket.secretAccessKeyKey } },
        batchExport: { enabled: false },
        mediaUpload: { bucket: media.bucket },
      },
    };
  }

  /** Why the bundled stores and features are off, and ClickHouse is small. */
  protected valueReasons(): ValueReason[] {
    return [
      { path: ['clickhouse', 'networkPolicy', 'enabled'], reason: 'the Bitnami subchart\'s NetworkPolicy allows all egress and would undo the namespace\'s default deny' },
      { path: ['clickhouse', 'zookeeper', 'enabled'], reason: 'one ClickHouse replica (cluster mode off) needs no ZooKeeper' },
      { path: ['redis', 'networkPolicy', 'enabled'], reason: 'the Bitnami subchart\'s NetworkPolicy allows all egress and would undo the namespace\'s default deny' },
      { path: ['s3', 'batchExport', 'enabled'], reason: 'batch exports hand browsers presigned URLs of the S3 endpoint, which is reachable in the cluster only' },
    ];
  }

  /** Renders namespace, policies, source and HelmRelease, then its CNPG database and the copies of its S3 and (with OIDC) Keycloak Secrets. */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    super.render(chart, ctx);
    ctx.blueprint(Cnpg).render(chart, ctx, this, this.props.database);
    copySecret(chart, ctx, ctx.blueprint(SeaweedFs).bucket(ctx, this, EVENTS_BUCKET).credentials, { name: COPIES.s3 });
    if (this.oidc) copySecret(chart, ctx, ctx.blueprint(Keycloak).oidcClient(ctx, this).secret, { name: COPIES.oidc });
  }

  /**
   * The metadata's allowances, plus egress to SeaweedFS's S3 port in its namespace, public HTTPS (Keycloak's token and userinfo endpoints at the issuer's public host,
   * and the LLM providers the playground and evaluations call), the HTTP-01 solver with an Ingress,
   * and what its CNPG database needs.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    const bucket = ctx.blueprint(SeaweedFs).bucket(ctx, this, EVENTS_BUCKET);
    const egress = [
      allow.namespace(ctx.blueprint(SeaweedFs).metadata.namespace, [bucket.port], 'raw events and media in its buckets on the S3 endpoint'),
      allow.internet([443], `Keycloak's token endpoint at the issuer's public host ${ctx.auth.hostname}, and the LLM providers' APIs the playground and evaluations call`),
    ];
    const solver = this.props.ingressClassName ? [allow.anywhere([ACME_HTTP01_SOLVER_PORT], 'cert-manager\'s HTTP-01 solver pod for the Ingress\'s certificate answers the ACME challenge here, reached through the Cilium Ingress controller')] : [];
    return ctx.blueprint(Cnpg).withDatabaseNetwork(ctx, this, { ingress: [...(base.ingress ?? []), ...solver], egress: [...(base.egress ?? []), ...egress] });
  }

  /** Generates NextAuth's secret and the salt, and ClickHouse's and Valkey's passwords, in the cluster. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    const namespaces = [this.metadata.namespace];
    return [
      { name: APP_SECRET, namespaces, randomKeys: ['nextauth-secret', 'salt'] },
      { name: CLICKHOUSE_SECRET, namespaces, randomKeys: ['password'] },
      { name: VALKEY_SECRET, namespaces, randomKeys: ['password'] },
    ];
  }
}
