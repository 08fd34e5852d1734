import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS } from '../../lib/versions';
import { allow, componentMetadata, propsField } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { copySecret, sharedSecret } from '../secrets';
import { CertManager } from './cert-manager';
import { ExternalSecrets } from './external-secrets';
import type { SecretKeyRef } from '../../lib/services';
import { PowerDns } from './powerdns';

/** Props of the ExternalDNS Blueprint. */
export interface ExternalDnsProps extends BlueprintProps {
  /** Domains ExternalDNS may manage records in; names outside them are ignored. @default [the Sovereign FQDN] */
  readonly domainFilters?: readonly string[];
  /**
   * Owner ID written into the TXT ownership records. Each cluster needs its own, so that the
   * ExternalDNS of one region never deletes records the other region created.
   * @default the cluster name, e.g. `hz-fsn-mgt-prod`
   */
  readonly txtOwnerId?: string;
  /** Kubernetes objects whose host names are published. @default ['service', 'ingress'] */
  readonly sources?: readonly string[];
  /** `sync` also deletes records whose objects are gone; `upsert-only` never deletes; `create-only` never updates. @default 'sync' */
  readonly policy?: 'sync' | 'upsert-only' | 'create-only';
  /** URL of the PowerDNS REST API. @default the cluster's PowerDNS (`PowerDns.apiUrl`), `http://powerdns.powerdns.svc.cluster.local:8081` */
  readonly pdnsServer?: string;
  /**
   * Existing Secret (namespace `external-dns`) holding the PowerDNS API key; it must carry the same
   * key as the Secret PowerDNS reads.
   * @default the cluster's PowerDNS API key Secret (`PowerDns.apiKeySecret`), copied here from PowerDNS's namespace when PowerDNS generates its own
   */
  readonly apiKeySecret?: SecretKeyRef;
}

/**
 * ExternalDNS: publishes the host names of Services and Ingresses as DNS records in the Sovereign's
 * PowerDNS zone, through the built-in `pdns` provider and the PowerDNS REST API.
 *
 * The API URL, the API key Secret and PowerDNS's namespace are read from the cluster's PowerDNS
 * (`cluster.blueprint(PowerDns)`), so props that move or rename them there are followed here. The
 * key reaches the container as `EXTERNAL_DNS_PDNS_API_KEY` from the Secret (ExternalDNS reads every
 * flag from an `EXTERNAL_DNS_*` variable), never as a value. Ownership is tracked in TXT records
 * prefixed `_externaldns.`; the chart's own security context is already restricted. PowerDNS is
 * named in `dependsOn` rather than imported as a class, since its module imports this one.
 *
 * Source: chart `external-dns` (`CHARTS['external-dns']`, ExternalDNS v0.15.1;
 * https://github.com/kubernetes-sigs/external-dns/tree/master/charts/external-dns); reference kit slot 12.
 *
 * Deviations from the reference, which could not work as shipped: it pointed at
 * `powerdns.openova-system.svc` while PowerDNS runs in namespace `powerdns`, and passed
 * `--pdns-api-version`, a flag ExternalDNS v0.15 does not have and would refuse to start with. The
 * TXT owner is the cluster rather than the Sovereign FQDN, so two regions do not fight over records.
 */
export class ExternalDns extends HelmBlueprint<ExternalDnsProps> {
  /** The props a spec may set (`spec.blueprints.props.external-dns`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    domainFilters: z.array(propsField.dnsName()).min(1).optional().describe('Domains ExternalDNS may manage records in (default: the Sovereign FQDN)'),
    txtOwnerId: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/, { error: "must be an owner ID of at most 63 letters, digits, '-', '_' and '.'" }).optional().describe('Owner ID of the TXT ownership records, one per cluster (default: the cluster name)'),
    sources: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'must be an ExternalDNS source name such as service, ingress or gateway-httproute' })).min(1).optional().describe('Kubernetes objects whose host names are published (default: service, ingress)'),
    policy: z.literal(['sync', 'upsert-only', 'create-only'], { error: 'must be sync, upsert-only or create-only' }).optional().describe('Record synchronization policy (default sync)'),
    pdnsServer: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL such as http://powerdns.powerdns.svc.cluster.local:8081' }).optional().describe('URL of the PowerDNS REST API (default: the cluster\'s PowerDNS)'),
    apiKeySecret: propsField.secretKeyRef().optional().describe('Existing Secret { name, key } with the PowerDNS API key in the external-dns namespace (default: PowerDNS\'s)'),
  }) satisfies z.ZodType<ExternalDnsProps>;

  /** Catalog metadata: bootstrap kit slot 12, depends on cert-manager and PowerDNS. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'external-dns',
    title: 'ExternalDNS',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'Publishes Service and Ingress host names as records in the Sovereign PowerDNS zone.',
    pin: CHARTS['external-dns'],
    kitSlot: 12,
    podSecurity: 'the chart runs the controller as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [CertManager, 'powerdns', ExternalSecrets],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 50, memoryMiB: 64 },
    network: { egress: [allow.apiserver('watches Services and Ingresses for host names to publish')] },
  });

  /** Values of the pinned chart: the PowerDNS provider with the cluster's PowerDNS API and key Secret, TXT registry owned by the cluster name, domain filter on the Sovereign FQDN unless set. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const pdns = ctx.blueprint(PowerDns);
    const apiKey = p.apiKeySecret ?? pdns.apiKeySecret;
    return {
      provider: { name: 'pdns' },
      sources: [...(p.sources ?? ['service', 'ingress'])],
      policy: p.policy ?? 'sync',
      registry: 'txt',
      txtOwnerId: p.txtOwnerId ?? ctx.cluster.name,
      txtPrefix: '_externaldns.',
      domainFilters: [...(p.domainFilters ?? [ctx.sovereign.fqdn])],
      extraArgs: [`--pdns-server=${p.pdnsServer ?? pdns.apiUrl}`],
      env: [{ name: 'EXTERNAL_DNS_PDNS_API_KEY', valueFrom: { secretKeyRef: { name: apiKey.name, key: apiKey.key } } }],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      serviceMonitor: { enabled: false },
    };
  }

  /** The metadata's allowances plus the REST API of the cluster's PowerDNS, in its namespace. */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const pdns = cluster.blueprint(PowerDns);
    const api = allow.namespace(pdns.namespace, [pdns.apiPort], `writes records through the PowerDNS REST API (${pdns.apiUrl}); a pdnsServer elsewhere needs a props.network rule`);
    return { ingress: base.ingress, egress: [...(base.egress ?? []), api] };
  }

  /**
   * Renders the chart's objects and, unless the props name a Secret of your own, the copy of
   * PowerDNS's generated API key Secret into this namespace (`copySecret` of its `sharedSecret`), so
   * both read one value; with PowerDNS's own `apiKeySecret`, you create it in this namespace too.
   */
  protected override render(scope: BlueprintConstruct, cluster: Cluster): void {
    super.render(scope, cluster);
    if (this.props.apiKeySecret) return;
    const pdns = cluster.blueprint(PowerDns);
    const generated = pdns.generatedSecrets(cluster).find((s) => s.name === pdns.apiKeySecret.name);
    if (generated) copySecret(scope, cluster, sharedSecret(pdns, generated));
  }
}
