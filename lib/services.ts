/**
 * The shapes of the platform services one Blueprint provides to others: S3 buckets, PostgreSQL
 * databases, OIDC clients and shared Secrets. A provider Blueprint (SeaweedFS, CloudNativePG,
 * Keycloak, external-secrets) returns these from its typed getters; a consumer reads them through
 * `cluster.blueprint(Provider)` (which records the reference and so the Flux `dependsOn` edge) and
 * never writes a host, port, bucket or Secret name of its own. One source of truth per fact.
 *
 * A provider learns what to create (buckets, databases, clients) by asking the cluster's Blueprints
 * that implement the matching consumer interface (`S3Consumer`, `OidcConsumer`); reading a dependent
 * adds no edge, so this never forms a cycle.
 */
import type { Construct } from 'constructs';
import type { Blueprint, GeneratedSecret } from './blueprint';
import type { Cluster } from './cluster';

/** One key of a Secret in a known namespace. */
export interface SecretKeyRef {
  /** Secret name. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/**
 * A Secret one namespace holds that consumers in other namespaces copy into their own (see the
 * external-secrets Blueprint's copy helper): the source of truth stays in `namespace`.
 */
export interface SharedSecret {
  /** Namespace holding the Secret. */
  readonly namespace: string;
  /** Secret name. */
  readonly name: string;
  /** Keys a consumer may copy, sorted. */
  readonly keys: readonly string[];
}

/** A bucket a consumer asks the S3 provider for. */
export interface S3BucketClaim {
  /** Bucket name, unique in the cluster: `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`, by convention `<blueprint>-<purpose>`. */
  readonly bucket: string;
  /** What the consumer keeps there, one line (e.g. `Loki log chunks`). */
  readonly purpose: string;
}

/** What a consumer needs to use one bucket of the cluster's S3 endpoint. */
export interface S3Bucket {
  /** Bucket name. */
  readonly bucket: string;
  /** Endpoint URL with scheme and port, e.g. `http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333`. */
  readonly endpoint: string;
  /** Host name of the endpoint (no scheme, no port). */
  readonly host: string;
  /** TCP port of the endpoint. */
  readonly port: number;
  /** Whether the endpoint speaks TLS. */
  readonly tls: boolean;
  /** Region name clients sign requests with. */
  readonly region: string;
  /** Whether clients must address buckets by path (`endpoint/bucket`) instead of by virtual host: true for in-cluster endpoints. */
  readonly forcePathStyle: boolean;
  /** The consumer's credentials in the provider's namespace; copy it into the consumer's namespace. */
  readonly credentials: SharedSecret;
  /** Key of the access key id in `credentials`. */
  readonly accessKeyIdKey: string;
  /** Key of the secret access key in `credentials`. */
  readonly secretAccessKeyKey: string;
}

/** A Blueprint that keeps data in the cluster's S3 endpoint. */
export interface S3Consumer {
  /** The buckets it needs in this cluster (none when its props turn S3 off). */
  s3Buckets(cluster: Cluster): readonly S3BucketClaim[];
}

/** Whether a Blueprint declares S3 buckets. */
export function isS3Consumer(bp: Blueprint): bp is Blueprint & S3Consumer {
  return typeof (bp as Partial<S3Consumer>).s3Buckets === 'function';
}

/** What a consumer needs to connect to its PostgreSQL database. */
export interface PostgresDatabase {
  /** Namespace of the database cluster and its Secret (the consumer's own). */
  readonly namespace: string;
  /** Name of the CloudNativePG `Cluster`. */
  readonly cluster: string;
  /** Read-write Service host, e.g. `keycloak-pg-rw.keycloak.svc.cluster.local`. */
  readonly host: string;
  /** PostgreSQL port. */
  readonly port: number;
  /** Database name. */
  readonly database: string;
  /** Owner role of the database. */
  readonly user: string;
  /**
   * The connection Secret the operator writes in `namespace` (`<cluster>-app`), with the keys
   * `host`, `port`, `dbname`, `user`, `username`, `password`, `uri` and `jdbc-uri`.
   */
  readonly secret: string;
}

/** A client a consumer asks the OIDC provider to register. */
export interface OidcClientClaim {
  /** Client id, unique in the realm, by convention the consumer's Blueprint name. */
  readonly clientId: string;
  /** Display name shown on the consent and account pages. */
  readonly name: string;
  /** Allowed redirect URIs after login (exact URLs or a trailing `*`). */
  readonly redirectUris: readonly string[];
  /** Base URL of the application, shown as its link. */
  readonly rootUrl: string;
}

/** What a consumer needs to log people in through the Sovereign's OIDC issuer. */
export interface OidcClient {
  /** Client id. */
  readonly clientId: string;
  /** Issuer URL (`https://auth.<fqdn>/realms/<realm>`), the base of discovery (`/.well-known/openid-configuration`). */
  readonly issuerUrl: string;
  /** Authorization endpoint URL. */
  readonly authorizeUrl: string;
  /** Token endpoint URL. */
  readonly tokenUrl: string;
  /** UserInfo endpoint URL. */
  readonly userInfoUrl: string;
  /** The client secret in the provider's namespace; copy it into the consumer's namespace. */
  readonly secret: SharedSecret;
  /** Key of the client secret in `secret`. */
  readonly secretKey: string;
}

/** A Blueprint that logs people in through the cluster's OIDC issuer. */
export interface OidcConsumer {
  /** The clients it needs in this cluster (none when its props turn OIDC off). */
  oidcClients(cluster: Cluster): readonly OidcClientClaim[];
}

/** Whether a Blueprint declares OIDC clients. */
export function isOidcConsumer(bp: Blueprint): bp is Blueprint & OidcConsumer {
  return typeof (bp as Partial<OidcConsumer>).oidcClients === 'function';
}

/**
 * The Blueprint that creates the Secrets other Blueprints declare with `generatedSecrets`, inside the
 * cluster (the external-secrets Blueprint). `Blueprint.bind` finds it among the cluster's Blueprints,
 * reads it (so the declarer's Flux `dependsOn` edge to it exists) and has it render the objects into
 * the declarer's folder.
 */
export interface SecretGenerator {
  /**
   * Renders, into `scope` (the declaring Blueprint's construct), what creates `secrets` once in the
   * cluster.
   * @param owner the Blueprint that declares them
   */
  renderGeneratedSecrets(scope: Construct, cluster: Cluster, owner: Blueprint, secrets: readonly GeneratedSecret[]): void;
}

/** Whether a Blueprint generates declared Secrets in the cluster. */
export function isSecretGenerator(bp: Blueprint): bp is Blueprint & SecretGenerator {
  return typeof (bp as Partial<SecretGenerator>).renderGeneratedSecrets === 'function';
}
