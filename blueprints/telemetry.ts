/**
 * What the three telemetry stores (Loki, Mimir, Tempo) share: the retention props field, how they
 * read their S3 credentials (environment variables from the copied Secret, expanded into the
 * config by the binary itself), and which namespaces may reach them (the Blueprints that ship
 * telemetry in, and the one that queries it).
 */
import type { z } from 'zod';
import type { NetworkRule } from '../lib/blueprint';
import type { Cluster } from '../lib/cluster';
import type { S3Bucket } from '../lib/services';
import { allow, wholeNumber } from './common';
import { SeaweedFs } from './platform/seaweedfs';

/** The flag (name and value) that makes Loki, Mimir and Tempo expand `${VAR}` in their config file from the environment. */
export const EXPAND_ENV = {
  /** Flag name without the leading `-`. */
  flag: 'config.expand-env',
  /** Flag value. */
  value: 'true',
} as const;

/** `EXPAND_ENV` as one command-line argument: `-config.expand-env=true`. */
export const EXPAND_ENV_FLAG = `-${EXPAND_ENV.flag}=${EXPAND_ENV.value}`;

/**
 * Names of the environment variables the stores read their S3 access key from. Loki, Mimir and
 * Tempo all expand `${VAR}` in their config files when started with `-config.expand-env=true`
 * (https://grafana.com/docs/loki/latest/configure/#use-environment-variables-in-the-configuration).
 */
export const S3_CREDENTIAL_ENV = {
  /** Holds the access key id. */
  accessKeyId: 'S3_ACCESS_KEY_ID',
  /** Holds the secret access key. */
  secretAccessKey: 'S3_SECRET_ACCESS_KEY',
} as const;

/** `${VAR}` references to the credential variables, for a config file expanded at start. */
export const S3_CREDENTIAL_REFS = {
  /** The access key id. */
  accessKeyId: `\${${S3_CREDENTIAL_ENV.accessKeyId}}`,
  /** The secret access key. */
  secretAccessKey: `\${${S3_CREDENTIAL_ENV.secretAccessKey}}`,
} as const;

/**
 * Container environment variables holding the S3 credentials of `bucket`, read from the local
 * copy of its credentials Secret (never a literal).
 * @param secretName name of the Secret in the store's namespace (what `copySecret` returns)
 * @param bucket the bucket whose key names to read
 */
export function s3CredentialEnv(secretName: string, bucket: S3Bucket): Array<Record<string, unknown>> {
  const ref = (key: string) => ({ secretKeyRef: { name: secretName, key } });
  return [
    { name: S3_CREDENTIAL_ENV.accessKeyId, valueFrom: ref(bucket.accessKeyIdKey) },
    { name: S3_CREDENTIAL_ENV.secretAccessKey, valueFrom: ref(bucket.secretAccessKeyKey) },
  ];
}

/**
 * The endpoint of `bucket` as `host:port`, the form the stores' S3 clients take (with the scheme
 * given by their `insecure` switch instead): `bucket.endpoint` without its scheme.
 */
export function s3EndpointAddress(bucket: S3Bucket): string {
  return `${bucket.host}:${bucket.port}`;
}

/**
 * The egress rule to the cluster's S3 endpoint: SeaweedFS's namespace, on the endpoint's port.
 * @param what what the store keeps there, for the reason, e.g. `log chunks`
 */
export function s3Egress(cluster: Cluster, bucket: S3Bucket, what: string): NetworkRule {
  return allow.namespace(cluster.blueprint(SeaweedFs).metadata.namespace, [bucket.port], `${what} in the S3 endpoint ${bucket.host}`);
}

/** zod schema of a retention props field: a whole number of days from 1 to 3650 (ten years); each call site adds its `.describe()`. */
export function retentionDaysField(): z.ZodOptional<z.ZodNumber> {
  return wholeNumber(1, 3650).optional();
}

/** A number of days as a duration in hours (`720h`), the unit every store's config accepts. */
export function daysAsHours(days: number): string {
  return `${days * 24}h`;
}

/**
 * Catalog names of the Blueprints that ship telemetry into the stores (the OpenTelemetry collector
 * and Alloy). They are read back by name (`cluster.blueprints`) rather than by class, since they
 * read the stores' endpoints and so depend on them: a reverse read that adds no edge.
 */
export const TELEMETRY_SHIPPERS: readonly string[] = ['opentelemetry', 'alloy'];

/** Catalog names of the Blueprints that query the stores (Grafana), read back by name like `TELEMETRY_SHIPPERS`. */
export const TELEMETRY_READERS: readonly string[] = ['grafana'];

/** Namespaces of the cluster's Blueprints named in `names` (those installed), sorted, without repeats. */
function namespacesOf(cluster: Cluster, names: readonly string[]): string[] {
  const found = names.flatMap((name) => {
    const bp = cluster.blueprints.get(name);
    return bp ? [bp.metadata.namespace] : [];
  });
  return [...new Set(found)].sort();
}

/**
 * Ingress rules of a store: `ingest` ports from the namespaces of the installed shippers, `query`
 * ports from the namespaces of the installed readers (none for a Blueprint not in the cluster). One
 * namespace allowed the same ports for both gets one rule naming both reasons.
 * @param store the store's title for the reasons, e.g. `Loki`
 * @param ingest ports and what they accept, e.g. `[3100]`, `log pushes`
 * @param query ports and what they serve
 */
export function telemetryIngress(
  cluster: Cluster,
  store: string,
  ingest: { readonly ports: readonly number[]; readonly what: string },
  query: { readonly ports: readonly number[]; readonly what: string },
): NetworkRule[] {
  const rules = new Map<string, { ns: string; ports: readonly number[]; reasons: string[] }>();
  const add = (names: readonly string[], ports: readonly number[], reason: (ns: string) => string) => {
    for (const ns of namespacesOf(cluster, names)) {
      const key = `${ns}:${ports.join(',')}`;
      const rule = rules.get(key) ?? { ns, ports, reasons: [] };
      rule.reasons.push(reason(ns));
      rules.set(key, rule);
    }
  };
  add(TELEMETRY_SHIPPERS, ingest.ports, (ns) => `${ingest.what} into ${store} from ${ns}`);
  add(TELEMETRY_READERS, query.ports, (ns) => `${query.what} of ${store} from ${ns}`);
  return [...rules.values()].map((r) => allow.namespace(r.ns, r.ports, r.reasons.join('; ')));
}
