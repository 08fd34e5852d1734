/**
 * Secrets between Blueprints, through the External Secrets Operator (the external-secrets Blueprint):
 *
 * - `renderGeneratedSecrets`: what creates a Blueprint's declared `generatedSecrets` in the cluster,
 *   once (a `Password` generator and an `ExternalSecret` with `refreshPolicy: CreatedOnce`), rendered
 *   by `Blueprint.bind` into the declarer's folder; no Blueprint renders these itself.
 * - `sharedSecret` / `copySecret`: a provider hands one of its Secrets to consumers in other
 *   namespaces; each consumer renders, in its own folder and namespace, a copy that can read exactly
 *   that one Secret.
 * - `openBaoSecret`: a Secret from a path in OpenBao, through the OpenBao `ClusterSecretStore`.
 *
 * Every function here reads `cluster.blueprint(ExternalSecrets)`, so the caller's Flux `dependsOn`
 * edge to external-secrets (whose CRDs these objects need) exists.
 *
 * Sources: https://external-secrets.io/latest/api/generator/password/,
 * https://external-secrets.io/latest/api/externalsecret/ (refreshPolicy, creationPolicy),
 * https://external-secrets.io/latest/provider/kubernetes/ (the `kubernetes` provider and its RBAC);
 * the CRDs of the pinned chart (`CHARTS['external-secrets']`).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { type Blueprint, BlueprintConstruct, type GeneratedSecret, refName } from '../lib/blueprint';
import type { Cluster } from '../lib/cluster';
import { BlueprintError } from '../lib/errors';
import type { SharedSecret } from '../lib/services';
import { blueprintLabels } from './namespace';
import { ExternalSecrets } from './platform/external-secrets';

/** API version of the ExternalSecret and store kinds rendered here (served by the pinned chart's CRDs). */
const ESO_API = 'external-secrets.io/v1';

/** API version of the `Password` generator. */
const GENERATORS_API = 'generators.external-secrets.io/v1alpha1';

/** The key a `Password` generator writes its value under (https://external-secrets.io/latest/api/generator/password/). */
const PASSWORD_KEY = 'password';

/** Length of every generated value: 32 letters and digits, as the bootstrap generated them before. */
export const GENERATED_VALUE_LENGTH = 32;

/** How often a copy (`copySecret`) or an OpenBao Secret (`openBaoSecret`) is read again, so a rotated source reaches the consumer. */
export const SECRET_REFRESH_INTERVAL = '1h';

/** The Blueprint construct `scope` belongs to (the innermost one). */
function blueprintScope(scope: Construct, what: string): BlueprintConstruct {
  const found = [...scope.node.scopes].reverse().find((s): s is BlueprintConstruct => s instanceof BlueprintConstruct);
  if (!found) throw new BlueprintError(`${what} needs a scope inside a Blueprint's construct (the scope its render() is given), so the objects land in that Blueprint's folder and namespace; ${scope.node.path || 'the root'} is not`);
  return found;
}

/**
 * The Secret a provider Blueprint generates (one of its `generatedSecrets`), as consumers in other
 * namespaces copy it with `copySecret`.
 * @param blueprint the provider; the Secret lives in its namespace
 * @param generated the declaration, as `blueprint.generatedSecrets(cluster)` returns it
 * @returns namespace, name and every key (random and fixed), sorted
 * @throws BlueprintError when `generated` is not declared in the provider's namespace
 */
export function sharedSecret(blueprint: Blueprint, generated: GeneratedSecret): SharedSecret {
  const namespace = blueprint.metadata.namespace;
  if (!generated.namespaces.includes(namespace)) {
    throw new BlueprintError(`Blueprint ${blueprint.metadata.name} shares the generated Secret ${generated.name}, but declares it in ${generated.namespaces.join(', ') || 'no namespace'}, not its namespace ${namespace}; declare it in ${namespace}`);
  }
  return { namespace, name: generated.name, keys: [...generated.randomKeys, ...Object.keys(generated.fixed ?? {})].sort() };
}

/** Options of `copySecret`. */
export interface CopySecretOptions {
  /** Name of the copy in the consumer's namespace. @default the source's name */
  readonly name?: string;
}

/**
 * Renders, in the consumer's folder and namespace (the Blueprint construct `scope` is in), what
 * copies the Secret `source` from its namespace:
 *
 * - a ServiceAccount `secret-copy-<source namespace>-<source name>` in the consumer's namespace;
 * - a Role and RoleBinding in the source namespace that let that ServiceAccount `get` exactly the
 *   Secret `source.name` (`resourceNames`), nothing else: least privilege, where a ClusterSecretStore
 *   would let every namespace read every Secret;
 * - a namespaced `SecretStore` of provider `kubernetes` (remote namespace `source.namespace`, the API
 *   server's CA from the `kube-root-ca.crt` ConfigMap every namespace has) authenticating as that
 *   ServiceAccount;
 * - an `ExternalSecret` writing `source.keys` into the local Secret, read again every
 *   `SECRET_REFRESH_INTERVAL`, owned by the ExternalSecret (removing the consumer removes the copy,
 *   never the source).
 *
 * Nothing is rendered when the consumer is in the source namespace and keeps the name.
 *
 * @returns the name of the local Secret (`options.name`, default `source.name`)
 * @throws BlueprintError when `scope` is not inside a Blueprint's construct, the cluster has no
 *   external-secrets Blueprint (naming the consumer and the fix), or `source` has no keys
 */
export function copySecret(scope: Construct, cluster: Cluster, source: SharedSecret, options: CopySecretOptions = {}): string {
  const consumer = blueprintScope(scope, `copySecret of ${source.namespace}/${source.name}`).blueprint;
  const namespace = consumer.metadata.namespace;
  const name = options.name ?? source.name;
  cluster.blueprint(ExternalSecrets);
  if (source.keys.length === 0) throw new BlueprintError(`copySecret of ${source.namespace}/${source.name} into ${namespace}: the source lists no keys to copy`);
  if (namespace === source.namespace && name === source.name) return name;
  const id = `copy-${source.namespace}-${source.name}-${name}`;
  if (scope.node.tryFindChild(id)) return name;
  const group = new Construct(scope, id);
  const labels = blueprintLabels(consumer, cluster);
  const account = `secret-copy-${source.namespace}-${source.name}`;
  const grant = `secret-copy-${source.name}-to-${namespace}`;
  secretReaderStore(group, { account, grant, namespace, sourceNamespace: source.namespace, secretNames: [source.name], labels });
  new ApiObject(group, 'external-secret', {
    apiVersion: ESO_API,
    kind: 'ExternalSecret',
    metadata: { name, namespace, labels },
    spec: {
      refreshPolicy: 'Periodic',
      refreshInterval: SECRET_REFRESH_INTERVAL,
      secretStoreRef: { kind: 'SecretStore', name: account },
      target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { metadata: { labels } } },
      data: source.keys.map((key) => ({ secretKey: key, remoteRef: { key: source.name, property: key } })),
    },
  });
  return name;
}

/** What `secretReaderStore` renders, and where. */
export interface SecretReaderStoreOptions {
  /** Name of the ServiceAccount and of the `SecretStore`, both in `namespace`. */
  readonly account: string;
  /** Name of the Role and RoleBinding, both in `sourceNamespace`. */
  readonly grant: string;
  /** Namespace of the reader: the ServiceAccount, the store and the ExternalSecrets using it. */
  readonly namespace: string;
  /** Namespace holding the Secrets the store reads (may be `namespace` itself). */
  readonly sourceNamespace: string;
  /** The only Secrets the store may read: the Role's `resourceNames`. */
  readonly secretNames: readonly string[];
  /** Labels of every object. */
  readonly labels: Record<string, string>;
}

/**
 * Renders into `group` a least-privilege reader of named Secrets for external-secrets: a
 * ServiceAccount (no token mounted) in `namespace`, a Role allowing `get` on exactly `secretNames` in
 * `sourceNamespace` with its RoleBinding, and a namespaced `SecretStore` of provider `kubernetes` on
 * `sourceNamespace` that authenticates as that ServiceAccount against the in-cluster API (CA from the
 * `kube-root-ca.crt` ConfigMap). `copySecret` and the SeaweedFS identities config use it.
 *
 * Source: the Kubernetes provider of the pinned external-secrets chart (`CHARTS['external-secrets']`, https://external-secrets.io/latest/provider/kubernetes/).
 */
export function secretReaderStore(group: Construct, o: SecretReaderStoreOptions): void {
  const { account, grant, namespace, sourceNamespace, labels } = o;
  new ApiObject(group, 'service-account', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace, labels }, automountServiceAccountToken: false });
  new ApiObject(group, 'role', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: grant, namespace: sourceNamespace, labels },
    rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [...o.secretNames], verbs: ['get'] }],
  });
  new ApiObject(group, 'role-binding', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: grant, namespace: sourceNamespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: grant },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
  });
  new ApiObject(group, 'store', {
    apiVersion: ESO_API,
    kind: 'SecretStore',
    metadata: { name: account, namespace, labels },
    spec: {
      provider: {
        kubernetes: {
          remoteNamespace: sourceNamespace,
          server: { url: 'https://kubernetes.default.svc', caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
          auth: { serviceAccount: { name: account } },
        },
      },
    },
  });
}

/** What `openBaoSecret` reads from OpenBao and writes. */
export interface OpenBaoSecretOptions {
  /** Name of the Secret in the caller's namespace. */
  readonly name: string;
  /** Path of the secret in OpenBao's KV version 2 mount (`ExternalSecrets.openBaoSetup.kvMount`), e.g. `dynadot/api`. */
  readonly path: string;
  /** Keys of that secret to write into the Secret, each under its own name; at least one. */
  readonly keys: readonly string[];
}

/**
 * Renders, in the caller's folder and namespace, an `ExternalSecret` that writes `keys` of the
 * OpenBao secret at `path` into the Secret `name`, through the OpenBao `ClusterSecretStore` of the
 * cluster's external-secrets Blueprint (read again every `SECRET_REFRESH_INTERVAL`). For Secrets a
 * platform team stores in OpenBao (e.g. `bao kv put secret/dynadot/api key=...`); until they do, the
 * ExternalSecret reports the missing path and the Secret does not exist.
 *
 * @returns the Secret name, `options.name`
 * @throws BlueprintError when `scope` is not inside a Blueprint's construct, the cluster has no
 *   external-secrets Blueprint or it renders no OpenBao store, or `keys` is empty
 */
export function openBaoSecret(scope: Construct, cluster: Cluster, options: OpenBaoSecretOptions): string {
  const consumer = blueprintScope(scope, `openBaoSecret ${options.name}`).blueprint;
  const eso = cluster.blueprint(ExternalSecrets);
  if (!eso.rendersOpenBaoStore(cluster)) {
    throw new BlueprintError(`openBaoSecret ${options.name} reads OpenBao path ${options.path}, but ${eso.metadata.name} renders no OpenBao ClusterSecretStore in cluster ${cluster.cluster.name} (props.openBaoStore is false or the cluster has no OpenBao); install OpenBao or set openBaoStore`);
  }
  if (options.keys.length === 0) throw new BlueprintError(`openBaoSecret ${options.name} reads OpenBao path ${options.path}, but lists no keys; name the keys to copy`);
  const namespace = consumer.metadata.namespace;
  const labels = blueprintLabels(consumer, cluster);
  new ApiObject(scope, `openbao-${options.name}`, {
    apiVersion: ESO_API,
    kind: 'ExternalSecret',
    metadata: { name: options.name, namespace, labels },
    spec: {
      refreshPolicy: 'Periodic',
      refreshInterval: SECRET_REFRESH_INTERVAL,
      secretStoreRef: { kind: 'ClusterSecretStore', name: eso.openBaoStoreName },
      target: { name: options.name, creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { metadata: { labels } } },
      data: [...options.keys].sort().map((key) => ({ secretKey: key, remoteRef: { key: options.path, property: key } })),
    },
  });
  return options.name;
}

/** Names of every Blueprint `from` depends on, directly or not, through the cluster's metadata. */
function dependencyClosure(cluster: Cluster, from: Blueprint): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const visit = (bp: Blueprint, path: string[]) => {
    for (const ref of bp.metadata.dependsOn) {
      const name = refName(ref);
      if (paths.has(name)) continue;
      paths.set(name, [...path, name]);
      const peer = cluster.blueprints.get(name);
      if (peer) visit(peer, [...path, name]);
    }
  };
  visit(from, [from.metadata.name]);
  return paths;
}

/**
 * Renders, into `scope` (the owner's construct), the in-cluster generation of each of `owner`'s
 * declared Secrets: a `Password` generator `<secret>-<key>` per `randomKeys` entry (a random value of
 * `GENERATED_VALUE_LENGTH` letters and digits; one generator per key rather than 2.x's `secretKeys`
 * list, which the `v1alpha1` CRD of earlier releases rejects) and an `ExternalSecret` that creates the
 * Secret from them (each value renamed from `password` to its key) with
 * `refreshPolicy: CreatedOnce` (created when missing, never updated, so values never rotate and a
 * Secret that exists already, e.g. one the bootstrap made on an older release, is kept), fixed keys
 * added through its template (`mergePolicy: Merge`), and `creationPolicy: Orphan`, so removing the
 * Blueprint never deletes a password its retained volumes still need.
 *
 * @param generator the cluster's external-secrets Blueprint
 * @throws BlueprintError when the generator depends on `owner` (the Secrets could never be created:
 *   declare them with `bootstrapSecrets`), when a Secret is declared in a namespace other than the
 *   owner's (copy it with `sharedSecret` and `copySecret` instead), or when a fixed value holds `{{`
 */
export function renderGeneratedSecrets(scope: Construct, cluster: Cluster, generator: Blueprint, owner: Blueprint, secrets: readonly GeneratedSecret[]): void {
  const cycle = dependencyClosure(cluster, generator).get(owner.metadata.name);
  if (cycle) {
    throw new BlueprintError(`declares the generated Secrets ${secrets.map((s) => s.name).join(', ')}, but ${generator.metadata.name}, which generates them in the cluster, depends on it (${cycle.join(' → ')}), so they could never be created; declare them with bootstrapSecrets() instead, which the bootstrap generates before Flux runs`);
  }
  const namespace = owner.metadata.namespace;
  const labels = blueprintLabels(owner, cluster);
  for (const secret of secrets) {
    const elsewhere = secret.namespaces.filter((ns) => ns !== namespace);
    if (elsewhere.length > 0 || secret.namespaces.length === 0) {
      throw new BlueprintError(`declares the generated Secret ${secret.name} in ${secret.namespaces.join(', ') || 'no namespace'}, but a Blueprint generates Secrets in its own namespace ${namespace} only (values generated in two namespaces would differ); declare it in ${namespace} and copy it elsewhere with copySecret(scope, cluster, sharedSecret(blueprint, secret))`);
    }
    const fixed = Object.entries(secret.fixed ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const templated = fixed.find(([, v]) => v.includes('{{'));
    if (templated) throw new BlueprintError(`declares the generated Secret ${secret.name} with the fixed key ${templated[0]} = ${JSON.stringify(templated[1])}, which holds "{{" and would be read as a template; choose another value`);
    const group = new Construct(scope, `generated-${secret.name}`);
    const generators = secret.randomKeys.map((key) => {
      const name = `${secret.name}-${key}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
      new ApiObject(group, `password-${key}`, {
        apiVersion: GENERATORS_API,
        kind: 'Password',
        metadata: { name, namespace, labels },
        spec: { length: GENERATED_VALUE_LENGTH, digits: GENERATED_VALUE_LENGTH / 4, symbols: 0, noUpper: false, allowRepeat: true },
      });
      return { key, name };
    });
    new ApiObject(group, 'external-secret', {
      apiVersion: ESO_API,
      kind: 'ExternalSecret',
      metadata: { name: secret.name, namespace, labels },
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: {
          name: secret.name,
          creationPolicy: 'Orphan',
          deletionPolicy: 'Retain',
          template: { metadata: { labels }, mergePolicy: 'Merge', ...(fixed.length > 0 ? { data: Object.fromEntries(fixed) } : {}) },
        },
        ...(generators.length > 0
          ? { dataFrom: generators.map(({ key, name }) => ({ sourceRef: { generatorRef: { apiVersion: GENERATORS_API, kind: 'Password', name } }, rewrite: [{ regexp: { source: `^${PASSWORD_KEY}$`, target: key } }] })) }
          : {}),
      },
    });
  }
}
