/**
 * Test support for the telemetry stores (Loki, Mimir, Tempo): stand-ins for the Blueprints that
 * ship telemetry in and query it (the OpenTelemetry collector, Alloy, Grafana), under their
 * catalog names and in namespaces of their own, so a store's reverse reads can be exercised
 * whichever of them the catalog has; and checks of a store's S3 wiring (endpoint, credentials,
 * their copy, the egress rule).
 */
import { HelmBlueprint } from '../../blueprints/helm';
import { Keycloak } from '../../blueprints';
import type { Blueprint, BlueprintMetadata } from '../../lib/blueprint';
import type { S3Bucket } from '../../lib/services';
import { Cluster } from '../../lib/cluster';
import { find, testCluster, type Json } from './render';

/** A Blueprint class named `name` in namespace `namespace` that renders nothing of interest. */
export function peerBlueprint(name: string, namespace: string): new () => Blueprint {
  const metadata: BlueprintMetadata = { ...Keycloak.metadata, name, title: name, namespace, dependsOn: [], network: undefined };
  return class extends HelmBlueprint {
    static readonly metadata = metadata;
    protected curatedValues(): Record<string, unknown> {
      return {};
    }
  };
}

/** Stand-ins for the OpenTelemetry collector, Alloy and Grafana, each in a namespace named `<name>-ns`. */
export function telemetryPeers(): Blueprint[] {
  return ['opentelemetry', 'alloy', 'grafana'].map((name) => new (peerBlueprint(name, `${name}-ns`))());
}

/**
 * Checks that a store's S3 endpoint value `address` is its bucket's endpoint without the scheme
 * (the SeaweedFS `S3Bucket.endpoint`, never a host of the store's own), and returns the expected
 * credential variables and a check of the credentials' copy into the store's namespace.
 */
export function s3Expectations(bucket: S3Bucket, address: string) {
  expect(address).toBe(new URL(bucket.endpoint).host);
  expect(address).toBe(`${bucket.host}:${bucket.port}`);
  return {
    /** The endpoint as the store's values give it. */
    address,
    /** The environment variables reading the keys from the local Secret `secret`. */
    env: (secret: string) => [
      { name: 'S3_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: secret, key: bucket.accessKeyIdKey } } },
      { name: 'S3_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: secret, key: bucket.secretAccessKeyKey } } },
    ],
    /** Checks that `objects` copy the bucket's credentials Secret into `namespace` as `secret`. */
    expectCopied: (objects: Json[], namespace: string, secret: string) => {
      const copy = find(objects, 'ExternalSecret', secret);
      expect(copy.metadata.namespace).toBe(namespace);
      expect(copy.spec.target.name).toBe(secret);
      expect(copy.spec.data.map((d: Json) => d.remoteRef.key)).toEqual(bucket.credentials.keys.map(() => bucket.credentials.name));
      expect(copy.spec.data.map((d: Json) => d.remoteRef.property).sort()).toEqual([...bucket.credentials.keys].sort());
      expect(bucket.credentials.keys).toEqual(expect.arrayContaining([bucket.accessKeyIdKey, bucket.secretAccessKeyKey]));
    },
  };
}

/** Checks that `objects` allow egress to SeaweedFS's namespace on the bucket's port, with a reason. */
export function expectS3Egress(objects: Json[], seaweed: Blueprint, bucket: S3Bucket): void {
  const name = `allow-egress-namespace-${seaweed.metadata.namespace}-${bucket.port}`;
  const policy = find(objects, 'NetworkPolicy', name);
  expect(policy.spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': seaweed.metadata.namespace } } }], ports: [{ port: bucket.port, protocol: 'TCP' }] }]);
}

/**
 * A test cluster with `blueprints` and the other built-ins, where the telemetry shippers and Grafana
 * are exactly the `blueprints` given under their names: the built-in ones are left out, so a store's
 * reverse reads see only the test's stand-ins (or none).
 */
export function clusterWithPeers(blueprints: readonly Blueprint[]): Cluster {
  const all = testCluster({}, blueprints);
  const peers = ['opentelemetry', 'alloy', 'grafana'];
  return new Cluster(all, [...all.blueprints.values()].filter((bp) => blueprints.includes(bp) || !peers.includes(bp.metadata.name)));
}
