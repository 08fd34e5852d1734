import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { Blueprint, BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { SecretGenerator } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, propsField, resources } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { renderGeneratedSecrets } from '../secrets';
import { CertManager } from './cert-manager';
import { OPENBAO_API_PORT, OpenBao } from './openbao';

/** Port the external-secrets admission webhook listens on (chart value `webhook.port`, 10250 by default, set explicitly here). */
export const EXTERNAL_SECRETS_WEBHOOK_PORT = 10250;

/** The names the OpenBao side of the `ClusterSecretStore` uses: the Kubernetes auth mount and role, the KV v2 mount and the policy. */
export interface OpenBaoStoreSetup {
  /** Path of OpenBao's Kubernetes auth method (`bao auth enable -path=<authMount> kubernetes`). */
  readonly authMount: string;
  /** Role of that auth method bound to the external-secrets ServiceAccount. */
  readonly role: string;
  /** Path of the KV version 2 secrets engine the store reads (`bao secrets enable -path=<kvMount> kv-v2`). */
  readonly kvMount: string;
  /** Policy the role grants: read on every secret of the KV mount. */
  readonly policy: string;
}

/** Props of the external-secrets Blueprint. */
export interface ExternalSecretsProps extends BlueprintProps {
  /** Controller replicas; more than one turns leader election on. @default 1 */
  readonly replicas?: number;
  /**
   * Render the `ClusterSecretStore` for the cluster's OpenBao (in the `-config` folder); off when the
   * cluster has no OpenBao or the platform team brings its own stores.
   * @default true when the cluster has OpenBao
   */
  readonly openBaoStore?: boolean;
  /** Name of the OpenBao `ClusterSecretStore`; every reader (`openBaoSecret`) follows it. @default 'openbao' */
  readonly openBaoStoreName?: string;
  /** Path of the KV version 2 mount in OpenBao the store reads. @default 'secret' */
  readonly openBaoKvMount?: string;
}

/**
 * external-secrets (the External Secrets Operator): turns `ExternalSecret` objects into Kubernetes
 * Secrets, from OpenBao through a `ClusterSecretStore`, from another namespace through a namespaced
 * `SecretStore` of provider `kubernetes`, or from its generators. It is the cluster's in-cluster secret
 * generator (`SecretGenerator`): every Secret a Blueprint declares with `generatedSecrets` becomes a
 * `Password` generator and an `ExternalSecret` with `refreshPolicy: CreatedOnce` in that Blueprint's
 * folder (see `renderGeneratedSecrets` in `blueprints/secrets.ts`), so a Blueprint added to a running
 * Sovereign gets its Secrets, and no value ever appears in Git, Terraform or user_data.
 *
 * Chart version: `CHARTS['external-secrets']` pins a current 2.x release (API `external-secrets.io/v1`), not the
 * reference's 0.10.7. 0.10.7 serves only `v1alpha1`/`v1beta1`; `v1beta1` is no longer served by current
 * releases (the pinned CRDs keep it with `served: false`), so every object written for 0.10.7 would need
 * a rewrite at the first upgrade, and 0.10.7 lacks `refreshPolicy: CreatedOnce`, which creating a
 * generated password once and never rotating it needs. `Password.generators.external-secrets.io` is
 * `v1alpha1` in both.
 *
 * The webhook's certificate comes from the chart's own cert controller; `dependsOn` keeps the
 * reference's cert-manager edge (nothing here needs it today) and OpenBao, which the store points at.
 * OpenBao is sealed until an operator initializes it and configures the auth method, mount, policy
 * and role named by `openBaoSetup` (`openBaoSetupCommands`, also in the README): until then the store
 * is not Ready, while generated and copied Secrets, which do not use it, work from the start.
 *
 * Network: the controller, webhook and cert controller talk to the API server; the API server calls
 * the webhook on 10250; the controller calls the OpenBao API when the cluster has OpenBao.
 *
 * Source: chart `external-secrets` (`CHARTS['external-secrets']`, https://external-secrets.io/latest/);
 * reference kit slot 15 (namespace `external-secrets-system`, dependsOn openbao and cert-manager).
 */
export class ExternalSecrets extends HelmBlueprint<ExternalSecretsProps> implements SecretGenerator {
  /** The props a spec may set (`spec.blueprints.props.external-secrets`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: propsField.replicas().max(5, { error: 'must be at most 5' }).optional().describe('Controller replicas; more than one turns leader election on (default 1)'),
    openBaoStore: z.boolean().optional().describe('Render the ClusterSecretStore for the cluster\'s OpenBao (default true when the cluster has OpenBao)'),
    openBaoStoreName: propsField.objectName().optional().describe('Name of the OpenBao ClusterSecretStore (default openbao)'),
    openBaoKvMount: z.string().regex(/^[a-z0-9][-a-z0-9_]{0,62}$/, { error: "must be an OpenBao mount path: lowercase letters, digits, '-' and '_', e.g. secret" }).optional().describe('Path of the KV version 2 mount in OpenBao (default secret)'),
  }) satisfies z.ZodType<ExternalSecretsProps>;

  /** Catalog metadata: bootstrap kit slot 15, namespace external-secrets-system, after OpenBao and cert-manager. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'external-secrets',
    title: 'External Secrets Operator',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Creates Kubernetes Secrets from OpenBao, from other namespaces and from in-cluster password generators.',
    pin: chartPin('external-secrets'),
    kitSlot: 15,
    namespace: 'external-secrets-system',
    podSecurity: 'the chart runs the controller, webhook and cert controller non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [OpenBao, CertManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 150, memoryMiB: 192 },
    network: {
      ingress: [allow.apiserver('the API server calls the admission webhook that validates ExternalSecrets and stores (chart value webhook.port)', [EXTERNAL_SECRETS_WEBHOOK_PORT])],
      egress: [allow.apiserver('the controller reads and writes Secrets and the custom resources, the webhook and cert controller manage the webhook certificate and CA bundles')],
    },
    moreSources: ['https://external-secrets.io/latest/api/generator/password/', 'https://external-secrets.io/latest/provider/kubernetes/', 'https://external-secrets.io/latest/provider/hashicorp-vault/'],
  });

  /** Name of the chart's controller ServiceAccount (`external-secrets.serviceAccountName`: the chart's fullname, see `helmFullname`), e.g. `external-secrets`. */
  get serviceAccountName(): string {
    return helmFullname(this.metadata.releaseName, this.metadata.chart.chart);
  }

  /** Name of the OpenBao `ClusterSecretStore` (`props.openBaoStoreName`, default `openbao`). */
  get openBaoStoreName(): string {
    return this.props.openBaoStoreName ?? 'openbao';
  }

  /** The OpenBao mount, role and policy names the `ClusterSecretStore` relies on; an operator creates them once (see the OpenBao Blueprint). */
  get openBaoSetup(): OpenBaoStoreSetup {
    return { authMount: 'kubernetes', role: this.metadata.name, kvMount: this.props.openBaoKvMount ?? 'secret', policy: this.metadata.name };
  }

  /**
   * The commands an operator runs once, with the `bao` CLI against an initialized and unsealed
   * OpenBao (e.g. `kubectl -n openbao exec -it openbao-0 -- sh`, after `bao operator init` and
   * `bao login`), that create what the store relies on: the Kubernetes auth method (OpenBao reviews
   * tokens with its own ServiceAccount, which the chart binds to `system:auth-delegator`), the KV
   * version 2 mount, a read-only policy on it and the role for this Blueprint's ServiceAccount. The
   * pinned OpenBao (chart appVersion 2.3) has no declarative self-initialization (`initialize`
   * stanzas arrived in OpenBao 2.4), so this stays an operator step.
   */
  openBaoSetupCommands(): string[] {
    const { authMount, role, kvMount, policy } = this.openBaoSetup;
    return [
      `bao auth enable -path=${authMount} kubernetes`,
      `bao write auth/${authMount}/config kubernetes_host=https://kubernetes.default.svc:443`,
      `bao secrets enable -path=${kvMount} kv-v2`,
      `printf 'path "${kvMount}/data/*" { capabilities = ["read"] }\npath "${kvMount}/metadata/*" { capabilities = ["read", "list"] }\n' | bao policy write ${policy} -`,
      `bao write auth/${authMount}/role/${role} bound_service_account_names=${this.serviceAccountName} bound_service_account_namespaces=${this.metadata.namespace} policies=${policy} ttl=1h`,
    ];
  }

  /** Whether this instance renders the OpenBao `ClusterSecretStore` in a cluster: `props.openBaoStore`, by default whether the cluster has OpenBao. */
  rendersOpenBaoStore(cluster: Cluster): boolean {
    return this.props.openBaoStore ?? cluster.has(OpenBao);
  }

  /**
   * Values of the pinned chart: CRDs installed, controller replicas (leader election from two), the
   * webhook port the NetworkPolicy allows, requests and memory limits on the three pods, metrics and
   * ServiceMonitor off (no Prometheus Operator CRDs in the cluster).
   */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const replicas = this.props.replicas ?? 1;
    return {
      installCRDs: true,
      replicaCount: replicas,
      leaderElect: replicas > 1,
      resources: resources('50m', '64Mi', '256Mi'),
      serviceMonitor: { enabled: false },
      webhook: { replicaCount: 1, port: EXTERNAL_SECRETS_WEBHOOK_PORT, resources: resources('50m', '64Mi', '128Mi') },
      certController: { replicaCount: 1, resources: resources('50m', '64Mi', '128Mi') },
    };
  }

  /** The metadata's allowances plus the OpenBao API, in OpenBao's namespace, when the cluster has OpenBao. */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    if (!cluster.has(OpenBao)) return base;
    const bao = cluster.blueprint(OpenBao);
    const api = allow.namespace(bao.metadata.namespace, [OPENBAO_API_PORT], `reads secrets from the OpenBao API (${bao.apiUrl}) through the ClusterSecretStore, logging in with Kubernetes auth`);
    return { ingress: base.ingress, egress: [...(base.egress ?? []), api] };
  }

  /**
   * Emits the `ClusterSecretStore` for the cluster's OpenBao (it needs this Blueprint's CRDs): provider
   * `vault` against `OpenBao.apiUrl`, KV version 2 at `openBaoSetup.kvMount`, Kubernetes auth with
   * the controller's ServiceAccount and the role `openBaoSetup.role`.
   */
  protected override renderConfig(scope: Construct, cluster: Cluster): void {
    if (!this.rendersOpenBaoStore(cluster)) return;
    const bao = cluster.blueprint(OpenBao);
    const setup = this.openBaoSetup;
    new ApiObject(scope, 'openbao-store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: this.openBaoStoreName, labels: this.labels(cluster) },
      spec: {
        provider: {
          vault: {
            server: bao.apiUrl,
            path: setup.kvMount,
            version: 'v2',
            auth: {
              kubernetes: {
                mountPath: setup.authMount,
                role: setup.role,
                serviceAccountRef: { name: this.serviceAccountName, namespace: this.metadata.namespace },
              },
            },
          },
        },
      },
    });
  }

  /**
   * Renders the in-cluster generation of `owner`'s generated Secrets into `scope` (see
   * `renderGeneratedSecrets`).
   * @throws BlueprintError when `owner` is one this Blueprint depends on (its Secrets could never be
   *   created: they belong in `bootstrapSecrets`), or a Secret is declared outside `owner`'s namespace
   */
  renderGeneratedSecrets(scope: Construct, cluster: Cluster, owner: Blueprint, secrets: readonly GeneratedSecret[]): void {
    renderGeneratedSecrets(scope, cluster, this, owner, secrets);
  }
}
