/**
 * The external-secrets Blueprint and the Secrets wiring (blueprints/secrets.ts): declared Secrets
 * generated in the cluster (Password generator + ExternalSecret created once), copies of a provider's
 * Secret scoped to exactly that Secret, the OpenBao ClusterSecretStore and Secrets read through it,
 * the edge every user gets to external-secrets, the errors for a missing or impossible generator, the
 * props from YAML, and every object against the pinned chart's values and CRDs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { ExternalSecrets, Gitea, Grafana, Harbor, HcloudCsi, Keycloak, Langfuse, OpenBao, PowerDns } from '../../blueprints';
import { EXTERNAL_SECRETS_WEBHOOK_PORT } from '../../blueprints/platform/external-secrets';
import { copySecret, GENERATED_VALUE_LENGTH, openBaoSecret, sharedSecret } from '../../blueprints/secrets';
import { Blueprint, type BlueprintConstruct, type GeneratedSecret } from '../../lib/blueprint';
import { loadCrds, validateCustomResource } from '../../lib/chart-check';
import { Cluster } from '../../lib/cluster';
import { CHARTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { ROOT } from '../support/synth';
import { bindObjects, find, renderConfigObjects, renderedValues, renderObjects, SOLO_ATTRIBUTES, testCluster, type Json } from '../support/render';

const crds = loadCrds(CHARTS_DIR);
const ESO_GROUPS = /(^|\.)external-secrets\.io\//;

/** Every problem of the external-secrets objects among `objects` against the pinned CRDs; fails when no CRD of 2.4.1 matches. */
function crdProblems(objects: readonly Json[]): string[] {
  return objects
    .filter((o) => ESO_GROUPS.test(o.apiVersion))
    .flatMap((o) => {
      const report = validateCustomResource(o, crds);
      const where = `${o.kind}/${o.metadata.name}`;
      if (!report.crdFiles.some((f) => f.includes(`external-secrets-${CHARTS['external-secrets'].version}/`))) return [`${where}: no CRD of the pinned chart`];
      return report.problems.map((p) => `${where}: ${p.path}: ${p.message}`);
    });
}

/** A minimal hand-rendered Blueprint in its own namespace that declares one Secret and renders nothing else. */
class Declarer extends Blueprint {
  static readonly metadata = { ...Gitea.metadata, name: 'declarer', namespace: 'declarer', dependsOn: [] };
  protected render(_scope: BlueprintConstruct, _cluster: Cluster): void {}
  generatedSecrets(): GeneratedSecret[] {
    return [{ name: 'declarer-login', namespaces: ['declarer'], randomKeys: ['password'], fixed: { username: 'declarer' } }];
  }
}

describe('in-cluster generated Secrets', () => {
  const keycloak = renderObjects(new Keycloak());

  it('render, for Keycloak, a Password generator with every random key and an ExternalSecret that creates the Secret once and never rotates it', () => {
    const generator = find(keycloak, 'Password', 'keycloak-client-gitea-client-secret');
    expect(generator.metadata.namespace).toBe('keycloak');
    expect(generator.spec).toEqual({ length: GENERATED_VALUE_LENGTH, digits: 8, symbols: 0, noUpper: false, allowRepeat: true });
    const secret = find(keycloak, 'ExternalSecret', 'keycloak-client-gitea');
    expect(secret.metadata.namespace).toBe('keycloak');
    expect(secret.spec.refreshPolicy).toBe('CreatedOnce');
    expect(secret.spec.target).toMatchObject({ name: 'keycloak-client-gitea', creationPolicy: 'Orphan', deletionPolicy: 'Retain', template: { mergePolicy: 'Merge' } });
    expect(secret.spec.dataFrom).toEqual([
      {
        sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'keycloak-client-gitea-client-secret' } },
        rewrite: [{ regexp: { source: '^password$', target: 'client-secret' } }],
      },
    ]);
    expect(find(keycloak, 'ExternalSecret', 'keycloak-admin').spec.dataFrom.map((d: Json) => d.rewrite[0].regexp.target)).toEqual(['admin-password']);
    expect(find(keycloak, 'ExternalSecret', 'keycloak-admin').spec.refreshPolicy).toBe('CreatedOnce');
  });

  it('follow the props: a Secret the props name is neither generated nor rendered', () => {
    const objects = renderObjects(new Keycloak({ adminSecret: 'mine' }));
    expect(objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).toEqual(['keycloak-client-gitea', 'keycloak-client-grafana', 'keycloak-client-harbor', 'keycloak-client-langfuse']);
    const noClients = testCluster({}, [new Gitea({ oidc: false }), new Grafana({ oidc: false }), new Harbor({ oidc: false }), new Langfuse({ oidc: false })]);
    expect(renderObjects(new Keycloak({ adminSecret: 'a' }), noClients).filter((o) => ESO_GROUPS.test(o.apiVersion))).toEqual([]);
  });

  it('render for a hand-rendered Blueprint too, with fixed keys through the template', () => {
    const objects = renderObjects(new Declarer(), testCluster({}, [new Declarer()]));
    const secret = find(objects, 'ExternalSecret', 'declarer-login');
    expect(secret.spec.target.template).toEqual({ metadata: { labels: expect.objectContaining({ 'catalyst.openova.io/blueprint': 'declarer' }) }, mergePolicy: 'Merge', data: { username: 'declarer' } });
    expect(objects.filter((o) => o.kind === 'Password').map((o) => o.metadata.name)).toEqual(['declarer-login-password']);
  });

  it('make every declarer read external-secrets, so its Flux Kustomization waits for it, and the kit declares the edge too', () => {
    const cluster = testCluster({}, [new Declarer()]);
    renderObjects(cluster.blueprint(Declarer), cluster);
    expect(cluster.references.get('declarer')).toEqual(['external-secrets']);
    for (const cls of [Keycloak, Gitea, PowerDns]) expect(cls.metadata.dependsOn).toContain(ExternalSecrets);
    const { sovereign } = fromYamlProps('keycloak', {});
    const flux = sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/flux-system/kustomization-bp-keycloak.yaml') ?? '';
    expect(flux).toMatch(/dependsOn:[\s\S]*- name: bp-external-secrets/);
  });

  it('fail with the Secrets, the cluster and the fix when the cluster has no external-secrets', () => {
    const bare = Cluster.fromAttributes(SOLO_ATTRIBUTES, [new Declarer()]);
    expect(() => bare.blueprint(Declarer).bind(new Chart(new App(), 'apps'), bare)).toThrow(
      "apps/declarer (Blueprint declarer, Declarer): declares the generated Secrets declarer-login, but cluster hz-fsn-mgt-prod has no Blueprint that generates Secrets in the cluster; install external-secrets (add it to the selection, or to declarer's dependsOn so the catalog adds it)",
    );
  });

  it('fail for a Blueprint external-secrets depends on, naming the chain, since its Secrets could never be created', () => {
    class SecretBao extends OpenBao {
      generatedSecrets(): GeneratedSecret[] {
        return [{ name: 'bao-x', namespaces: ['openbao'], randomKeys: ['k'] }];
      }
    }
    expect(() => renderObjects(new SecretBao())).toThrow(
      'openbao (Blueprint openbao, SecretBao): declares the generated Secrets bao-x, but external-secrets, which generates them in the cluster, depends on it (external-secrets → openbao), so they could never be created; declare them with bootstrapSecrets() instead, which the bootstrap generates before Flux runs',
    );
    expect(new HcloudCsi().generatedSecrets(testCluster())).toEqual([]);
    expect(new HcloudCsi().bootstrapSecrets(testCluster()).map((s) => s.name)).toEqual(['hcloud-csi-encryption']);
  });

  it('fail for a Secret declared in another namespace, pointing at copySecret', () => {
    class Spread extends Declarer {
      generatedSecrets(): GeneratedSecret[] {
        return [{ name: 'shared', namespaces: ['declarer', 'other'], randomKeys: ['k'] }];
      }
    }
    expect(() => renderObjects(new Spread(), testCluster({}, [new Spread()]))).toThrow(/declares the generated Secret shared in declarer, other, but a Blueprint generates Secrets in its own namespace declarer only .*copySecret\(scope, cluster, sharedSecret\(blueprint, secret\)\)/);
  });

  it('validate against the pinned CRDs', () => {
    expect(crdProblems([...keycloak, ...renderObjects(new Declarer(), testCluster({}, [new Declarer()]))])).toEqual([]);
  });
});

describe('in a Sovereign, generated values appear nowhere', () => {
  const { sovereign } = fromYamlProps('keycloak', {});
  const tree = sovereign.gitopsTree().files;

  it('the cloud-init bootstrap generates only the Hetzner CSI passphrase; the tree holds generators, never a Secret with data', () => {
    const stacks = sovereign.check().stacks;
    expect(stacks.length).toBeGreaterThan(0);
    const cluster = sovereign.clusters[0]!.cluster;
    expect(sovereign.blueprints.flatMap((p) => p.blueprint.bootstrapSecrets(cluster)).map((s) => s.name)).toEqual(['hcloud-csi-encryption']);
    const declared = sovereign.blueprints.flatMap((p) => p.blueprint.generatedSecrets(cluster).map((s) => s.name)).sort();
    expect(declared).toEqual([
      'gitea-admin', 'grafana-admin', 'harbor-admin', 'harbor-encryption-key', 'keycloak-admin', 'keycloak-client-gitea', 'keycloak-client-grafana', 'keycloak-client-harbor', 'keycloak-client-langfuse',
      'langfuse-app', 'langfuse-clickhouse', 'langfuse-valkey', 'powerdns-api-credentials', 'seaweedfs-s3-harbor', 'seaweedfs-s3-langfuse', 'seaweedfs-s3-loki', 'seaweedfs-s3-mimir', 'seaweedfs-s3-tempo', 'seaweedfs-s3-velero', 'valkey-users',
    ]);
    for (const name of declared) {
      const folder = [...tree.keys()].find((p) => p.endsWith(`/externalsecret-${name}.yaml`) || /^kind: ExternalSecret$/m.test(tree.get(p) ?? '') && (tree.get(p) ?? '').includes(`refreshPolicy: CreatedOnce`) && (tree.get(p) ?? '').includes(`name: ${name}\n`));
      expect(folder).toBeDefined();
    }
    for (const [path, content] of tree) expect(`${path}: ${/^kind: Secret$/m.test(content) && /^(data|stringData):/m.test(content)}`).toBe(`${path}: false`);
  });
});

describe('copySecret', () => {
  const pdns = new PowerDns();
  const source = sharedSecret(pdns, pdns.generatedSecrets(testCluster())[0]!);
  const copy = (options?: { name?: string }) => {
    const cluster = testCluster({}, [new Declarer()]);
    const chart = new Chart(new App(), 'c');
    let name = '';
    class Consumer extends Declarer {
      protected render(scope: BlueprintConstruct, c: Cluster): void {
        name = copySecret(scope, c, source, options);
      }
      generatedSecrets(): GeneratedSecret[] {
        return [];
      }
    }
    const consumer = new Consumer();
    const view = new Cluster(cluster, [consumer, ...[...cluster.blueprints.values()].filter((b) => b.metadata.name !== 'declarer')]);
    consumer.bind(chart, view);
    return { name, objects: chart.toJson() as Json[], references: view.references.get('declarer') };
  };

  it('shares a provider\'s generated Secret by its namespace, name and every key', () => {
    expect(source).toEqual({ namespace: 'powerdns', name: 'powerdns-api-credentials', keys: ['api-key'] });
    expect(sharedSecret(new Declarer(), new Declarer().generatedSecrets()[0]!).keys).toEqual(['password', 'username']);
    expect(() => sharedSecret(pdns, { name: 'x', namespaces: ['elsewhere'], randomKeys: ['k'] })).toThrow('Blueprint powerdns shares the generated Secret x, but declares it in elsewhere, not its namespace powerdns; declare it in powerdns');
  });

  it('renders a ServiceAccount, a Role on exactly that one Secret, a SecretStore and an ExternalSecret, and reads external-secrets', () => {
    const { name, objects, references } = copy();
    expect(name).toBe('powerdns-api-credentials');
    expect(references).toEqual(['external-secrets']);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/declarer/secret-copy-powerdns-powerdns-api-credentials',
      'Role/powerdns/secret-copy-powerdns-api-credentials-to-declarer',
      'RoleBinding/powerdns/secret-copy-powerdns-api-credentials-to-declarer',
      'SecretStore/declarer/secret-copy-powerdns-powerdns-api-credentials',
      'ExternalSecret/declarer/powerdns-api-credentials',
    ]);
    expect(find(objects, 'Role', 'secret-copy-powerdns-api-credentials-to-declarer').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['powerdns-api-credentials'], verbs: ['get'] }]);
    expect(find(objects, 'RoleBinding', 'secret-copy-powerdns-api-credentials-to-declarer').subjects).toEqual([{ kind: 'ServiceAccount', name: 'secret-copy-powerdns-powerdns-api-credentials', namespace: 'declarer' }]);
    const store = find(objects, 'SecretStore', 'secret-copy-powerdns-powerdns-api-credentials');
    expect(store.spec.provider.kubernetes).toEqual({
      remoteNamespace: 'powerdns',
      server: { url: 'https://kubernetes.default.svc', caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
      auth: { serviceAccount: { name: 'secret-copy-powerdns-powerdns-api-credentials' } },
    });
    const secret = find(objects, 'ExternalSecret', 'powerdns-api-credentials');
    expect(secret.spec).toMatchObject({ refreshPolicy: 'Periodic', secretStoreRef: { kind: 'SecretStore', name: store.metadata.name }, target: { name: 'powerdns-api-credentials', creationPolicy: 'Owner' } });
    expect(secret.spec.data).toEqual([{ secretKey: 'api-key', remoteRef: { key: 'powerdns-api-credentials', property: 'api-key' } }]);
    expect(crdProblems(objects)).toEqual([]);
  });

  it('names the copy as told', () => {
    const { name, objects } = copy({ name: 'pdns-key' });
    expect(name).toBe('pdns-key');
    expect(find(objects, 'ExternalSecret', 'pdns-key').spec.target.name).toBe('pdns-key');
  });

  it('needs a scope inside a Blueprint, and an external-secrets in the cluster', () => {
    expect(() => copySecret(new Chart(new App(), 'loose'), testCluster(), source)).toThrow(/copySecret of powerdns\/powerdns-api-credentials needs a scope inside a Blueprint's construct/);
    class Lonely extends Declarer {
      protected render(scope: BlueprintConstruct, c: Cluster): void {
        copySecret(scope, c, source);
      }
      generatedSecrets(): GeneratedSecret[] {
        return [];
      }
    }
    const bare = Cluster.fromAttributes(SOLO_ATTRIBUTES, [new Lonely()]);
    expect(() => bare.blueprint(Lonely).bind(new Chart(new App(), 'apps'), bare)).toThrow('Blueprint declarer reads external-secrets, but cluster hz-fsn-mgt-prod has no Blueprint "external-secrets"; add "external-secrets" to declarer\'s dependsOn or install it in the cluster');
  });
});

describe('the OpenBao ClusterSecretStore and openBaoSecret', () => {
  it('points the store at OpenBao\'s API with Kubernetes auth for the controller\'s ServiceAccount and a KV v2 mount', () => {
    const config = renderConfigObjects(new ExternalSecrets());
    const store = find(config, 'ClusterSecretStore', 'openbao');
    expect(store.spec.provider.vault).toEqual({
      server: new OpenBao().apiUrl,
      path: 'secret',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets-system' } } },
    });
    expect(crdProblems(config)).toEqual([]);
    const renamed = find(renderConfigObjects(new ExternalSecrets({ openBaoStoreName: 'bao', openBaoKvMount: 'platform' })), 'ClusterSecretStore', 'bao');
    expect(renamed.spec.provider.vault.path).toBe('platform');
    expect(renderConfigObjects(new ExternalSecrets({ openBaoStore: false }))).toEqual([]);
  });

  it('renders an ExternalSecret from the store for a path and keys, in the caller\'s namespace', () => {
    const cluster = testCluster({}, [new Declarer()]);
    class Reader extends Declarer {
      protected render(scope: BlueprintConstruct, c: Cluster): void {
        openBaoSecret(scope, c, { name: 'dynadot-api', path: 'dynadot/api', keys: ['secret', 'key'] });
      }
      generatedSecrets(): GeneratedSecret[] {
        return [];
      }
    }
    const { objects } = bindObjects(new Reader(), cluster);
    const secret = find(objects, 'ExternalSecret', 'dynadot-api');
    expect(secret.metadata.namespace).toBe('declarer');
    expect(secret.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'openbao' });
    expect(secret.spec.data).toEqual([
      { secretKey: 'key', remoteRef: { key: 'dynadot/api', property: 'key' } },
      { secretKey: 'secret', remoteRef: { key: 'dynadot/api', property: 'secret' } },
    ]);
    expect(crdProblems(objects)).toEqual([]);
    const noStore = testCluster({}, [new Reader(), new ExternalSecrets({ openBaoStore: false })]);
    expect(() => bindObjects(noStore.blueprint(Reader), noStore)).toThrow(/openBaoSecret dynadot-api reads OpenBao path dynadot\/api, but external-secrets renders no OpenBao ClusterSecretStore/);
  });
});

describe('the OpenBao setup an operator runs once', () => {
  it('creates exactly the auth mount, role, KV mount and policy the store names, for the controller\'s ServiceAccount', () => {
    const eso = new ExternalSecrets({ openBaoKvMount: 'platform' });
    const vault = find(renderConfigObjects(eso), 'ClusterSecretStore', 'openbao').spec.provider.vault;
    const commands = eso.openBaoSetupCommands();
    expect(commands).toContain(`bao auth enable -path=${vault.auth.kubernetes.mountPath} kubernetes`);
    expect(commands).toContain(`bao secrets enable -path=${vault.path} kv-v2`);
    const role = commands.find((c) => c.startsWith(`bao write auth/${vault.auth.kubernetes.mountPath}/role/${vault.auth.kubernetes.role} `))!;
    expect(role).toContain(`bound_service_account_names=${vault.auth.kubernetes.serviceAccountRef.name} bound_service_account_namespaces=${vault.auth.kubernetes.serviceAccountRef.namespace} policies=external-secrets`);
    expect(commands.find((c) => c.includes('bao policy write external-secrets'))).toContain('path "platform/data/*" { capabilities = ["read"] }');
  });

  it('are the commands the README shows', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const command of new ExternalSecrets().openBaoSetupCommands()) expect(readme).toContain(`\n${command}\n`);
  });
});

describe('external-secrets', () => {
  it('installs the CRDs with the webhook on the port its NetworkPolicy opens to the API server, and reaches OpenBao', () => {
    const values = renderedValues(new ExternalSecrets());
    expect(values).toMatchObject({ installCRDs: true, replicaCount: 1, leaderElect: false, webhook: { port: EXTERNAL_SECRETS_WEBHOOK_PORT }, serviceMonitor: { enabled: false } });
    expect(renderedValues(new ExternalSecrets({ replicas: 2 }))).toMatchObject({ replicaCount: 2, leaderElect: true });
    const rules = new ExternalSecrets().networkAllowances(testCluster());
    expect(rules.ingress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', [{ port: EXTERNAL_SECRETS_WEBHOOK_PORT }]]]);
    expect(rules.egress?.map((r) => [r.peer, r.namespace, r.ports])).toEqual([['apiserver', undefined, undefined], ['namespace', 'openbao', [{ port: 8200 }]]]);
    expect(ExternalSecrets.metadata).toMatchObject({ namespace: 'external-secrets-system', tier: 'bootstrap-kit', installsCrds: true });
  });

  it('sets only values the pinned chart declares, with the requests the metadata sums', () => {
    expect(chartValueProblems(new ExternalSecrets())).toEqual([]);
    const chart = chartValues('external-secrets', 'external-secrets', CHARTS['external-secrets'].version);
    expect(chart.webhook.port).toBe(EXTERNAL_SECRETS_WEBHOOK_PORT);
    const values = renderedValues(new ExternalSecrets());
    const cpu = [values.resources, values.webhook.resources, values.certController.resources].map((r) => parseInt(r.requests.cpu, 10));
    const mem = [values.resources, values.webhook.resources, values.certController.resources].map((r) => parseInt(r.requests.memory, 10));
    expect(ExternalSecrets.metadata.resources).toEqual({ cpuMillis: cpu.reduce((a, b) => a + b), memoryMiB: mem.reduce((a, b) => a + b) });
  });

  it('takes its props from YAML and rejects bad ones, naming the field', () => {
    const { sovereign, blueprint } = fromYamlProps<ExternalSecrets>('external-secrets', { replicas: 2, openBaoStoreName: 'bao', openBaoKvMount: 'kv' });
    expect(blueprint.props).toEqual({ replicas: 2, openBaoStoreName: 'bao', openBaoKvMount: 'kv' });
    expect(treeValues(sovereign, 'external-secrets').replicaCount).toBe(2);
    expect(blueprintPropsProblems('external-secrets', { replicas: 0 })).toEqual([{ path: 'spec.blueprints.props.external-secrets.replicas', value: 0, message: 'must be at least 1' }]);
    expect(blueprintPropsProblems('external-secrets', { openBaoKvMount: 'Secret/x' })[0]?.message).toBe("must be an OpenBao mount path: lowercase letters, digits, '-' and '_', e.g. secret");
  });
});
