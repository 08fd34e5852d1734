import type { BlueprintMetadata, BlueprintProps, GeneratedSecret } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint } from '../helm';
import { CertManager } from './cert-manager';
import { POWERDNS_API_KEY_SECRET, POWERDNS_API_PORT, PowerDns, type SecretKeyRef } from './powerdns';

/** Props of the ExternalDNS Blueprint. */
export interface ExternalDnsProps extends BlueprintProps {
  /**
   * Domains ExternalDNS may manage records in; names outside them are ignored.
   * @default [the Sovereign FQDN]
   */
  readonly domainFilters?: readonly string[];
  /**
   * Owner ID written into the TXT ownership records. Each cluster needs its own, so that the
   * ExternalDNS of one region never deletes records the other region created.
   * @default the cluster name, e.g. `hz-fsn-mgt-prod`
   */
  readonly txtOwnerId?: string;
  /**
   * Kubernetes objects whose host names are published.
   * @default ['service', 'ingress']
   */
  readonly sources?: readonly string[];
  /**
   * `sync` also deletes records whose objects are gone; `upsert-only` never deletes.
   * @default 'sync'
   */
  readonly policy?: 'sync' | 'upsert-only' | 'create-only';
  /**
   * URL of the PowerDNS REST API.
   * @default `PowerDns.apiUrl()`, i.e. `http://powerdns.powerdns.svc.cluster.local:8081`
   */
  readonly pdnsServer?: string;
  /**
   * Existing Secret (namespace `external-dns`) holding the PowerDNS API key; it must carry the same
   * key as the Secret PowerDNS reads.
   * @default `{ name: 'powerdns-api-credentials', key: 'api-key' }`, generated at bootstrap with the same key as PowerDNS's
   */
  readonly apiKeySecret?: SecretKeyRef;
}

/**
 * ExternalDNS: publishes the host names of Services and Ingresses as DNS records in the Sovereign's
 * PowerDNS zone.
 *
 * Uses the built-in `pdns` provider against the PowerDNS REST API; the API key reaches the
 * container as `EXTERNAL_DNS_PDNS_API_KEY` from an existing Secret (ExternalDNS reads every flag from
 * an `EXTERNAL_DNS_*` variable), never as a value. Ownership is tracked in TXT records prefixed
 * `_externaldns.`. The chart's own security context is already restricted.
 *
 * Source: chart `external-dns` (`CHARTS['external-dns']`; ExternalDNS v0.15.1) from
 * https://kubernetes-sigs.github.io/external-dns/
 * (https://github.com/kubernetes-sigs/external-dns/tree/master/charts/external-dns); reference
 * catalog entry `external-dns` (bootstrap-kit slot 12).
 *
 * Deviations from the reference, which could not work as shipped: it pointed at
 * `powerdns.openova-system.svc`, while PowerDNS runs in namespace `powerdns` (the URL now comes from
 * `PowerDns.apiUrl()`), and it passed `--pdns-api-version`, a flag ExternalDNS v0.15 does not have
 * and would refuse to start with. The TXT owner is the cluster rather than the Sovereign FQDN, so two
 * regions do not fight over the same records.
 */
export class ExternalDns extends HelmBlueprint<ExternalDnsProps> {
  /** Catalog metadata: the pinned chart `external-dns` (kubernetes-sigs.github.io/external-dns), namespace external-dns, bootstrap kit, depends on cert-manager and PowerDNS. */
  static readonly metadata: BlueprintMetadata = {
    name: 'external-dns',
    title: 'ExternalDNS',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'Publishes Service and Ingress host names as records in the Sovereign PowerDNS zone.',
    chart: chartPin('external-dns'),
    namespace: 'external-dns',
    podSecurity: { level: 'restricted', reason: 'the chart runs the controller as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile' },
    releaseName: 'external-dns',
    dependsOn: [CertManager, PowerDns],
    installsCrds: false,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 50, memoryMiB: 64 },
    network: {
      egress: [
        { peer: 'apiserver', reason: 'watches Services and Ingresses for host names to publish' },
        {
          peer: 'namespace',
          namespace: PowerDns.metadata.namespace,
          ports: [{ port: POWERDNS_API_PORT }],
          reason: `writes records through the PowerDNS REST API (${PowerDns.apiUrl()}); a pdnsServer elsewhere needs a props.network rule`,
        },
      ],
    },
    sources: [CHARTS['external-dns'].docs, 'catalog/components.json#external-dns', 'catalog/bootstrap-kit.json slot 12'],
  };

  /** Values of the pinned chart `external-dns` from the props and context: PowerDNS provider with its API key from a Secret, TXT registry owned by the cluster name, domain filter on the Sovereign FQDN unless set. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const apiKey = p.apiKeySecret ?? POWERDNS_API_KEY_SECRET;
    return {
      provider: { name: 'pdns' },
      sources: [...(p.sources ?? ['service', 'ingress'])],
      policy: p.policy ?? 'sync',
      registry: 'txt',
      txtOwnerId: p.txtOwnerId ?? ctx.cluster.name,
      txtPrefix: '_externaldns.',
      domainFilters: [...(p.domainFilters ?? [ctx.sovereign.fqdn])],
      extraArgs: [`--pdns-server=${p.pdnsServer ?? PowerDns.apiUrl()}`],
      env: [{ name: 'EXTERNAL_DNS_PDNS_API_KEY', valueFrom: { secretKeyRef: { name: apiKey.name, key: apiKey.key } } }],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      serviceMonitor: { enabled: false },
    };
  }

  /** Declares the PowerDNS API key Secret in this namespace (same name and key as PowerDNS's, so the Sovereign gives both one value). */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    return this.props.apiKeySecret ? [] : [{ name: POWERDNS_API_KEY_SECRET.name, namespaces: [this.metadata.namespace], randomKeys: [POWERDNS_API_KEY_SECRET.key] }];
  }
}
